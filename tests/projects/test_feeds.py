"""iCalendar feeds: parsed back with the ``icalendar`` package; the secret per-user feed."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar

from tests.directory.factories import MembershipFactory
from tests.factories import UserFactory
from tests.projects.factories import ActivityFactory, MilestoneFactory, ProjectFactory


def parse(response) -> Calendar:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.headers["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.get_data())


def events(cal: Calendar) -> dict[str, object]:
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_project_feed_parses_back(api, world):
    project = ProjectFactory(title="Caravane — قافلة", visibility="public", associations=[world.a])
    milestone = MilestoneFactory(
        project=project, title="Convention", due_on=dt.date(2026, 4, 1), description="Signée"
    )
    activity = ActivityFactory(
        project=project,
        title="Atelier",
        location="Fès",
        starts_at=dt.datetime(2026, 5, 2, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        ends_at=dt.datetime(2026, 5, 2, 12, 0, tzinfo=dt.UTC),
    )
    cal = parse(api(None).get(f"/api/v1/projects/{project.id}/calendar.ics"))
    assert cal["VERSION"] == "2.0" and "jam3ia" in str(cal["PRODID"])
    found = events(cal)
    assert len(found) == 2
    ms = found[f"jam3ia-milestone-{milestone.id}@localhost"]
    # all-day: VALUE=DATE, a date (not a datetime), ending the next day
    assert ms["DTSTART"].params.get("VALUE") == "DATE"
    assert type(ms.decoded("DTSTART")) is dt.date
    assert ms.decoded("DTSTART") == dt.date(2026, 4, 1)
    assert ms.decoded("DTEND") == dt.date(2026, 4, 2)
    assert str(ms["SUMMARY"]) == "Convention — Caravane — قافلة"
    assert ms.decoded("DTSTAMP").tzinfo is not None
    act = found[f"jam3ia-activity-{activity.id}@localhost"]
    start = act.decoded("DTSTART")
    assert start == dt.datetime(2026, 5, 2, 8, 30, tzinfo=dt.UTC)
    assert str(start.tzinfo) == "Africa/Casablanca"  # TZID, with its VTIMEZONE
    assert act.to_ical().decode().count("DTSTART;TZID=Africa/Casablanca:20260502T093000") == 1
    assert str(act["LOCATION"]) == "Fès"
    for event in found.values():
        assert "UID" in event and "DTSTAMP" in event


def test_private_project_feed_needs_access(api, world):
    project = ProjectFactory(visibility="members", associations=[world.a])
    assert api(None).get(f"/api/v1/projects/{project.id}/calendar.ics").status_code == 404
    assert api(world.outsider).get(f"/api/v1/projects/{project.id}/calendar.ics").status_code == 404
    assert api(world.member).get(f"/api/v1/projects/{project.id}/calendar.ics").status_code == 200


def test_personal_feed_is_secret_revocable_and_regenerable(api, world):
    mine = ProjectFactory(visibility="members", associations=[world.a])
    other = ProjectFactory(visibility="public", associations=[world.c])
    m = MilestoneFactory(project=mine)
    MilestoneFactory(project=other)
    client = api(world.member)
    assert client.get("/api/v1/me/calendar").get_json() == {"url": None, "active": False}
    url = client.post("/api/v1/me/calendar").get_json()["url"]
    assert url.startswith("http://localhost/api/v1/calendar/") and url.endswith(".ics")
    path = url.removeprefix("http://localhost")
    cal = parse(api(None).get(path))  # a calendar app: no cookie, no token
    assert set(events(cal)) == {f"jam3ia-milestone-{m.id}@localhost"}
    assert client.get("/api/v1/me/calendar").get_json()["active"] is True
    # a new link replaces the old one
    new_path = client.post("/api/v1/me/calendar").get_json()["url"].removeprefix("http://localhost")
    assert new_path != path
    assert api(None).get(path).status_code == 404
    assert api(None).get(new_path).status_code == 200
    # revoking ends it
    assert client.delete("/api/v1/me/calendar").status_code == 204
    assert api(None).get(new_path).status_code == 404
    assert api(None).get("/api/v1/calendar/not-a-token.ics").status_code == 404
    assert api(None).post("/api/v1/me/calendar", json={}).status_code == 401


def test_feed_secret_is_stored_hashed(api, world):
    from app.db import db
    from projects.models import CalendarFeed

    url = api(world.member).post("/api/v1/me/calendar").get_json()["url"]
    secret = url.rsplit("/", 1)[1].removesuffix(".ics")
    db.session.expire_all()
    stored = db.session.query(CalendarFeed).one()
    assert secret not in stored.secret_hash and len(stored.secret_hash) == 64


def test_feed_follows_membership(api, world):
    project = ProjectFactory(visibility="members", associations=[world.b])
    MilestoneFactory(project=project)
    newcomer = UserFactory()
    client = api(newcomer)
    path = client.post("/api/v1/me/calendar").get_json()["url"].removeprefix("http://localhost")
    assert events(parse(api(None).get(path))) == {}
    MembershipFactory(association=world.b, user=newcomer, role="member")
    assert len(events(parse(api(None).get(path)))) == 1


def test_password_change_rotates_the_personal_feed(api, world):
    """A leaked calendar link stops working once its owner changes their password."""
    from tests.factories import PASSWORD

    client = api(world.member)
    path = client.post("/api/v1/me/calendar").get_json()["url"].removeprefix("http://localhost")
    assert api(None).get(path).status_code == 200
    changed = client.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "a-brand-new-password"},
    )
    assert changed.status_code == 204, changed.get_json()
    assert api(None).get(path).status_code == 404
    assert client.get("/api/v1/me/calendar").get_json()["active"] is False
    # a new link can be made and works
    new_path = client.post("/api/v1/me/calendar").get_json()["url"].removeprefix("http://localhost")
    assert api(None).get(new_path).status_code == 200
