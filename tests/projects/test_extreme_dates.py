"""Issue 15 #3: dates are bounded where they come in (API schemas and HTML forms, one window:
1990-01-01 to 20 years after today), and pages and feeds cost the same whatever the span of
the rows already stored (an activity from year 1 to 9999 made the project page answer 500 and
the month calendar take 7.5 s; a milestone due 9999-12-31 broke the project's and every
member's .ics feed; a milestone from year 1 to 9999 made a 24 MB page)."""

from __future__ import annotations

import datetime as dt
import time

from app.db import db
from projects.models import Activity, Milestone, Project
from tests.conftest import csrf_token
from tests.projects.factories import ActivityFactory, MilestoneFactory, ProjectFactory


def _count(model) -> int:
    db.session.expire_all()
    return db.session.query(model).count()


def test_dates_outside_the_window_are_refused_with_a_clear_error(api, logged_in, world):
    client = api(world.coordinator)
    created = client.post(
        "/api/v1/projects",
        json={
            "title": "Forever",
            "association_ids": [world.a.id],
            "starts_on": "0001-01-02",
            "ends_on": "9999-12-30",
        },
    )
    assert created.status_code == 422
    fields = created.get_json()["error"]["fields"]
    assert "1990-01-01" in str(fields["starts_on"]) and "ends_on" in fields
    assert _count(Project) == 0

    project = ProjectFactory(visibility="members", associations=[world.a])
    pid = project.id
    bad = [
        client.post(
            f"/api/v1/projects/{pid}/milestones", json={"title": "m", "due_on": "9999-12-31"}
        ),
        client.post(
            f"/api/v1/projects/{pid}/milestones",
            json={"title": "m", "starts_on": "0001-01-01", "due_on": "2026-05-01"},
        ),
        client.post(
            f"/api/v1/projects/{pid}/activities",
            json={
                "title": "a",
                "starts_at": "0001-01-02T00:00:00Z",
                "ends_at": "9999-12-30T00:00:00Z",
            },
        ),
        client.patch(f"/api/v1/projects/{pid}", json={"ends_on": "2999-01-01"}),
    ]
    assert [r.status_code for r in bad] == [422, 422, 422, 422]
    ok = client.post(
        f"/api/v1/projects/{pid}/milestones", json={"title": "ok", "due_on": "2030-05-01"}
    )
    assert ok.status_code == 201
    assert _count(Milestone) == 1 and _count(Activity) == 0

    # the HTML forms: the same window, as min/max of the inputs and on the server
    browser = logged_in(world.coordinator)
    html = browser.get(f"/projects/{pid}").get_data(as_text=True)
    assert 'min="1990-01-01"' in html
    token = csrf_token(browser, f"/projects/{pid}")
    response = browser.post(
        f"/projects/{pid}/milestones",
        data={"csrf_token": token, "title": "far", "due_on": "9999-12-31"},
        follow_redirects=True,
    )
    assert "1990-01-01" in response.get_data(as_text=True)
    assert _count(Milestone) == 1


def test_rows_already_stored_with_extreme_dates_render_fast_and_small(api, logged_in, world):
    project = ProjectFactory(
        visibility="members",
        associations=[world.a],
        starts_on=dt.date(1, 1, 2),
        ends_on=dt.date(9999, 12, 30),
    )
    ActivityFactory(
        project=project,
        starts_at=dt.datetime(1, 1, 2, tzinfo=dt.UTC),
        ends_at=dt.datetime(9999, 12, 30, tzinfo=dt.UTC),
    )
    MilestoneFactory(project=project, starts_on=None, due_on=dt.date(9999, 12, 31))
    MilestoneFactory(project=project, starts_on=dt.date(1, 1, 1), due_on=dt.date(9999, 12, 31))
    db.session.commit()
    browser = logged_in(world.member)
    started = time.perf_counter()
    page = browser.get(f"/projects/{project.id}")
    assert page.status_code == 200
    assert len(page.get_data()) < 200_000
    svg = browser.get(f"/projects/{project.id}/timeline.svg")
    assert svg.status_code == 200 and svg.get_data().count(b'class="month"') <= 24
    calendar = browser.get(f"/projects/{project.id}/calendar?month=2026-06")
    assert calendar.status_code == 200
    assert browser.get(f"/projects/{project.id}/calendar?month=2999-12").status_code == 200
    client = api(world.member)
    assert client.get(f"/api/v1/projects/{project.id}/calendar.ics").status_code == 200
    assert client.get(f"/api/v1/projects/{project.id}").status_code == 200
    feed = client.post("/api/v1/me/calendar").get_json()["url"].removeprefix("http://localhost")
    assert api(None).get(feed).status_code == 200
    assert client.get("/api/v1/projects").status_code == 200
    assert browser.get("/projects").status_code == 200
    assert time.perf_counter() - started < 3.0
