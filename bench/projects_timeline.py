"""Figures for the projects' pure logic: SVG timeline, the page's timeline table, roll-up and
dependency checks.

Run: ``.venv/bin/python bench/projects_timeline.py`` (prints timings; never pass/fail).
"""

from __future__ import annotations

import datetime as dt
import random
import time

from projects import logic
from projects.timeline import Row, build_chart, build_svg


def main() -> None:
    rnd = random.Random(6)
    start = dt.date(2026, 1, 1)
    for n in (20, 200, 2000):
        rows = []
        for i in range(n):
            s = start + dt.timedelta(days=rnd.randrange(300))
            rows.append(
                Row(
                    "milestone",
                    i,
                    f"Milestone {i}",
                    s,
                    s + dt.timedelta(days=rnd.randrange(60)),
                    rnd.randrange(101),
                    rnd.choice(logic.STATUSES),
                    overdue=rnd.random() < 0.1,
                )
            )
        t0 = time.perf_counter()
        svg = build_svg(
            rows, start=start, end=start + dt.timedelta(days=365), today=start, rtl=True
        )
        t_svg = time.perf_counter() - t0
        t0 = time.perf_counter()
        chart = build_chart(
            rows, start=start, end=start + dt.timedelta(days=365), today=start, rtl=True
        )
        t_chart = time.perf_counter() - t0
        cells = sum(c is not None for r in chart.rows for c in r.cells)
        t1 = time.perf_counter()
        weighted = [logic.Weighted(r.status, r.progress, 1 + r.id % 5) for r in rows]
        logic.rollup_progress(weighted)
        t2 = time.perf_counter()
        edges = {i: [i - 1] if i else [] for i in range(n)}
        spans = {r.id: logic.Span(r.id, r.start, r.end, r.status) for r in rows}
        logic.find_cycle(edges)
        logic.broken_dependencies(spans, edges)
        t3 = time.perf_counter()
        print(
            f"{n:5d} milestones: svg {1000 * t_svg:7.2f} ms "
            f"({len(svg) // 1024} KiB), table {1000 * t_chart:7.2f} ms ({cells} bar cells), "
            f"roll-up {1000 * (t2 - t1):6.3f} ms, loops+dependencies {1000 * (t3 - t2):6.2f} ms"
        )


if __name__ == "__main__":
    main()
