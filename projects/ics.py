"""iCalendar feeds (RFC 5545) of projects, built with ``app.ics`` (the ``icalendar`` package).

Milestones are all-day events on their due date (``DTSTART;VALUE=DATE`` and the next day as
``DTEND``, the form Google, Outlook and Apple all import); activities are timed events in
the reader's zone (the platform's for anonymous feeds) with ``TZID`` and its ``VTIMEZONE``.
UIDs are stable, so a re-imported or refreshed feed updates events instead of duplicating them.
The personal feed's secret URL and whose projects it lists are in ``projects.feeds``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from icalendar import Event

from app.db import utcnow
from app.i18n import reader_zone
from app.ics import event_uid, new_calendar, timed_event, to_ics
from projects.models import Project


def build_calendar(projects: Iterable[Project], *, name: str, host: str, base_url: str) -> bytes:
    """An iCalendar document with every milestone and activity of ``projects``."""
    cal = new_calendar("projects", name)
    stamp = utcnow().replace(microsecond=0)
    zone = reader_zone()
    for project in projects:
        url = f"{base_url}/projects/{project.id}"
        for milestone in project.milestones:
            event = Event()
            event.add("uid", event_uid("milestone", milestone.id, host))
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
            cal.add_component(
                timed_event(
                    event_uid("activity", activity.id, host),
                    f"{activity.title} — {project.title}",
                    activity.starts_at,
                    activity.ends_at,
                    stamp=stamp,
                    zone=zone,
                    url=f"{url}#activity-{activity.id}",
                    description=activity.description or "",
                    location=activity.location or "",
                    categories=["activity"],
                )
            )
    return to_ics(cal)
