"""iCalendar feeds (RFC 5545) built with the ``icalendar`` package.

Milestones are all-day events on their due date (``DTSTART;VALUE=DATE`` and the next day as
``DTEND``, the form Google, Outlook and Apple all import); activities are timed events in
the reader's zone (the platform's for anonymous feeds) with ``TZID`` and its ``VTIMEZONE``.
UIDs are stable, so a re-imported or refreshed feed updates events instead of duplicating them.
The personal feed's secret URL and whose projects it lists are in ``projects.feeds``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from icalendar import Calendar, Event

from app.db import utcnow
from app.i18n import reader_zone
from projects.models import Project

PRODID = "-//jam3ia//projects//EN"


def _uid(kind: str, obj_id: int, host: str) -> str:
    return f"jam3ia-{kind}-{obj_id}@{host}"


def build_calendar(projects: Iterable[Project], *, name: str, host: str, base_url: str) -> bytes:
    """An iCalendar document with every milestone and activity of ``projects``."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    stamp = utcnow().replace(microsecond=0)
    zone = reader_zone()
    for project in projects:
        url = f"{base_url}/projects/{project.id}"
        for milestone in project.milestones:
            event = Event()
            event.add("uid", _uid("milestone", milestone.id, host))
            event.add("dtstamp", stamp)
            event.add("summary", f"{milestone.title} — {project.title}")
            event.add("dtstart", milestone.due_on)
            if milestone.due_on < dt.date.max:  # else a one-day event without DTEND (RFC 5545)
                event.add("dtend", milestone.due_on + dt.timedelta(days=1))
            event.add("transp", "TRANSPARENT")
            if milestone.description:
                event.add("description", milestone.description)
            event.add("status", "CANCELLED" if milestone.status == "cancelled" else "CONFIRMED")
            event.add("categories", ["milestone"])
            event.add("url", f"{url}#milestone-{milestone.id}")
            event.add("last-modified", (milestone.updated_at or stamp).replace(microsecond=0))
            cal.add_component(event)
        for activity in project.activities:
            event = Event()
            event.add("uid", _uid("activity", activity.id, host))
            event.add("dtstamp", stamp)
            event.add("summary", f"{activity.title} — {project.title}")
            event.add("dtstart", activity.starts_at.astimezone(zone).replace(microsecond=0))
            event.add("dtend", activity.ends_at.astimezone(zone).replace(microsecond=0))
            if activity.location:
                event.add("location", activity.location)
            if activity.description:
                event.add("description", activity.description)
            event.add("categories", ["activity"])
            event.add("url", f"{url}#activity-{activity.id}")
            cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())
