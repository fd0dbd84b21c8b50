"""A Gantt-style timeline as an SVG document, built in Python (no charting framework).

Pure: rows, a date range and today in; an SVG string out. Colours are presentation attributes
and class names (the stylesheet may refine them; the CSP forbids inline ``style``). In RTL the
x axis is mirrored: time runs from right to left, bars and progress fill from their right end.
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
