"""What both index backends do the same way around their own matching, so their answers stay
identical: the fuzzy second pass and did-you-mean.

- :func:`search_with_fallback`: parse the query; when the exact words match nothing, run the
  typo-tolerant (fuzzy) query, and suggest a spelling;
- :func:`did_you_mean`: each query word replaced by the closest indexed name word (fewest
  edits, then most documents, then code point order), if any word changed.

The backends provide the index look-ups as callables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from app.search.query import (
    SUGGEST_WORDS,
    Clause,
    browse_only,
    clean_query,
    edit_distance,
    has_fuzzy,
    parse_query,
    spelling_field,
    spelling_word,
)
from app.search.types import DocType, SearchRequest, SearchResult

#: words shorter than this are never corrected
MIN_SUGGEST_CHARS = 4


def search_with_fallback(
    doc_type: DocType,
    request: SearchRequest,
    execute: Callable[[list[Clause] | None], SearchResult],
    suggest: Callable[[str], str | None],
) -> SearchResult:
    """``execute(clauses)`` (``None``: no words, browse), then, when words matched nothing,
    ``execute`` the fuzzy query (``fuzzy=True`` on its result if it matched) and
    ``suggest(q)`` for the answer's suggestion."""
    clauses: list[Clause] | None = None
    if request.q.strip():
        clauses = parse_query(doc_type, request.q, prefix=request.prefix)
        if not clauses:
            return SearchResult(ids=[], total=0)
        if browse_only(clauses):
            clauses = None
    result = execute(clauses)
    if result.total == 0 and clauses is not None:
        fuzzy = parse_query(doc_type, request.q, prefix=request.prefix, fuzzy=True)
        if has_fuzzy(fuzzy):
            again = execute(fuzzy)
            if again.total:
                again.fuzzy = True
                result = again
        result.suggestion = suggest(request.q)
    return result


def suggestion_words(q: str) -> list[str]:
    """The query's words as did-you-mean compares them with the indexed name words."""
    return [spelling_word(token) for token in clean_query(q)[:SUGGEST_WORDS]]


def suggestion_fields(doc_type: DocType) -> list[str]:
    """The spelling fields of ``doc_type``'s name fields, in declaration order."""
    return [spelling_field(name) for name in doc_type.name_fields]


def did_you_mean(
    words: list[str],
    fields: list[str],
    known: Callable[[str, str], bool],
    candidates: Callable[[str, str], Iterable[tuple[str, int]]],
) -> str | None:
    """``words`` with each one replaced by its best correction, or ``None`` if none changed.

    ``known(field, word)``: a live document holds ``word`` in ``field``;
    ``candidates(field, word)``: the indexed words of ``field`` within
    :func:`app.search.query.suggestion_distance` edits of ``word`` that share its first
    character, with their live document frequencies (a word only deleted documents hold is
    left out)."""
    if not fields:
        return None
    changed = False
    out: list[str] = []
    for word in words:
        if len(word) < MIN_SUGGEST_CHARS:
            out.append(word)
            continue
        best: tuple[int, int, str] | None = None
        for field_name in fields:
            if known(field_name, word):
                best = (0, 0, word)
                break
            for candidate, frequency in candidates(field_name, word):
                rank = (edit_distance(word, candidate), -frequency, candidate)
                if best is None or rank < best:
                    best = rank
        if best is not None and best[2] != word:
            changed = True
            out.append(best[2])
        else:
            out.append(word)
    return " ".join(out) if changed else None


__all__ = [
    "MIN_SUGGEST_CHARS",
    "did_you_mean",
    "search_with_fallback",
    "suggestion_fields",
    "suggestion_words",
]
