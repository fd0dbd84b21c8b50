"""What both index backends do the same way around their own matching, so their answers stay
identical: the fuzzy second pass and did-you-mean.

- :func:`search_with_fallback`: parse the query; when the exact words match nothing, run the
  typo-tolerant (fuzzy) query, and suggest a spelling; when they match only a few documents
  (:data:`app.search.query.THIN_RESULTS`), suggest a spelling too;
- :func:`did_you_mean`: each query word replaced by the closest indexed name word (fewest
  edits, then most documents, then code point order), if any word changed; after a thin
  result, a word the names hold is replaced only by one far more documents hold.

The backends provide the index look-ups as callables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from app.search.query import (
    SUGGEST_WORDS,
    THIN_RESULTS,
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
#: after a thin result, a word the names hold is corrected only toward a word at least this
#: many times as frequent
THIN_GAIN = 3


def search_with_fallback(
    doc_type: DocType,
    request: SearchRequest,
    execute: Callable[[list[Clause] | None], SearchResult],
    suggest: Callable[[str, bool], str | None],
) -> SearchResult:
    """``execute(clauses)`` (``None``: no words, browse), then, when words matched nothing,
    ``execute`` the fuzzy query (``fuzzy=True`` on its result if it matched) and
    ``suggest(q, False)`` for the answer's suggestion; when they matched at most
    :data:`~app.search.query.THIN_RESULTS` documents, ``suggest(q, True)`` (see
    :func:`did_you_mean`'s ``thin``)."""
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
        result.suggestion = suggest(request.q, False)
    elif result.total <= THIN_RESULTS and clauses is not None:
        result.suggestion = suggest(request.q, True)
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
    known: Callable[[str, str], int],
    candidates: Callable[[str, str], Iterable[tuple[str, int]]],
    thin: bool = False,
) -> str | None:
    """``words`` with each one replaced by its best correction, or ``None`` if none changed.

    ``known(field, word)``: how many live documents hold ``word`` in ``field``;
    ``candidates(field, word)``: the indexed words of ``field`` within
    :func:`app.search.query.suggestion_distance` edits of ``word`` that share its first
    character, with their live document frequencies (a word only deleted documents hold is
    left out).

    A word the names hold stays, unless ``thin`` (the query found a few documents): then a
    candidate that more than :data:`~app.search.query.THIN_RESULTS` documents hold, and at
    least :data:`THIN_GAIN` times as many as the word, replaces it (a typo that one name
    happens to hold: "tiwizi" when many names say "tiwiza")."""
    if not fields:
        return None
    changed = False
    out: list[str] = []
    for word in words:
        if len(word) < MIN_SUGGEST_CHARS:
            out.append(word)
            continue
        own = next((n for n in (known(f, word) for f in fields) if n), 0)
        if own and not thin:
            out.append(word)
            continue
        # an unknown word: any candidate; a known one after a thin result: far more frequent
        floor = max(THIN_RESULTS, own * THIN_GAIN - 1) if own else 0
        best: tuple[int, int, str] | None = None
        for field_name in fields:
            for candidate, frequency in candidates(field_name, word):
                if candidate == word or frequency <= floor:
                    continue
                rank = (edit_distance(word, candidate), -frequency, candidate)
                if best is None or rank < best:
                    best = rank
        if best is not None:
            changed = True
            out.append(best[2])
        else:
            out.append(word)
    return " ".join(out) if changed else None


__all__ = [
    "MIN_SUGGEST_CHARS",
    "THIN_GAIN",
    "did_you_mean",
    "search_with_fallback",
    "suggestion_fields",
    "suggestion_words",
]
