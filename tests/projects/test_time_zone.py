"""Times are stored UTC, entered and shown in the reader's zone (platform default
Africa/Casablanca), each in one style, inside ``<time datetime title>``."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from app.db import db
from projects.models import Activity
from tests.conftest import csrf_token
from tests.projects.factories import ProjectFactory


def _time_tags(html: str) -> list[tuple[str, str, str]]:
    return re.findall(r'<time datetime="([^"]+)" title="([^"]+)">([^<]+)</time>', html)


@pytest.mark.parametrize(
    ("locale", "shown", "label"),
    [
        ("fr", "10 avr. 2026, 09:00", "Début"),
        ("en", "10 Apr 2026, 09:00", "Starts at"),
        ("ar", "10", "وقت البداية"),
    ],
)
def test_activity_typed_in_casablanca_is_stored_utc_and_shown_back(
    logged_in, api, world, locale, shown, label
):
    project = ProjectFactory(visibility="members", associations=[world.a])
    world.coordinator.locale = locale
    db.session.commit()
    browser = logged_in(world.coordinator)
    page = browser.get(f"/projects/{project.id}").get_data(as_text=True)
    assert label in page and "(UTC)" not in page  # the form no longer asks for UTC
    token = csrf_token(browser, f"/projects/{project.id}")
    response = browser.post(
        f"/projects/{project.id}/activities",
        data={
            "csrf_token": token,
            "title": "Atelier",
            "starts_at": "2026-04-10T09:00",
            "ends_at": "2026-04-10T11:30",
        },
    )
    assert response.status_code == 303
    db.session.expire_all()
    activity = db.session.query(Activity).one()
    assert activity.starts_at == dt.datetime(2026, 4, 10, 8, 0, tzinfo=dt.UTC)

    html = browser.get(f"/projects/{project.id}").get_data(as_text=True)
    tags = {when: (title, text) for when, title, text in _time_tags(html)}
    assert "2026-04-10T08:00:00Z" in tags and "2026-04-10T10:30:00Z" in tags
    title, text = tags["2026-04-10T08:00:00Z"]
    assert shown in text
    assert "2026" in title and title != text  # the tooltip is the full date
    if locale != "ar":
        assert "09:00" in text and "11:30" in tags["2026-04-10T10:30:00Z"][1]

    # The API keeps answering in UTC.
    answer = api(world.coordinator).get(f"/api/v1/activities/{activity.id}")
    assert answer.get_json()["starts_at"] == "2026-04-10T08:00:00+00:00"


def test_ramadan_offset_follows_the_zone_rules(logged_in, world):
    """Morocco leaves UTC+1 during Ramadan: the conversion follows the tz database."""
    project = ProjectFactory(visibility="members", associations=[world.a])
    browser = logged_in(world.coordinator)
    token = csrf_token(browser, f"/projects/{project.id}")
    browser.post(
        f"/projects/{project.id}/activities",
        data={
            "csrf_token": token,
            "title": "Ftour",
            "starts_at": "2026-03-01T19:00",
            "ends_at": "2026-03-01T21:00",
        },
    )
    db.session.expire_all()
    activity = db.session.query(Activity).one()
    from zoneinfo import ZoneInfo

    local = dt.datetime(2026, 3, 1, 19, 0, tzinfo=ZoneInfo("Africa/Casablanca"))
    assert activity.starts_at == local.astimezone(dt.UTC)


def test_calendar_feed_carries_the_zone(api, world):
    from icalendar import Calendar

    from tests.projects.factories import ActivityFactory

    project = ProjectFactory(visibility="members", associations=[world.a])
    ActivityFactory(
        project=project,
        starts_at=dt.datetime(2026, 4, 10, 8, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 4, 10, 10, 30, tzinfo=dt.UTC),
    )
    raw = api(world.member).get(f"/api/v1/projects/{project.id}/calendar.ics").get_data()
    text = raw.decode()
    assert "DTSTART;TZID=Africa/Casablanca:20260410T090000" in text
    assert "BEGIN:VTIMEZONE" in text and "TZID:Africa/Casablanca" in text
    event = next(c for c in Calendar.from_ical(raw).walk("VEVENT") if "activity" in str(c["uid"]))
    assert event.decoded("dtstart") == dt.datetime(2026, 4, 10, 8, 0, tzinfo=dt.UTC)
