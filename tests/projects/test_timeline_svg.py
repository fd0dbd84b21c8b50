"""The server-side Gantt timeline: parsed back as XML, checked element by element."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from projects.timeline import Row, build_svg
from tests.projects.factories import ActivityFactory, MilestoneFactory, ProjectFactory

NS = {"svg": "http://www.w3.org/2000/svg"}
D = dt.date


def rows():
    return [
        Row("milestone", 1, "Étude <préalable>", D(2026, 1, 10), D(2026, 2, 10), 100, "done"),
        Row(
            "milestone", 2, "التكوين", D(2026, 2, 1), D(2026, 3, 1), 40, "in_progress", overdue=True
        ),
        Row("activity", 3, "Atelier", D(2026, 4, 2), D(2026, 4, 2)),
    ]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def groups(root, kind):
    return {
        int(g.get("data-id")): g
        for g in root.iter(f"{{{NS['svg']}}}g")
        if g.get("data-kind") == kind
    }


def test_elements_today_line_and_overdue_class():
    svg = build_svg(rows(), start=D(2026, 1, 1), end=D(2026, 6, 30), today=D(2026, 3, 15))
    root = parse(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    milestones = groups(root, "milestone")
    assert set(milestones) == {1, 2}
    assert "overdue" in milestones[2].get("class").split()
    assert "overdue" not in milestones[1].get("class").split()
    assert milestones[2].find("svg:rect[@class='bar']", NS).get("fill") == "#b42318"
    assert milestones[1].find("svg:text", NS).text == "Étude <préalable>"  # escaped, round-trips
    assert set(groups(root, "activity")) == {3}
    # progress bars: 100% fills the whole bar, 40% fills 40 % of it
    for mid, pct in ((1, 100), (2, 40)):
        bar = milestones[mid].find("svg:rect[@class='bar']", NS)
        fill = milestones[mid].find("svg:rect[@class='progress']", NS)
        assert abs(float(fill.get("width")) - float(bar.get("width")) * pct / 100) < 0.2
    today = root.find(".//svg:line[@class='today']", NS)
    assert today is not None and today.get("data-date") == "2026-03-15"
    # today sits between the Jan 1 and Jun 30 edges, about 40 % along
    assert 300 < float(today.get("x1")) < 360
    months = root.findall(".//svg:text[@class='month-label']", NS)
    assert [m.text for m in months] == [
        "2026-01",
        "2026-02",
        "2026-03",
        "2026-04",
        "2026-05",
        "2026-06",
    ]


def test_no_today_line_outside_the_range():
    svg = build_svg(rows(), start=D(2026, 1, 1), end=D(2026, 6, 30), today=D(2027, 1, 1))
    assert parse(svg).find(".//svg:line[@class='today']", NS) is None


def test_rtl_mirrors_the_x_axis():
    kwargs = {"start": D(2026, 1, 1), "end": D(2026, 6, 30), "today": D(2026, 3, 15)}
    ltr = parse(build_svg(rows(), **kwargs))
    rtl = parse(build_svg(rows(), rtl=True, **kwargs))
    width = float(ltr.get("viewBox").split()[2])
    assert "rtl" in rtl.get("class").split()
    for mid in (1, 2):
        lbar = groups(ltr, "milestone")[mid].find("svg:rect[@class='bar']", NS)
        rbar = groups(rtl, "milestone")[mid].find("svg:rect[@class='bar']", NS)
        lx, lw = float(lbar.get("x")), float(lbar.get("width"))
        rx, rw = float(rbar.get("x")), float(rbar.get("width"))
        assert abs(lw - rw) < 0.2
        assert abs((width - (lx + lw)) - rx) < 0.2  # mirrored around the centre
    # the earliest milestone is at the left in LTR and at the right in RTL
    first_l = float(groups(ltr, "milestone")[1].find("svg:rect", NS).get("x"))
    first_r = float(groups(rtl, "milestone")[1].find("svg:rect", NS).get("x"))
    assert first_l < width / 2 < first_r
    # progress fills from the start side: the right end of the bar in RTL
    rbar = groups(rtl, "milestone")[2].find("svg:rect[@class='bar']", NS)
    rfill = groups(rtl, "milestone")[2].find("svg:rect[@class='progress']", NS)
    bar_end = float(rbar.get("x")) + float(rbar.get("width"))
    assert abs(float(rfill.get("x")) + float(rfill.get("width")) - bar_end) < 0.2
    lt = float(ltr.find(".//svg:line[@class='today']", NS).get("x1"))
    rt = float(rtl.find(".//svg:line[@class='today']", NS).get("x1"))
    assert abs((width - lt) - rt) < 0.2


def test_range_widens_to_cover_rows():
    svg = build_svg(rows(), start=D(2026, 2, 1), end=D(2026, 2, 2), today=D(2026, 2, 1))
    root = parse(svg)
    assert root.get("data-start") == "2026-01-10" and root.get("data-end") == "2026-04-02"


def test_timeline_endpoint_and_project_page(app, client, logged_in, world):
    project = ProjectFactory(visibility="public", associations=[world.a])
    late = MilestoneFactory(project=project, due_on=D(2020, 1, 1), starts_on=D(2019, 12, 1))
    MilestoneFactory(project=project, due_on=D(2099, 1, 1), starts_on=None)
    ActivityFactory(project=project)
    response = client.get(f"/projects/{project.id}/timeline.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    root = parse(response.get_data(as_text=True))
    ms = groups(root, "milestone")
    assert "overdue" in ms[late.id].get("class").split()
    assert root.find(".//svg:line[@class='today']", NS) is not None
    rtl = parse(client.get(f"/projects/{project.id}/timeline.svg?dir=rtl").get_data(as_text=True))
    assert "rtl" in rtl.get("class").split()
    # the project page draws a table instead (tests/projects/test_timeline_chart.py)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert '<table class="tl">' in page and 'xmlns="http://www.w3.org/2000/svg"' not in page


def test_timeline_svg_follows_the_readers_arabic(app, logged_in, world):
    project = ProjectFactory(visibility="public", associations=[world.a])
    MilestoneFactory(project=project)
    browser = logged_in(world.member)
    csrf = (
        browser.get("/projects")
        .get_data(as_text=True)
        .split('name="csrf-token" content="')[1]
        .split('"')[0]
    )
    browser.post("/language", data={"locale": "ar", "csrf_token": csrf})
    page = browser.get(f"/projects/{project.id}").get_data(as_text=True)
    assert 'dir="rtl"' in page
    svg = browser.get(f"/projects/{project.id}/timeline.svg").get_data(as_text=True)
    assert 'class="timeline rtl"' in svg
