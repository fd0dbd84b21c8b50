"""What every index backend shares about a query: parsing it into clauses, the weights of the
ways a word can match, the words shown in did-you-mean suggestions, edit and map distances.

Pure functions only (no index, no database), so the Whoosh and the PostgreSQL backends give
the same answers for the same documents:

- :func:`parse_query` turns the user's text into :class:`Clause` objects, one per query word,
  each with the :class:`Alternative` ways that word may match (an analyzed term in a text or
  name field, a skeleton key in either (a lower weight), a prefix for the last word, an
  edit-distance match in the second, fuzzy pass);
- a document's relevance is the sum, over the query's words, of the best
  :func:`alternative_weight` among the ways that word matches it;
- words with a cross-script key are required (:func:`required_clauses`); the others only add
  to the score;
- :func:`spelling_word` and :func:`edit_distance` (optimal string alignment, as Whoosh's
  ``damerau_levenshtein``) serve fuzzy matching and suggestions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.search.analysis import (
    DOMAIN_TERM,
    MAX_QUERY_CHARS,
    MAX_QUERY_TOKENS,
    analyze_token,
    fuzzy_distance_for,
    normalize_arabic,
    token_skeletons,
    tokenize,
)
from app.search.latin import fold_accents, strip_elision
from app.search.tokenizer import is_arabic_token
from app.search.types import DocType

#: at most this many indexed words stand for one prefix or fuzzy alternative
MAX_EXPANSIONS = 64
#: did-you-mean looks at the query's first words only
SUGGEST_WORDS = 8
#: at most this many results is a thin result: did-you-mean is offered as after an empty one
#: (and the directory offers to remove a filter, or nearby places)
THIN_RESULTS = 2
#: a skeleton key in a text field (description, body...) weighs this much of the field's
#: boost: a query in one script finds a text written in the other, under exact-script matches
TEXT_SKELETON_BOOST = 0.5
#: a skeleton key in a name field weighs this much of the field's boost
NAME_SKELETON_BOOST = 0.8
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Alternative:
    """One way a query word can match: ``kind`` is term, prefix or fuzzy."""

    field: str
    kind: str
    text: str
    boost: float
    maxdist: int = 0


@dataclass
class Clause:
    alternatives: list[Alternative]
    #: has a cross-script key: required; words without one ("association", "jam3iat") only
    #: add to the score when another word has a key
    keyed: bool
    #: the domain's generic word (جمعية, "association", "jam3ia"...): matches as a word, but a
    #: query made only of such words lists everything (see :func:`browse_only`)
    domain: bool = False


def skeleton_field(name: str) -> str:
    """The field holding the cross-script keys of text or name field ``name``."""
    return f"{name}__sk"


def spelling_field(name: str) -> str:
    """The field holding the unstemmed words of name field ``name`` (fuzzy, suggestions)."""
    return f"{name}__sp"


def spelling_word(token: str) -> str:
    """A word as shown in suggestions: normalised but not stemmed."""
    if is_arabic_token(token):
        return normalize_arabic(token)
    return fold_accents(strip_elision(token.casefold())).replace("'", "")


def spelling_words(text: str) -> list[str]:
    """The spelling field's words of a name: unstemmed, 3 characters or more."""
    return [w for w in (spelling_word(t) for t in tokenize(text)) if len(w) >= 3]


def clean_query(q: str) -> list[str]:
    """The raw tokens of the user's text, bounded."""
    return tokenize(q[:MAX_QUERY_CHARS])[: MAX_QUERY_TOKENS * 2]


def parse_query(
    doc_type: DocType, q: str, prefix: bool = True, fuzzy: bool = False
) -> list[Clause]:
    """The clauses of the user's text ``q`` (empty when ``q`` has no searchable word).

    Each word matches its analyzed term in a text or name field, or its skeleton key in one
    (at :data:`NAME_SKELETON_BOOST` or :data:`TEXT_SKELETON_BOOST` of the field's boost, so
    exact-script matches rank first); the last word also as a prefix (typing in progress);
    with ``fuzzy``, words of 5+ characters (:func:`fuzzy_distance_for`) also within an edit
    distance, on analyzed terms and on the names' unstemmed words."""
    tokens = clean_query(q)
    text_fields = {**doc_type.name_fields, **doc_type.text_fields}
    clauses: list[Clause] = []
    seen: set[tuple[str | None, tuple[str, ...]]] = set()
    last = len(tokens) - 1
    for index, token in enumerate(tokens):
        term = analyze_token(token)
        keys = token_skeletons(token) if text_fields else ()
        if (term, keys) in seen or (term is None and not keys):
            continue
        seen.add((term, keys))
        alternatives: list[Alternative] = []
        if term is not None:
            distance = fuzzy_distance_for(term) if fuzzy else 0
            for name, boost in text_fields.items():
                alternatives.append(Alternative(name, "term", term, boost))
                if prefix and index == last and len(term) >= 3 and not q.endswith(" "):
                    alternatives.append(Alternative(name, "prefix", term, boost * 0.5))
                if distance:
                    alternatives.append(Alternative(name, "fuzzy", term, boost * 0.4, distance))
        for name, boost in doc_type.text_fields.items():
            for key in keys:
                alternatives.append(
                    Alternative(skeleton_field(name), "term", key, boost * TEXT_SKELETON_BOOST)
                )
        for name, boost in doc_type.name_fields.items():
            for key in keys:
                alternatives.append(
                    Alternative(skeleton_field(name), "term", key, boost * NAME_SKELETON_BOOST)
                )
            word = spelling_word(token)
            # the allowance follows the analyzed term: "الأمن" is 5 letters but its stem 3
            distance = (
                min(fuzzy_distance_for(word), fuzzy_distance_for(term)) if fuzzy and term else 0
            )
            if distance:
                alternatives.append(
                    Alternative(spelling_field(name), "fuzzy", word, boost * 0.4, distance)
                )
        clauses.append(Clause(alternatives, keyed=bool(keys), domain=term == DOMAIN_TERM))
    return clauses


def browse_only(clauses: list[Clause]) -> bool:
    """True when every word is the domain's generic word ("jam3ia", "association", جمعية):
    the query then lists everything, ranked by the other signals, instead of by the word."""
    return bool(clauses) and all(c.domain for c in clauses)


def required_clauses(clauses: list[Clause]) -> list[Clause]:
    """The clauses a document must match: the keyed ones if any, else all."""
    return [c for c in clauses if c.keyed] or clauses


def has_fuzzy(clauses: list[Clause]) -> bool:
    return any(a.kind == "fuzzy" for c in clauses for a in c.alternatives)


def alternative_weight(alt: Alternative, documents: int, frequency: int) -> float:
    """Field boost x idf: ``frequency`` of the ``documents`` of the index match ``alt``."""
    return alt.boost * math.log(1 + max(1, documents) / frequency)


def suggestion_distance(word: str) -> int:
    """How far did-you-mean looks for a replacement of ``word``."""
    return 2 if len(word) >= 7 else 1


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Optimal string alignment distance (Levenshtein with adjacent transpositions).

    With ``limit``, returns ``limit + 1`` as soon as the distance is known to exceed it."""
    if a == b:
        return 0
    if limit is not None and abs(len(a) - len(b)) > limit:
        return limit + 1
    two_ago: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb and cost:
                value = min(value, two_ago[j - 2] + 1)
            current[j] = value
        if limit is not None and min(current) > limit:
            return limit + 1
        two_ago, previous = previous, current
    return previous[-1]


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lng1 = map(math.radians, a)
    lat2, lng2 = map(math.radians, b)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
