"""The project page's timeline: a table with one column per month, read back through HTTP.

Rows (names in sticky row headers), full month names in the page's language, bars drawn in %
of their cells (mirrored in Arabic), the state as words and icons, today's marker, the dates
for screen readers, long names, the empty state and rows stored with extreme dates.
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from app.db import db
from projects import routes, serialize
from projects.timeline import MAX_COLUMNS, Row, build_chart, month_columns
from tests.projects.factories import ActivityFactory, MilestoneFactory, ProjectFactory

D = dt.date
TODAY = D(2026, 6, 15)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def text(self) -> str:
        parts = list(self.texts)
        for child in self.children:
            parts.append(child.text())
        return " ".join(" ".join(p.split()) for p in parts if p.strip())

    def iter(self, tag: str | None = None, cls: str | None = None):
        for child in self.children:
            if (tag is None or child.tag == tag) and (cls is None or cls in child.classes):
                yield child
            yield from child.iter(tag, cls)

    def all(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        return list(self.iter(tag, cls))

    def one(self, tag: str | None = None, cls: str | None = None) -> Node:
        found = self.all(tag, cls)
        assert len(found) == 1, (tag, cls, len(found))
        return found[0]


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].texts.append(data)


def parse(html: str) -> Node:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def table(html: str) -> Node:
    return parse(html).one("table", "tl")


def pct(value: str) -> float:
    assert value.endswith("%"), value
    return float(value[:-1])


def freeze_today(monkeypatch, day: dt.date) -> None:
    """The reader's today, for the page and its flags."""
    for module in (routes, serialize):
        monkeypatch.setattr(module, "local_today", lambda: day)


@pytest.fixture
def today(monkeypatch):
    freeze_today(monkeypatch, TODAY)
    return TODAY


def page(client, project, locale: str = "fr") -> str:
    response = client.get(f"/projects/{project.id}", headers={"Accept-Language": locale})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def body_rows(tl: Node) -> list[Node]:
    return tl.one("tbody").all("tr")


def cells(row: Node) -> list[Node]:
    return [c for c in row.children if c.tag == "td"]


@pytest.fixture
def project(app, world, today):
    project = ProjectFactory(
        title="Caravane <médicale>",
        visibility="public",
        associations=[world.a],
        starts_on=D(2026, 1, 1),
        ends_on=D(2026, 12, 31),
    )
    MilestoneFactory(
        project=project,
        title="Étude préalable",
        starts_on=D(2026, 1, 10),
        due_on=D(2026, 2, 10),
        status="done",
        progress=100,
    )
    MilestoneFactory(
        project=project,
        title="التكوين",
        starts_on=D(2026, 5, 1),
        due_on=D(2026, 6, 1),
        status="in_progress",
        progress=40,
    )
    MilestoneFactory(
        project=project,
        title="Suivi",
        starts_on=D(2026, 6, 1),
        due_on=D(2026, 8, 31),
        status="in_progress",
        progress=50,
    )
    MilestoneFactory(project=project, title="Bilan", starts_on=None, due_on=D(2026, 11, 20))
    ActivityFactory(
        project=project,
        title="Atelier",
        starts_at=dt.datetime(2026, 9, 2, 9, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 9, 2, 12, tzinfo=dt.UTC),
    )
    db.session.commit()
    return project


def test_one_row_per_milestone_and_activity_with_full_month_names(client, project):
    html = page(client, project, "fr")
    tl = table(html)
    assert "Chronologie du projet" in tl.one("caption").text()
    assert "Caravane &lt;médicale&gt;" in html.split("<caption")[1].split("</caption>")[0]
    months = tl.all("th", "tl-month")
    assert [th.text().split(" Aujourd")[0] for th in months] == [
        "janvier", "février", "mars", "avril", "mai", "juin",
        "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    ]  # fmt: skip
    assert all(th.attrs["scope"] == "col" for th in months)
    assert months[0].one("time").attrs["datetime"] == "2026-01"
    year = tl.one("th", "tl-year")
    assert year.text() == "2026" and year.attrs["colspan"] == "12"
    assert year.attrs["scope"] == "colgroup"
    assert tl.one("th", "tl-corner").attrs["scope"] == "col"

    rows = body_rows(tl)
    assert [r.attrs["data-kind"] for r in rows] == ["milestone"] * 4 + ["activity"]
    names = [r.one("th") for r in rows]
    assert all(th.attrs["scope"] == "row" and "tl-name" in th.classes for th in names)
    assert [th.one("a").text() for th in names] == [
        "Étude préalable", "التكوين", "Suivi", "Bilan", "Atelier",
    ]  # fmt: skip
    assert all(th.one("a").attrs["dir"] == "auto" for th in names)
    assert all(len(cells(r)) == 12 for r in rows)

    # the state in words, with an icon: never the colour alone
    states = [th.one("span", "tl-status").text() for th in names]
    assert states == ["Terminé", "En retard · 40%", "En cours · 50%", "Planifié", "Activité"]
    assert "bi-check-circle-fill" in names[0].one("i").classes
    assert "bi-exclamation-triangle-fill" in names[1].one("i").classes
    assert "is-overdue" in rows[1].classes and "is-done" in rows[0].classes

    # Étude préalable: January (from the 10th) and February (to the 10th), nothing else
    bars = [c.all("rect", "bar") for c in cells(rows[0])]
    assert [len(b) for b in bars] == [1, 1] + [0] * 10
    january, february = bars[0][0], bars[1][0]
    assert pct(january.attrs["x"]) == pytest.approx(9 / 31 * 100, abs=0.01)
    assert pct(january.attrs["x"]) + pct(january.attrs["width"]) > 100  # goes on in February
    assert pct(february.attrs["x"]) < 0  # came from January
    assert pct(february.attrs["x"]) + pct(february.attrs["width"]) == pytest.approx(
        10 / 28 * 100, abs=0.01
    )
    # done: the fill covers the bar
    fill = cells(rows[0])[0].one("rect", "fill")
    assert fill.attrs["width"] == january.attrs["width"]
    # Suivi at 50 % of 92 days: the fill ends in July (June 30 + 16 days)
    suivi = cells(rows[2])
    assert pct(suivi[5].one("rect", "fill").attrs["width"]) > 100
    july_fill = suivi[6].one("rect", "fill")
    assert pct(july_fill.attrs["x"]) + pct(july_fill.attrs["width"]) == pytest.approx(
        16 / 31 * 100, abs=0.01
    )
    assert pct(suivi[7].one("rect", "fill").attrs["width"]) == 0
    # a one-day milestone and a morning's activity are a marker (diamond, dot), not a sliver
    assert cells(rows[3])[10].one("path") is not None and not cells(rows[3])[10].all("rect")
    assert cells(rows[4])[8].one("circle") is not None and not cells(rows[4])[8].all("rect")

    # the dates as text for screen readers, once per row, in the bar's first cell
    hidden = [c.one("span", "visually-hidden").text() for c in cells(rows[0]) if c.all("span")]
    assert len(hidden) == 1
    assert "10 janvier 2026" in hidden[0] and "10 février 2026" in hidden[0]
    assert "2 septembre 2026" in cells(rows[4])[8].one("span", "visually-hidden").text()
    assert all(svg.attrs["aria-hidden"] == "true" for svg in tl.all("svg", "tl-cell"))


def test_today_is_marked_in_its_month_in_every_row(client, project):
    tl = table(page(client, project, "fr"))
    months = tl.all("th", "tl-month")
    marked = [i for i, th in enumerate(months) if "tl-today" in th.classes]
    assert marked == [5]
    assert months[5].attrs["aria-current"] == "date"
    assert "Aujourd'hui" in months[5].text()
    for row in body_rows(tl):
        today_cells = [i for i, c in enumerate(cells(row)) if "tl-today" in c.classes]
        assert today_cells == [5]
        line = cells(row)[5].one("line", "today-line")
        assert pct(line.attrs["x1"]) == pytest.approx(14.5 / 30 * 100, abs=0.01)


def test_no_today_marker_outside_the_project(client, project, monkeypatch):
    freeze_today(monkeypatch, D(2027, 3, 1))
    html = page(client, project, "fr")
    assert "tl-today" not in html and "today-line" not in html


def test_arabic_page_mirrors_bars_and_today(client, project):
    fr = table(page(client, project, "fr"))
    html = page(client, project, "ar")
    assert '<html lang="ar" dir="rtl">' in html
    ar = table(html)
    assert [th.text().split(" ")[0] for th in ar.all("th", "tl-month")][:6] == [
        "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
    ]  # fmt: skip
    assert "اليوم" in ar.one("th", "tl-today").text()
    for fr_row, ar_row in zip(body_rows(fr), body_rows(ar), strict=True):
        for fr_cell, ar_cell in zip(cells(fr_row), cells(ar_row), strict=True):
            for kind in ("bar", "fill"):
                for a, b in zip(fr_cell.all("rect", kind), ar_cell.all("rect", kind), strict=True):
                    assert a.attrs["width"] == b.attrs["width"]
                    mirrored = 100 - pct(a.attrs["x"]) - pct(a.attrs["width"])
                    assert pct(b.attrs["x"]) == pytest.approx(mirrored, abs=0.02)
            for a, b in zip(fr_cell.all("line"), ar_cell.all("line"), strict=True):
                assert pct(b.attrs["x1"]) == pytest.approx(100 - pct(a.attrs["x1"]), abs=0.02)
    # the overdue milestone's fill starts at its first day: the right side of May in Arabic
    may = cells(body_rows(ar)[1])[4]
    bar, fill = may.one("rect", "bar"), may.one("rect", "fill")
    bar_end = pct(bar.attrs["x"]) + pct(bar.attrs["width"])
    assert pct(fill.attrs["x"]) + pct(fill.attrs["width"]) == pytest.approx(bar_end, abs=0.02)


def test_long_names_are_shown_whole_and_escaped(client, world, today):
    name = "جمعية الأمل Al Amal – <b>تكوين</b> " + "المؤطرين والمؤطرات في الجماعات القروية " * 4
    name = name.strip()[:200]
    project = ProjectFactory(visibility="public", associations=[world.a])
    MilestoneFactory(project=project, title=name)
    html = page(client, project, "ar")
    th = body_rows(table(html))[0].one("th")
    assert th.one("a").text() == " ".join(name.split())
    assert "&lt;b&gt;تكوين&lt;/b&gt;" in html and "<b>تكوين</b>" not in html


def test_a_project_without_milestones_shows_what_to_do(client, logged_in, world, today):
    project = ProjectFactory(visibility="members", associations=[world.a])
    member = page(logged_in(world.member), project, "fr")
    assert '<table class="tl">' not in member
    empty = parse(member).one("div", "empty-state")
    assert empty.one("i").classes == ["bi", "bi-bar-chart-steps"] and empty.one("p").text()
    assert not empty.all("a")  # a member cannot add one
    editor = parse(page(logged_in(world.coordinator), project, "fr")).one("div", "empty-state")
    link = editor.one("a")
    assert link.attrs["href"] == "#nm-title" and link.text() == "Ajouter un jalon"
    # an activity alone is enough for the table
    ActivityFactory(project=project, title="Réunion")
    db.session.commit()
    tl = table(page(logged_in(world.member), project, "fr"))
    assert [r.one("th").one("a").text() for r in body_rows(tl)] == ["Réunion"]


def test_a_long_project_gets_quarters_then_years(client, world, today):
    project = ProjectFactory(
        visibility="public", associations=[world.a], starts_on=D(2026, 1, 1), ends_on=D(2031, 6, 30)
    )
    MilestoneFactory(project=project)
    tl = table(page(client, project, "fr"))
    months = tl.all("th", "tl-month")
    assert len(months) == 22 and months[0].text() == "janvier – mars"
    assert "tl-today" in months[1].classes  # April to June 2026
    assert [th.text() for th in tl.all("th", "tl-year")][:2] == ["2026", "2027"]


def test_rows_stored_with_extreme_dates_stay_small_and_fast(client, logged_in, world, today):
    project = ProjectFactory(
        visibility="members",
        associations=[world.a],
        starts_on=D(1, 1, 2),
        ends_on=D(9999, 12, 30),
    )
    ActivityFactory(
        project=project,
        starts_at=dt.datetime(1, 1, 2, tzinfo=dt.UTC),
        ends_at=dt.datetime(9999, 12, 30, tzinfo=dt.UTC),
    )
    MilestoneFactory(project=project, starts_on=None, due_on=D(9999, 12, 31))
    MilestoneFactory(project=project, starts_on=D(1, 1, 1), due_on=D(9999, 12, 31))
    db.session.commit()
    browser = logged_in(world.member)
    started = time.perf_counter()
    html = page(browser, project, "ar")
    assert time.perf_counter() - started < 2.0
    assert len(html) < 200_000
    tl = table(html)
    months = tl.all("th", "tl-month")
    assert 1 < len(months) <= MAX_COLUMNS
    assert not tl.all("th", "tl-year")  # the columns are centuries: no year row
    assert "tl-today" in months[4].classes  # 2000-2499
    assert all(len(cells(r)) == len(months) for r in body_rows(tl))
    svg = browser.get(f"/projects/{project.id}/timeline.svg")
    assert svg.status_code == 200


def test_the_scroll_script_is_loaded_on_the_project_page_only(client, project):
    html = page(client, project, "fr")
    assert 'src="/static/projects/timeline.js"' in html
    assert "timeline.js" not in client.get("/projects").get_data(as_text=True)
    script = client.get("/static/projects/timeline.js")
    assert script.status_code == 200 and b"scrollLeft" in script.data
    script.close()


def test_month_columns_and_bars_in_pure_python():
    assert month_columns(D(2026, 1, 10), D(2026, 3, 2)) == [
        (D(2026, 1, 1), D(2026, 1, 31), 1),
        (D(2026, 2, 1), D(2026, 2, 28), 1),
        (D(2026, 3, 1), D(2026, 3, 31), 1),
    ]
    assert len(month_columns(D(2026, 1, 1), D(2028, 12, 31))) == 36
    assert {c[2] for c in month_columns(D(2026, 1, 1), D(2029, 1, 1))} == {3}
    extreme = month_columns(dt.date.min, dt.date.max)
    assert len(extreme) <= MAX_COLUMNS
    assert extreme[0][0] == dt.date.min and extreme[-1][1] == dt.date.max
    assert all(b[0] == a[1] + dt.timedelta(1) for a, b in itertools.pairwise(extreme))
    # a row whose dates were stored the wrong way round is still drawn
    row = Row("milestone", 1, "x", D(2026, 2, 10), D(2026, 2, 1), 0, "planned")
    chart = build_chart([row], start=D(2026, 2, 1), end=D(2026, 2, 28), today=D(2026, 2, 5))
    segment = chart.rows[0].cells[0]
    assert segment is not None and segment.first and segment.last
    assert float(segment.width) == pytest.approx(10 / 28 * 100, abs=0.01)
    assert chart.today_index == 0 and chart.today_is == "in"
    # a one-day milestone on the 1st: a marker, kept clear of the cell's edge; mirrored in RTL
    day = Row("milestone", 2, "y", D(2026, 2, 1), D(2026, 2, 1), 0, "planned")
    for rtl, expected in ((False, "7"), (True, "93")):
        chart = build_chart(
            [day], start=D(2026, 2, 1), end=D(2026, 2, 1), today=D(2027, 1, 1), rtl=rtl
        )
        assert chart.rows[0].cells[0].mark_x == expected and chart.today_is == "after"
