"""Pure scheduling logic of projects: roll-up, flags, dependencies, month grids.

No database, no Flask: plain values in, plain values out, so every rule is unit-tested.

Definitions (documented in the API too):
- A milestone's *effective progress* is 100 when ``done``, its ``progress`` otherwise.
- The project's progress is the weighted mean of the effective progress of every milestone
  that is not ``cancelled`` (weights are positive integers); 0 when there is none.
- A milestone is *overdue* when its due date is before today and it is neither ``done`` nor
  ``cancelled``; *due soon* when it is due today or within ``DUE_SOON_DAYS`` days and open.
- Dependencies are finish-to-start: the successor should not start before its predecessor is
  due. A successor's start is its ``starts_on``, or its ``due_on`` when it has no start. A
  broken dependency is a warning, never an error; a loop is an error.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

STATUSES = ("planned", "in_progress", "done", "cancelled")

#: The window of dates a project, milestone or activity may take (API schemas and HTML forms):
#: from ``EARLIEST_DATE`` to ``YEARS_AHEAD`` years after today. Pages, timelines and feeds do
#: not depend on it: rows stored before it existed may lie anywhere in 0001..9999.
EARLIEST_DATE = dt.date(1990, 1, 1)
YEARS_AHEAD = 20
OPEN_STATUSES = ("planned", "in_progress")
DUE_SOON_DAYS = 7


@dataclass(frozen=True)
class Weighted:
    """What the roll-up needs of a milestone."""

    status: str
    progress: int
    weight: int


def date_window(today: dt.date) -> tuple[dt.date, dt.date]:
    """``(earliest, latest)`` accepted dates on ``today``."""
    year = today.year + YEARS_AHEAD
    latest = dt.date(year, today.month, min(today.day, calendar.monthrange(year, today.month)[1]))
    return EARLIEST_DATE, latest


def clip_days(
    first: dt.date, last: dt.date, window_first: dt.date, window_last: dt.date
) -> list[dt.date]:
    """The days of ``[first, last]`` inside ``[window_first, window_last]`` (at most the
    window's length, whatever the span)."""
    start, end = max(first, window_first), min(last, window_last)
    if end < start:
        return []
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def effective_progress(status: str, progress: int) -> int:
    """100 for ``done``; the recorded progress (clamped to 0-100) otherwise."""
    if status == "done":
        return 100
    return max(0, min(100, progress))


def rollup_progress(items: Iterable[Weighted]) -> int:
    """Weighted project progress 0-100 (cancelled excluded, done counts 100), rounded."""
    total_weight = 0
    acc = 0
    for item in items:
        if item.status == "cancelled" or item.weight <= 0:
            continue
        total_weight += item.weight
        acc += item.weight * effective_progress(item.status, item.progress)
    if total_weight == 0:
        return 0
    # round half up on integers, avoiding banker's rounding of round()
    return (2 * acc + total_weight) // (2 * total_weight)


def is_overdue(status: str, due_on: dt.date, today: dt.date) -> bool:
    return status in OPEN_STATUSES and due_on < today


def is_due_soon(status: str, due_on: dt.date, today: dt.date, days: int = DUE_SOON_DAYS) -> bool:
    return status in OPEN_STATUSES and today <= due_on <= today + dt.timedelta(days=days)


def effective_start(starts_on: dt.date | None, due_on: dt.date) -> dt.date:
    return starts_on if starts_on is not None else due_on


def check_dates(starts_on: dt.date | None, due_on: dt.date | None) -> str | None:
    """An error message key when the due date is before the start, else ``None``."""
    if starts_on is not None and due_on is not None and due_on < starts_on:
        return "due_before_start"
    return None


def find_cycle(edges: Mapping[int, Iterable[int]]) -> list[int] | None:
    """A dependency loop in ``{milestone: predecessors}``, as a list of ids, or ``None``."""
    white, grey, black = 0, 1, 2
    colour: dict[int, int] = {}
    graph = {node: list(preds) for node, preds in edges.items()}
    for start in sorted(graph):
        if colour.get(start, white) != white:
            continue
        stack: list[tuple[int, int]] = [(start, 0)]
        path: list[int] = []
        while stack:
            node, index = stack.pop()
            if index == 0:
                colour[node] = grey
                path.append(node)
            preds = graph.get(node, [])
            if index < len(preds):
                stack.append((node, index + 1))
                nxt = preds[index]
                state = colour.get(nxt, white)
                if state == grey:
                    return [*path[path.index(nxt) :], nxt]
                if state == white:
                    stack.append((nxt, 0))
            else:
                colour[node] = black
                path.pop()
    return None


def would_create_cycle(edges: Mapping[int, Iterable[int]], node: int, preds: Iterable[int]) -> bool:
    """Whether giving ``node`` the predecessors ``preds`` closes a loop."""
    graph = {k: list(v) for k, v in edges.items()}
    graph[node] = list(preds)
    return find_cycle(graph) is not None


@dataclass(frozen=True)
class Span:
    """A milestone's schedule, for dependency checks."""

    id: int
    starts_on: dt.date | None
    due_on: dt.date
    status: str = "planned"


def broken_dependencies(
    spans: Mapping[int, Span], edges: Mapping[int, Iterable[int]]
) -> dict[int, list[int]]:
    """``{successor: [predecessors whose due date is after the successor's start]}``.

    Cancelled milestones constrain nothing and are not constrained.
    """
    broken: dict[int, list[int]] = {}
    for succ_id, preds in edges.items():
        succ = spans.get(succ_id)
        if succ is None or succ.status == "cancelled":
            continue
        start = effective_start(succ.starts_on, succ.due_on)
        for pred_id in preds:
            pred = spans.get(pred_id)
            if pred is None or pred.status == "cancelled":
                continue
            if start < pred.due_on:
                broken.setdefault(succ_id, []).append(pred_id)
    return {k: sorted(v) for k, v in broken.items()}


def month_grid(year: int, month: int, first_weekday: int = 0) -> list[list[dt.date | None]]:
    """Weeks of a month (``None`` outside it), weeks starting on ``first_weekday`` (0=Monday)."""
    cal = calendar.Calendar(firstweekday=first_weekday)
    return [
        [day if day.month == month else None for day in week]
        for week in cal.monthdatescalendar(year, month)
    ]


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def parse_month(value: str | None, today: dt.date) -> tuple[int, int]:
    """``YYYY-MM`` to ``(year, month)``; today's month when missing or malformed."""
    if value:
        try:
            year_s, month_s = value.split("-", 1)
            year, month = int(year_s), int(month_s)
            if 1 <= month <= 12 and 1900 <= year <= 2999:
                return year, month
        except ValueError:
            pass
    return today.year, today.month
