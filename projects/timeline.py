"""A Gantt-style timeline, built in Python (no charting framework), in two shapes:

- :func:`build_chart`: the project page's table (one column per month, a row per milestone or
  activity), as plain data a template renders. Each cell's part of a bar is a small SVG whose
  positions are percentages of the cell, so the page needs no inline ``style`` (the CSP
  forbids it) and the table, not the drawing, decides the widths: names wrap, months stay
  readable on a phone;
- :func:`build_svg`: one SVG document (``/projects/<id>/timeline.svg``, for clients).

Pure: rows, a date range and today in. Colours are presentation attributes and class names
(the stylesheet may refine them). In RTL the x axis is mirrored: time runs from right to left,
bars and progress fill from their right end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

WIDTH = 800
PAD = 12
HEADER = 34
ROW = 38
BAR_H = 14

COLOURS = {
    "planned": "#7a8ca3",
    "in_progress": "#0b6e4f",
    "done": "#067647",
    "cancelled": "#b8c0cc",
    "overdue": "#b42318",
    "activity": "#c2410c",
    "progress": "#0a4d38",
}


@dataclass(frozen=True)
class Row:
    """One line of the timeline: a milestone (a bar) or an activity (a short bar)."""

    kind: str  # "milestone" | "activity"
    id: int
    label: str
    start: dt.date
    end: dt.date
    progress: int = 0
    status: str = "planned"
    overdue: bool = False
    due_soon: bool = False


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


#: at most this many month lines on the axis, whatever the span (a row stored from 0001 to
#: 9999 would otherwise draw 120,000 of them)
MAX_TICKS = 24
#: tick steps in months: every month, 2, 3, 6 months, then years, 2, 5, 10, 25... years
STEPS = (1, 2, 3, 6, 12, 24, 60, 120, 300, 600, 1200, 3000, 6000, 12000)


def month_starts(first: dt.date, last: dt.date, max_ticks: int = MAX_TICKS) -> list[dt.date]:
    """First days of months within ``[first, last]``: every month, or every ``step`` months
    (aligned on multiples of the step) when that would exceed ``max_ticks``."""
    low = first.year * 12 + first.month - 1 + (0 if first.day == 1 else 1)
    high = last.year * 12 + last.month - 1
    if high < low:
        return []
    step = next((s for s in STEPS if (high - low) // s + 1 <= max_ticks), STEPS[-1])
    begin = -(-low // step) * step  # the first multiple of step at or after low
    return [dt.date(i // 12, i % 12 + 1, 1) for i in range(begin, high + 1, step) if i >= 12]


def build_svg(
    rows: Sequence[Row],
    *,
    start: dt.date,
    end: dt.date,
    today: dt.date,
    rtl: bool = False,
    title: str = "Timeline",
    today_label: str = "Today",
    month_label: Callable[[dt.date], str] = lambda d: d.strftime("%Y-%m"),
    width: int = WIDTH,
) -> str:
    """The timeline SVG. The range is widened to cover every row (and at least one day)."""
    for row in rows:
        start = min(start, row.start, row.end)
        end = max(end, row.start, row.end)
    if end <= start:
        if start < dt.date.max:
            end = start + dt.timedelta(days=1)
        else:
            start = end - dt.timedelta(days=1)
    span_days = (end - start).days + 1  # the last day is drawn in full
    inner = width - 2 * PAD
    height = HEADER + ROW * max(1, len(rows)) + PAD

    def x(day: dt.date, end_of_day: bool = False) -> float:
        offset = (day - start).days + (1 if end_of_day else 0)
        pos = PAD + inner * offset / span_days
        return width - pos if rtl else pos

    anchor_start = "start"  # relative to ``direction``: the right end in RTL
    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline{" rtl" if rtl else ""}" '
        f'viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'direction="{"rtl" if rtl else "ltr"}" data-start="{start.isoformat()}" '
        f'data-end="{end.isoformat()}" font-family="system-ui, sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<rect class="frame" x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
        '<g class="axis">',
    ]
    for month in month_starts(start, end):
        mx = _fmt(x(month))
        parts.append(
            f'<line class="month" x1="{mx}" x2="{mx}" y1="{HEADER - 10}" y2="{height - PAD}" '
            f'stroke="#d9dee5" stroke-width="1"/>'
        )
        parts.append(
            f'<text class="month-label" x="{mx}" y="{HEADER - 16}" text-anchor="{anchor_start}" '
            f'fill="#5b6675" dx="{-3 if rtl else 3}">{escape(month_label(month))}</text>'
        )
    parts.append("</g>")

    for index, row in enumerate(rows):
        top = HEADER + index * ROW
        x1, x2 = x(row.start), x(row.end, end_of_day=True)
        left, bar_w = min(x1, x2), max(abs(x2 - x1), 3.0)
        classes = [row.kind, row.status]
        if row.overdue:
            classes.append("overdue")
        if row.due_soon:
            classes.append("due-soon")
        colour = COLOURS["overdue"] if row.overdue else COLOURS.get(row.status, "#7a8ca3")
        if row.kind == "activity":
            colour = COLOURS["activity"]
        parts.append(
            f'<g class={quoteattr(" ".join(classes))} data-kind="{row.kind}" data-id="{row.id}">'
        )
        label = escape(row.label)
        parts.append(
            f'<text class="label" x="{_fmt(x1)}" y="{top + 12}" text-anchor="{anchor_start}" '
            f'fill="#1c2530">{label}</text>'
        )
        bar_y = top + 17
        parts.append(
            f'<rect class="bar" x="{_fmt(left)}" y="{bar_y}" width="{_fmt(bar_w)}" '
            f'height="{BAR_H}" rx="3" fill="{colour}" fill-opacity="0.35" stroke="{colour}">'
            f"<title>{label}</title></rect>"
        )
        if row.kind == "milestone":
            fill_w = bar_w * max(0, min(100, row.progress)) / 100
            fill_x = left + bar_w - fill_w if rtl else left
            parts.append(
                f'<rect class="progress" x="{_fmt(fill_x)}" y="{bar_y}" width="{_fmt(fill_w)}" '
                f'height="{BAR_H}" rx="3" fill="{colour}" data-progress="{row.progress}"/>'
            )
        parts.append("</g>")

    if start <= today <= end:
        tx = _fmt(x(today) + (-1 if rtl else 1) * inner / span_days / 2)
        parts.append(
            f'<line class="today" x1="{tx}" x2="{tx}" y1="{HEADER - 6}" y2="{height - PAD + 4}" '
            f'stroke="#c2410c" stroke-width="2" stroke-dasharray="4 3" '
            f'data-date="{today.isoformat()}"/>'
        )
        parts.append(
            f'<text class="today-label" x="{tx}" y="{height - 1}" text-anchor="middle" '
            f'fill="#c2410c">{escape(today_label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


# ------------------------------------------------------------------ the page's table

#: at most this many columns in the page's table: every month up to three years, then
#: quarters, half-years, years, 2, 5, 10... years (rows stored from 0001 to 9999 stay small)
MAX_COLUMNS = 36
COLUMN_STEPS = (1, 3, 6, 12, 24, 60, 120, 300, 600, 1200, 3000, 6000, 12000)
#: a bar narrower than this share of its cell (in %) also gets a marker (a diamond for a
#: milestone, a dot for an activity), so a one-day item stays visible in a month column
MARK_BELOW = 8.0
#: a marker stays this far (in %) from its cell's edges, where the cell would cut it in half
#: (a month is at least 6.5rem wide: 7 % is about the marker's half width)
MARK_EDGE = 7.0
#: how far (in % of the cell) a bar that goes on in the next cell is drawn past the cell's
#: edge, where the cell clips it: only a bar's two real ends are rounded
BEYOND = 10.0


@dataclass(frozen=True)
class Column:
    """A column of the table: one month, or ``months`` months when the span is long."""

    first: dt.date
    last: dt.date
    months: int
    label: str
    #: where today's middle falls, in % of the cell from its left edge (None: not here)
    today_x: str | None = None


@dataclass(frozen=True)
class Segment:
    """The part of one row's bar inside one cell; x and widths in % of the cell, from its
    left edge (already mirrored in RTL)."""

    x: str
    width: str
    fill_x: str
    fill_width: str
    first: bool  # the bar starts in this cell
    last: bool  # the bar ends in this cell
    #: the share of the whole bar this cell holds, and where in the cell (logical, from the
    #: inline-start edge, in %): lets the page's script move the progress fill live
    bar: str
    mark_x: str | None = None


@dataclass(frozen=True)
class ChartRow:
    row: Row
    cells: tuple[Segment | None, ...]
    dates: str


@dataclass(frozen=True)
class Chart:
    """The table: its columns, their years (``(label, number of columns)``, empty when the
    columns are years already) and its rows."""

    columns: tuple[Column, ...]
    years: tuple[tuple[str, int], ...]
    rows: tuple[ChartRow, ...]
    first: dt.date
    last: dt.date
    today: dt.date
    rtl: bool

    @property
    def today_index(self) -> int | None:
        return next((i for i, c in enumerate(self.columns) if c.today_x is not None), None)

    @property
    def today_is(self) -> str:
        """``before``, ``in`` or ``after`` the columns (the page opens at the start, today's
        month or the end)."""
        if self.columns and self.today < self.columns[0].first:
            return "before"
        if self.columns and self.today > self.columns[-1].last:
            return "after"
        return "in"


def _month_first(index: int) -> dt.date:
    """The first day of month ``index`` (year * 12 + month - 1), within Python's dates."""
    if index < 12:
        return dt.date.min
    if index // 12 > dt.MAXYEAR:
        return dt.date.max
    return dt.date(index // 12, index % 12 + 1, 1)


def month_columns(
    first: dt.date, last: dt.date, max_columns: int = MAX_COLUMNS
) -> list[tuple[dt.date, dt.date, int]]:
    """``(first day, last day, months)`` of the columns covering ``[first, last]``: calendar
    months, or blocks of ``months`` months aligned on multiples of it, at most
    ``max_columns``."""
    low = first.year * 12 + first.month - 1
    high = last.year * 12 + last.month - 1
    step = next(
        (s for s in COLUMN_STEPS if high // s - low // s + 1 <= max_columns), COLUMN_STEPS[-1]
    )
    columns = []
    for index in range(low // step * step, high + 1, step):
        after = index + step
        end = dt.date.max if after // 12 > dt.MAXYEAR else _month_first(after) - dt.timedelta(1)
        columns.append((_month_first(index), end, step))
    return columns


def _pct(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _segment(row: Row, first: dt.date, last: dt.date, rtl: bool) -> Segment | None:
    start, end = min(row.start, row.end), max(row.start, row.end)
    if end < first or start > last:
        return None
    days = (last - first).days + 1
    total = (end - start).days + 1
    a = (max(start, first) - first).days  # in days from the cell's first day
    b = (min(end, last) - first).days + 1
    begins, ends = start >= first, end <= last
    p0, p1 = a / days * 100, b / days * 100
    f0 = (max(start, first) - start).days / total
    f1 = ((min(end, last) - start).days + 1) / total
    lo = p0 if begins else -BEYOND
    hi = p1 if ends else 100 + BEYOND
    progress = max(0, min(100, row.progress)) / 100 if row.kind == "milestone" else 1.0
    if progress <= f0:
        fill_hi = lo
    elif progress >= f1:
        fill_hi = hi
    else:
        fill_hi = p0 + (progress - f0) / (f1 - f0) * (p1 - p0)

    def x(low: float, high: float) -> float:
        return 100 - high if rtl else low

    mark = None
    if begins and ends and p1 - p0 < MARK_BELOW:
        middle = min(max((p0 + p1) / 2, MARK_EDGE), 100 - MARK_EDGE)
        mark = _pct(100 - middle if rtl else middle)
    return Segment(
        x=_pct(x(lo, hi)),
        width=_pct(hi - lo),
        fill_x=_pct(x(lo, fill_hi)),
        fill_width=_pct(fill_hi - lo),
        first=begins,
        last=ends,
        bar=" ".join(_pct(v) for v in (f0 * 100, f1 * 100, p0, p1)),
        mark_x=mark,
    )


def build_chart(
    rows: Sequence[Row],
    *,
    start: dt.date,
    end: dt.date,
    today: dt.date,
    rtl: bool = False,
    column_label: Callable[[dt.date, dt.date, int], str] = lambda a, _b, _n: a.isoformat()[:7],
    year_label: Callable[[dt.date], str] = lambda d: str(d.year),
    dates_label: Callable[[Row], str] = lambda r: f"{r.start} – {r.end}",
    max_columns: int = MAX_COLUMNS,
) -> Chart:
    """The page's table. The range is widened to cover every row, as in :func:`build_svg`;
    columns are whole months (or blocks of months) around it."""
    for row in rows:
        start = min(start, row.start, row.end)
        end = max(end, row.start, row.end)
    start, end = min(start, end), max(start, end)
    columns = []
    for first, last, months in month_columns(start, end, max_columns):
        today_x = None
        if first <= today <= last:
            middle = ((today - first).days + 0.5) / ((last - first).days + 1) * 100
            today_x = _pct(100 - middle if rtl else middle)
        columns.append(
            Column(first, last, months, column_label(first, last, months), today_x=today_x)
        )
    years: list[tuple[str, int]] = []
    if columns and columns[0].months < 12:
        previous = None
        for column in columns:
            if column.first.year == previous:
                label, count = years[-1]
                years[-1] = (label, count + 1)
            else:
                years.append((year_label(column.first), 1))
                previous = column.first.year
    return Chart(
        columns=tuple(columns),
        years=tuple(years),
        rows=tuple(
            ChartRow(
                row,
                tuple(_segment(row, c.first, c.last, rtl) for c in columns),
                dates_label(row),
            )
            for row in rows
        ),
        first=start,
        last=end,
        today=today,
        rtl=rtl,
    )
