"""Unit tests of the pure scheduling rules."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from projects import logic
from projects.logic import Span, Weighted

D = dt.date


def test_rollup_weights_done_and_cancelled():
    assert logic.rollup_progress([]) == 0
    assert logic.rollup_progress([Weighted("planned", 0, 1)]) == 0
    # done counts 100 whatever its recorded progress
    assert logic.rollup_progress([Weighted("done", 10, 1), Weighted("planned", 0, 1)]) == 50
    # cancelled excluded entirely
    assert (
        logic.rollup_progress([Weighted("cancelled", 0, 5), Weighted("in_progress", 40, 1)]) == 40
    )
    assert logic.rollup_progress([Weighted("cancelled", 90, 5)]) == 0
    # weights
    assert logic.rollup_progress([Weighted("done", 0, 3), Weighted("planned", 0, 1)]) == 75
    # half rounds up (62.5 -> 63)
    assert logic.rollup_progress([Weighted("done", 0, 1), Weighted("in_progress", 50, 3)]) == 63


@given(
    st.lists(
        st.builds(
            Weighted,
            st.sampled_from(logic.STATUSES),
            st.integers(0, 100),
            st.integers(1, 100),
        ),
        max_size=30,
    )
)
def test_rollup_is_bounded(items):
    value = logic.rollup_progress(items)
    assert 0 <= value <= 100
    open_items = [i for i in items if i.status != "cancelled"]
    if open_items and all(i.status == "done" for i in open_items):
        assert value == 100


def test_overdue_and_due_soon():
    today = D(2026, 6, 15)
    assert logic.is_overdue("planned", D(2026, 6, 14), today)
    assert logic.is_overdue("in_progress", D(2026, 1, 1), today)
    assert not logic.is_overdue("done", D(2026, 6, 14), today)
    assert not logic.is_overdue("cancelled", D(2026, 6, 14), today)
    assert not logic.is_overdue("planned", D(2026, 6, 15), today)  # due today is not late
    assert logic.is_due_soon("planned", D(2026, 6, 15), today)
    assert logic.is_due_soon("planned", D(2026, 6, 22), today)
    assert not logic.is_due_soon("planned", D(2026, 6, 23), today)
    assert not logic.is_due_soon("planned", D(2026, 6, 14), today)  # overdue, not "soon"
    assert not logic.is_due_soon("done", D(2026, 6, 16), today)


def test_check_dates():
    assert logic.check_dates(D(2026, 1, 2), D(2026, 1, 1)) == "due_before_start"
    assert logic.check_dates(D(2026, 1, 1), D(2026, 1, 1)) is None
    assert logic.check_dates(None, D(2026, 1, 1)) is None


def test_find_cycle():
    assert logic.find_cycle({}) is None
    assert logic.find_cycle({1: [], 2: [1], 3: [1, 2]}) is None
    cycle = logic.find_cycle({1: [3], 2: [1], 3: [2]})
    assert cycle is not None and cycle[0] == cycle[-1] and set(cycle) == {1, 2, 3}
    assert logic.find_cycle({1: [1]}) == [1, 1]
    assert logic.would_create_cycle({1: [], 2: [1]}, 1, [2])
    assert not logic.would_create_cycle({1: [], 2: [1]}, 3, [1, 2])


def test_long_chain_has_no_recursion_limit():
    edges = {i: [i - 1] for i in range(1, 5000)}
    edges[0] = []
    assert logic.find_cycle(edges) is None
    edges[0] = [4999]
    assert logic.find_cycle(edges) is not None


def test_broken_dependencies():
    spans = {
        1: Span(1, D(2026, 1, 1), D(2026, 2, 1)),
        2: Span(2, D(2026, 2, 1), D(2026, 3, 1)),  # starts the day 1 is due: fine
        3: Span(3, D(2026, 1, 20), D(2026, 3, 1)),  # starts before 1 is due: broken
        4: Span(4, None, D(2026, 1, 25)),  # no start: its due date counts
        5: Span(5, D(2026, 1, 1), D(2026, 1, 2), status="cancelled"),
    }
    edges = {2: [1], 3: [1], 4: [1], 1: [5]}
    assert logic.broken_dependencies(spans, edges) == {3: [1], 4: [1]}


def test_month_grid_and_shift():
    grid = logic.month_grid(2026, 2)
    assert all(len(week) == 7 for week in grid)
    days = [d for week in grid for d in week if d]
    assert days[0] == D(2026, 2, 1) and days[-1] == D(2026, 2, 28)
    assert grid[0][6] == D(2026, 2, 1)  # a Sunday, weeks start on Monday
    assert logic.shift_month(2026, 12, 1) == (2027, 1)
    assert logic.shift_month(2026, 1, -1) == (2025, 12)
    today = D(2026, 6, 15)
    assert logic.parse_month("2026-03", today) == (2026, 3)
    assert logic.parse_month("2026-13", today) == (2026, 6)
    assert logic.parse_month("garbage", today) == (2026, 6)
    assert logic.parse_month(None, today) == (2026, 6)
