"""The search package's layout: relevance score levels, and Whoosh indexes written before the
backends moved to :mod:`app.search.backends` (their pickled analyzers name the old module)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.formats import Existence

from app.search import bitsets
from app.search.backends import whoosh as whoosh_backend
from app.search.backends import whoosh_analyzers
from app.search.backends.scoring import MAX_LEVELS, score_levels
from app.search.backends.whoosh import WhooshBackend
from app.search.types import DocType, Document, SearchRequest

# --- score_levels --------------------------------------------------------------------------


def bits(*docnums: int) -> int:
    return bitsets.from_iterable(docnums, 64)


def docs(levels: list[tuple[float, int]]) -> list[tuple[float, list[int]]]:
    return [(score, list(bitsets.iterate(b))) for score, b in levels]


def test_without_words_every_document_is_at_level_zero() -> None:
    assert docs(score_levels(bits(1, 2, 3), [])) == [(0.0, [1, 2, 3])]
    assert score_levels(0, []) == [(0.0, 0)]


def test_a_word_counts_its_best_alternative_once() -> None:
    # document 1 matches the word both ways: the better weight only, never the sum
    clause = [(1.0, bits(1, 2)), (3.0, bits(1, 3))]
    assert docs(score_levels(bits(1, 2, 3, 4), [clause])) == [
        (3.0, [1, 3]),
        (1.0, [2]),
        (0.0, [4]),
    ]


def test_scores_add_up_across_words_best_first() -> None:
    first = [(2.0, bits(1, 2))]
    second = [(0.5, bits(2, 3))]
    assert docs(score_levels(bits(1, 2, 3, 4), [first, second])) == [
        (2.5, [2]),
        (2.0, [1]),
        (0.5, [3]),
        (0.0, [4]),
    ]


def test_only_the_final_set_is_scored() -> None:
    clause = [(1.0, bits(1, 2, 5))]
    assert docs(score_levels(bits(2, 3), [clause])) == [(1.0, [2]), (0.0, [3])]


def test_equal_sums_share_a_level_after_rounding() -> None:
    # 0.1 + 0.2 != 0.3 in floating point: rounded to 6 places they tie
    first = [(0.1, bits(1)), (0.3, bits(2))]
    second = [(0.2, bits(1))]
    assert docs(score_levels(bits(1, 2), [first, second])) == [(0.3, [1, 2])]


def test_alternatives_without_documents_make_no_level() -> None:
    clause = [(9.0, 0), (1.0, bits(1))]
    assert docs(score_levels(bits(1, 2), [clause])) == [(1.0, [1]), (0.0, [2])]


def test_levels_past_the_cap_merge_into_the_last_one() -> None:
    size = MAX_LEVELS + 40
    final = bitsets.from_iterable(range(size), size)
    # each document its own weight: one level per document before the cap
    clause = [(float(d + 1), 1 << d) for d in range(size)]
    levels = score_levels(final, [clause])
    assert len(levels) == MAX_LEVELS
    scores = [score for score, _b in levels]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] == float(size)
    # the best MAX_LEVELS - 1 keep their own level; the rest share the last one
    for score, level in levels[:-1]:
        assert list(bitsets.iterate(level)) == [int(score) - 1]
    assert scores[-1] == float(size - MAX_LEVELS + 1)
    assert list(bitsets.iterate(levels[-1][1])) == list(range(size - MAX_LEVELS + 1))
    union = 0
    for _score, level in levels:
        assert union & level == 0  # disjoint
        union |= level
    assert union == final


# --- indexes written by the code before app.search.backends ---------------------------------


OLD_MODULE = "app.search.whoosh_backend"
ANALYZERS = ("TextAnalyzer", "SkeletonAnalyzer", "SpellingAnalyzer")

DOCS = {
    1: Document(id=1, names={"name": "Association Amal"}, text={"body": "soutien scolaire"}),
    2: Document(id=2, names={"name": "Jam3iat Tiwizi"}, text={"body": "eau potable"}),
}
DOC_TYPE = DocType(
    name="legacy",
    load=lambda _session, ids: {i: DOCS[i] for i in ids if i in DOCS},
    all_ids=lambda _session: sorted(DOCS),
    name_fields={"name": 4.0},
    text_fields={"body": 1.0},
)


def toc_bytes(instance: Path) -> bytes:
    tocs = sorted((instance / "search" / "whoosh" / DOC_TYPE.name).glob("*.toc"))
    assert tocs
    return b"".join(path.read_bytes() for path in tocs)


def old_schema(_backend: WhooshBackend, doc_type: DocType) -> Schema:
    """The schema the old code wrote: Whoosh ``TEXT`` fields (frequencies, field lengths)."""
    fields: dict[str, Any] = {"id": ID(stored=True, unique=True), "meta": STORED()}
    for name, boost in doc_type.text_fields.items():
        fields[name] = TEXT(
            analyzer=whoosh_analyzers.TextAnalyzer(), phrase=False, field_boost=boost
        )
        fields[f"{name}__sk"] = TEXT(
            analyzer=whoosh_analyzers.SkeletonAnalyzer(), phrase=False, field_boost=boost
        )
    for name, boost in doc_type.name_fields.items():
        fields[name] = TEXT(
            analyzer=whoosh_analyzers.TextAnalyzer(), phrase=False, field_boost=boost
        )
        fields[f"{name}__sk"] = TEXT(
            analyzer=whoosh_analyzers.SkeletonAnalyzer(), phrase=False, field_boost=boost
        )
        fields[f"{name}__sp"] = TEXT(analyzer=whoosh_analyzers.SpellingAnalyzer(), phrase=False)
    return Schema(**fields)


def write_old_index(instance: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patch:
        for name in ANALYZERS:
            patch.setattr(getattr(whoosh_analyzers, name), "__module__", OLD_MODULE)
        # the old code's field types and Whoosh's own codec
        patch.setattr(WhooshBackend, "schema", old_schema)
        patch.setattr(whoosh_backend, "TermsCodec", W3Codec)
        WhooshBackend(instance).rebuild(DOC_TYPE, [list(DOCS.values())], lambda _n: None)
    assert OLD_MODULE.encode() in toc_bytes(instance)
    assert b"app.search.backends" not in toc_bytes(instance)


def test_an_index_written_by_the_old_code_still_opens_and_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_old_index(tmp_path, monkeypatch)
    backend = WhooshBackend(tmp_path)  # a new process: the schema is unpickled from disk
    assert backend.count(DOC_TYPE) == 2
    assert backend.search(DOC_TYPE, SearchRequest(q="amal")).ids == [1]
    assert backend.search(DOC_TYPE, SearchRequest(q="potable")).ids == [2]
    misspelled = backend.search(DOC_TYPE, SearchRequest(q="tiwizzi", prefix=False))
    assert misspelled.ids == [2]
    # new writes into the old index keep working, and reach the searches
    backend.write(DOC_TYPE, [3], lambda _ids: {3: Document(id=3, names={"name": "Amal Atlas"})})
    assert sorted(backend.search(DOC_TYPE, SearchRequest(q="amal")).ids) == [1, 3]


def test_a_new_index_names_the_analyzers_new_module(tmp_path: Path) -> None:
    WhooshBackend(tmp_path).rebuild(DOC_TYPE, [list(DOCS.values())], lambda _n: None)
    assert b"app.search.backends.whoosh_analyzers" in toc_bytes(tmp_path)


def test_a_new_index_records_which_documents_hold_a_term_and_nothing_more(
    tmp_path: Path,
) -> None:
    backend = WhooshBackend(tmp_path)
    backend.rebuild(DOC_TYPE, [list(DOCS.values())], lambda _n: None)
    schema = backend._index(DOC_TYPE).schema
    for name in ("name", "name__sk", "name__sp", "body", "body__sk"):
        assert isinstance(schema[name].format, Existence)  # no frequencies, no positions
        assert not schema[name].scorable  # no field lengths
    assert backend.search(DOC_TYPE, SearchRequest(q="potable")).ids == [2]
    assert backend.search(DOC_TYPE, SearchRequest(q="امل")).ids == [1]  # the skeleton field
