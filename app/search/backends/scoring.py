"""Relevance as score levels: the matched documents partitioned by score, best first."""

from __future__ import annotations

MAX_LEVELS = 256


def score_levels(final: int, clauses: list[list[tuple[float, int]]]) -> list[tuple[float, int]]:
    """Partition ``final`` by score, best first, without a per-document loop.

    A document's score is the sum over query words of the best weight (field boost x idf)
    among the ways that word matches it. Each word splits the current levels by its
    alternatives (disjoint: best first), so the work grows with the number of distinct score
    levels, not with the number of matching documents."""
    levels: dict[float, int] = {0.0: final}
    for alternatives in clauses:
        covered = 0
        split: list[tuple[float, int]] = []
        for weight, bits in sorted(alternatives, key=lambda a: -a[0]):
            own = bits & ~covered
            if own:
                split.append((weight, own))
                covered |= bits
        split.append((0.0, ~covered))
        nxt: dict[float, int] = {}
        for base, bits in levels.items():
            for weight, part in split:
                both = bits & part
                if both:
                    score = round(base + weight, 6)
                    nxt[score] = nxt.get(score, 0) | both
        if len(nxt) > MAX_LEVELS:
            ordered = sorted(nxt.items(), reverse=True)
            keep = dict(ordered[: MAX_LEVELS - 1])
            rest = 0
            for _score, bits in ordered[MAX_LEVELS - 1 :]:
                rest |= bits
            keep[ordered[MAX_LEVELS - 1][0]] = rest
            nxt = keep
        levels = nxt
    return sorted(levels.items(), reverse=True)


__all__ = ["MAX_LEVELS", "score_levels"]
