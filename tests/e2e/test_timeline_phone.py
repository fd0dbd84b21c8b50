"""The project timeline on a 390x844 phone, in Arabic (RTL) and French: the months scroll
inside the figure (never the page), the names stay in view while they do, and the page opens
with today's month in view."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.directory.factories import AssociationFactory
from tests.projects.factories import ActivityFactory, MilestoneFactory, ProjectFactory

LONG_NAME = (
    "تكوين المؤطرين والمؤطرات في الجماعات القروية Formation des animatrices "
    "des douars de la province d'Al Haouz – session de rattrapage"
)

FACTS_JS = """() => {
  const scroller = document.querySelector(".tl-scroll");
  const box = scroller.getBoundingClientRect();
  const corner = document.querySelector(".tl-corner").getBoundingClientRect();
  const rtl = getComputedStyle(scroller).direction === "rtl";
  // what the months are seen through: the scroller minus the sticky name column
  const left = rtl ? box.left : corner.right;
  const right = rtl ? corner.left : box.right;
  const today = document.querySelector("th.tl-today").getBoundingClientRect();
  const names = [...document.querySelectorAll("tbody th.tl-name")].map((th) => {
    const r = th.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + Math.min(r.height / 2, 12));
    return {left: r.left, right: r.right, shown: !!hit && th.contains(hit)};
  });
  const link = document.querySelector("tbody th.tl-name a");
  return {
    rtl,
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    pageX: window.scrollX,
    scrollLeft: scroller.scrollLeft,
    scrolls: scroller.scrollWidth > scroller.clientWidth + 50,
    box: {left: box.left, right: box.right},
    todayMiddle: (today.left + today.right) / 2,
    visible: {left, right},
    names,
    longName: link.textContent,
    longNameFits: link.getBoundingClientRect().width <= link.closest("th").clientWidth,
  };
}"""


@pytest.mark.parametrize("locale", ["ar-MA", "fr-FR"])
def test_timeline_on_a_phone(new_page, live_server, locale):
    today = dt.datetime.now(dt.UTC).date()
    project = ProjectFactory(
        title="Caravane médicale",
        visibility="public",
        associations=[AssociationFactory(name="جمعية الأمل")],
        starts_on=today - dt.timedelta(days=200),
        ends_on=today + dt.timedelta(days=200),
    )
    MilestoneFactory(
        project=project,
        title=LONG_NAME,
        starts_on=today - dt.timedelta(days=190),
        due_on=today - dt.timedelta(days=120),
        status="done",
    )
    MilestoneFactory(
        project=project,
        title="Convention",
        starts_on=today - dt.timedelta(days=40),
        due_on=today + dt.timedelta(days=30),
        status="in_progress",
        progress=40,
    )
    MilestoneFactory(project=project, title="Bilan", starts_on=None, due_on=project.ends_on)
    ActivityFactory(
        project=project,
        title="Réunion",
        starts_at=dt.datetime.combine(today, dt.time(9), tzinfo=dt.UTC),
        ends_at=dt.datetime.combine(today, dt.time(11), tzinfo=dt.UTC),
    )

    page = new_page(locale=locale, viewport={"width": 390, "height": 844})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"/projects/{project.id}", wait_until="load")
    page.locator("#timeline-title").scroll_into_view_if_needed()
    page.wait_for_function(
        "() => document.querySelector('.tl-scroll').scrollLeft !== 0"
    )  # timeline.js has run
    facts = page.evaluate(FACTS_JS)
    assert facts["rtl"] is (locale == "ar-MA")
    assert facts["overflow"] <= 1 and facts["pageX"] == 0
    assert facts["scrolls"]
    # today's month is in view beside the names, the scroll going the reading way
    assert facts["visible"]["left"] <= facts["todayMiddle"] <= facts["visible"]["right"]
    assert facts["scrollLeft"] < 0 if facts["rtl"] else facts["scrollLeft"] > 0
    # the long name is whole, wrapped inside its column
    assert " ".join(facts["longName"].split()) == LONG_NAME and facts["longNameFits"]
    names_before = [(n["left"], n["right"]) for n in facts["names"]]
    assert all(n["shown"] for n in facts["names"])

    # scroll to each end of the months: the names do not move and stay on top
    for end in ("-1e6", "1e6"):
        page.evaluate(f"() => {{ document.querySelector('.tl-scroll').scrollLeft = {end}; }}")
        after = page.evaluate(FACTS_JS)
        assert after["overflow"] <= 1 and after["pageX"] == 0
        assert [(n["left"], n["right"]) for n in after["names"]] == names_before
        assert all(n["shown"] for n in after["names"])
        if facts["rtl"]:
            assert after["names"][0]["right"] == pytest.approx(after["box"]["right"], abs=2)
        else:
            assert after["names"][0]["left"] == pytest.approx(after["box"]["left"], abs=2)
    assert not errors
