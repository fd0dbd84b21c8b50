"""Search: one text analyzer shared by every index backend, and the backends themselves.

Analysis lives in :mod:`app.search.analysis` (see its docstring for the pipeline); the
names below are its public API.
"""

from app.search.analysis import (
    analyze,
    analyze_query,
    analyze_token,
    fold_accents,
    fuzzy_distance_for,
    is_arabizi,
    light_stem_arabic,
    normalize_arabic,
    skeleton_tokens,
    token_skeletons,
    tokenize,
)

__all__ = [
    "analyze",
    "analyze_query",
    "analyze_token",
    "fold_accents",
    "fuzzy_distance_for",
    "is_arabizi",
    "light_stem_arabic",
    "normalize_arabic",
    "skeleton_tokens",
    "token_skeletons",
    "tokenize",
]
