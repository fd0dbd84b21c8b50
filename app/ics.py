"""iCalendar documents (RFC 5545) with the ``icalendar`` package: the frame every feed of the
platform shares (a named calendar with its product id, stable UIDs, timed events in the
reader's zone with their ``VTIMEZONE``) and the HTTP response that serves one. The features
build their events with these (``projects.ics``, ``experts.calendar``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from flask import Response
from icalendar import Calendar, Event

#: the content type of an iCalendar response
ICS_TYPE = "text/calendar; charset=utf-8"


def new_calendar(feature: str, name: str) -> Calendar:
    """An empty published calendar called ``name`` (``PRODID`` names the feature)."""
    cal = Calendar()
    cal.add("prodid", f"-//jam3ia//{feature}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    return cal


def event_uid(kind: str, obj_id: int, host: str) -> str:
    """A stable UID: a refreshed feed updates its events instead of duplicating them."""
    return f"jam3ia-{kind}-{obj_id}@{host}"


def timed_event(
    uid: str,
    summary: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    *,
    stamp: dt.datetime,
    zone: dt.tzinfo,
    url: str,
    description: str = "",
    location: str = "",
    categories: Iterable[str] = (),
    status: str | None = None,
) -> Event:
    """An event from ``starts_at`` to ``ends_at`` (aware), written in ``zone`` with ``TZID``."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("dtstart", starts_at.astimezone(zone).replace(microsecond=0))
    event.add("dtend", ends_at.astimezone(zone).replace(microsecond=0))
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    if status:
        event.add("status", status)
    if categories:
        event.add("categories", list(categories))
    event.add("url", url)
    return event


def to_ics(cal: Calendar) -> bytes:
    """The document, with a ``VTIMEZONE`` for every zone its events use."""
    cal.add_missing_timezones()
    return bytes(cal.to_ical())


def ics_response(body: bytes, filename: str) -> Response:
    """``body`` served as an iCalendar file the calendar applications subscribe to."""
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = ICS_TYPE
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, max-age=300"
    return response
