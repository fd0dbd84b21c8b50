"""The embedded search backend: one Whoosh index per document type under
``<instance>/search/whoosh/<type>``.

Whoosh does the text matching and BM25F ranking. Filters, facet counts and the name, newest
and distance orders use an in-memory *view* of the index built from each segment's stored
``_meta`` (facet values, sort name, creation time, coordinates, ACL): per facet value a bitset
of document numbers (:mod:`app.search.bitsets`), so counting a facet over the matched set is
one AND and one popcount per value. Segment tables are cached by segment id and deletion
count, so after a small change only the new small segment is read.

Writes take the index lock with ``writer(timeout=...)``; only one writer at a time exists
across processes (Whoosh's file lock). Analyzers are module-level classes so the schema
pickles.
"""

from __future__ import annotations

import fcntl
import heapq
import itertools
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.index import LockError

from app.search import bitsets
from app.search.analysis import analyze, skeleton_tokens
from app.search.framework import DocType, Document, IndexBusy, SearchRequest, SearchResult
from app.search.query import (
    MAX_EXPANSIONS,
    SUGGEST_WORDS,
    Alternative,
    Clause,
    alternative_weight,
    clean_query,
    edit_distance,
    has_fuzzy,
    haversine_km,
    parse_query,
    required_clauses,
    skeleton_field,
    spelling_field,
    spelling_word,
    spelling_words,
    suggestion_distance,
)

WRITER_TIMEOUT = 10.0
#: cached term postings per segment and per view (a 100k-document bitset is 12.5 kB)
TERM_CACHE_SIZE = 4_096
#: below this many documents, facet counts look values up per document
SMALL_SCOPE = 500
#: relevance ties are broken by name up to this many documents at one score
RELEVANCE_TIES_BY_NAME = 2_000
#: how often a searcher checks for other processes' commits (own commits: at once)
REFRESH_SECONDS = 0.5


# --- analyzers (module-level, picklable) ---------------------------------------------------


class _TermsTokenizer(Tokenizer):
    """Yields the terms of ``self.terms(value)`` as Whoosh tokens."""

    def terms(self, value: str) -> list[str]:  # pragma: no cover - overridden
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        terms = self.terms(value) if tokenize else [value]
        for pos, term in enumerate(terms, start_pos):
            token.text = term
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = term
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token


class TextAnalyzer(_TermsTokenizer):
    """Full text: :func:`app.search.analysis.analyze` (normalise, stem, stopwords)."""

    def terms(self, value: str) -> list[str]:
        return analyze(value)


class SkeletonAnalyzer(_TermsTokenizer):
    """Names and titles: the cross-script skeleton keys."""

    def terms(self, value: str) -> list[str]:
        return skeleton_tokens(value)


class SpellingAnalyzer(_TermsTokenizer):
    """Names' words, unstemmed, for did-you-mean."""

    def terms(self, value: str) -> list[str]:
        return spelling_words(value)


# --- the in-memory view --------------------------------------------------------------------


@dataclass
class _SegmentTable:
    size: int
    live: int
    ids: list[int]
    facets: dict[str, dict[str, int]]
    acl: dict[str, int]
    names: list[str]
    created: list[float]
    geo: dict[tuple[float, float], int]
    points: list[tuple[float, float] | None]
    #: cached postings as bitsets: (field, term) -> local document numbers
    terms: dict[tuple[str, str], int] = field(default_factory=dict)


def _read_segment(reader: Any) -> _SegmentTable:
    size = reader.doc_count_all()
    ids = [0] * size
    names = [""] * size
    created = [0.0] * size
    facets: dict[str, dict[str, list[int]]] = {}
    acl: dict[str, list[int]] = {}
    geo: dict[tuple[float, float], list[int]] = {}
    live: list[int] = []
    points: list[tuple[float, float] | None] = [None] * size
    for docnum, stored in reader.iter_docs():
        live.append(docnum)
        meta = stored["meta"]
        ids[docnum] = int(stored["id"])
        names[docnum] = meta["n"]
        created[docnum] = meta["t"]
        for facet, values in meta["f"].items():
            bucket = facets.setdefault(facet, {})
            for value in values:
                bucket.setdefault(value, []).append(docnum)
        for value in meta["a"]:
            acl.setdefault(value, []).append(docnum)
        if meta["g"] is not None:
            point = (float(meta["g"][0]), float(meta["g"][1]))
            points[docnum] = point
            geo.setdefault(point, []).append(docnum)

    def bits(nums: list[int]) -> int:
        return bitsets.from_iterable(nums, size)

    return _SegmentTable(
        size=size,
        live=bits(live),
        ids=ids,
        facets={f: {v: bits(n) for v, n in values.items()} for f, values in facets.items()},
        acl={v: bits(n) for v, n in acl.items()},
        names=names,
        created=created,
        geo={k: bits(n) for k, n in geo.items()},
        points=points,
    )


@dataclass
class _View:
    """The whole index (all segments at their offsets) as bitsets and arrays."""

    size: int
    live: int
    ids: list[int]
    facets: dict[str, dict[str, int]]
    acl: dict[str, int]
    names: list[str]
    created: list[float]
    geo: dict[tuple[float, float], int]
    points: list[tuple[float, float] | None]
    _name_order: list[int] | None = None
    _newest_order: list[int] | None = None
    _name_rank: list[int] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    tables: list[tuple[_SegmentTable, int]] = field(default_factory=list)
    #: (reader, table, offset) of each segment, for term postings
    leaves: list[tuple[Any, _SegmentTable, int]] = field(default_factory=list)
    _terms: dict[tuple[str, str], int] = field(default_factory=dict)
    #: prefix and fuzzy expansions, as bitsets
    expansions: dict[tuple[str, str], int] = field(default_factory=dict)
    _doc_facets: dict[str, dict[int, tuple[str, ...]]] | None = None

    @property
    def doc_facets(self) -> dict[str, dict[int, tuple[str, ...]]]:
        """facet -> document number -> its values (built on first use)."""
        with self._lock:
            if self._doc_facets is None:
                built: dict[str, dict[int, tuple[str, ...]]] = {}
                for facet, values in self.facets.items():
                    per_doc: dict[int, list[str]] = {}
                    for value, bits in values.items():
                        for docnum in bitsets.iterate(bits):
                            per_doc.setdefault(docnum, []).append(value)
                    built[facet] = {d: tuple(v) for d, v in per_doc.items()}
                self._doc_facets = built
            return self._doc_facets

    def term_bits(self, fieldname: str, text: str) -> int:
        """The documents holding ``text`` in ``fieldname``, from per-segment cached postings."""
        key = (fieldname, text)
        bits = self._terms.get(key)
        if bits is not None:
            return bits
        bits = 0
        for reader, table, offset in self.leaves:
            local = table.terms.get(key)
            if local is None:
                local = 0
                if key in reader:
                    postings = reader.postings(fieldname, text)
                    local = bitsets.from_iterable(postings.all_ids(), table.size)
                if len(table.terms) >= TERM_CACHE_SIZE:
                    table.terms.clear()
                table.terms[key] = local
            bits |= local << offset
        if len(self._terms) >= TERM_CACHE_SIZE:
            self._terms.clear()
        self._terms[key] = bits
        return bits

    @classmethod
    def combine(cls, tables: list[tuple[_SegmentTable, int]], size: int) -> _View:
        view = cls(size, 0, [0] * size, {}, {}, [""] * size, [0.0] * size, {}, [None] * size)
        for table, offset in tables:
            view.live |= table.live << offset
            view.ids[offset : offset + table.size] = table.ids
            view.names[offset : offset + table.size] = table.names
            view.created[offset : offset + table.size] = table.created
            view.points[offset : offset + table.size] = table.points
            for facet, values in table.facets.items():
                bucket = view.facets.setdefault(facet, {})
                for value, bits in values.items():
                    bucket[value] = bucket.get(value, 0) | bits << offset
            for value, bits in table.acl.items():
                view.acl[value] = view.acl.get(value, 0) | bits << offset
            for point, bits in table.geo.items():
                view.geo[point] = view.geo.get(point, 0) | bits << offset
        return view

    def name_order(self) -> list[int]:
        with self._lock:
            if self._name_order is None:
                live = list(bitsets.iterate(self.live, self.size))
                self._name_order = sorted(live, key=lambda d: (self.names[d], self.ids[d]))
            return self._name_order

    def name_rank(self) -> list[int]:
        """document number -> its position in the name order"""
        if self._name_rank is None:
            rank = [0] * self.size
            for position, docnum in enumerate(self.name_order()):
                rank[docnum] = position
            self._name_rank = rank
        return self._name_rank

    def newest_order(self) -> list[int]:
        with self._lock:
            if self._newest_order is None:
                live = list(bitsets.iterate(self.live, self.size))
                self._newest_order = sorted(live, key=lambda d: (-self.created[d], -self.ids[d]))
            return self._newest_order


def _segment_key(reader: Any) -> tuple[str, int]:
    segment = reader.segment() if hasattr(reader, "segment") else None
    if segment is None:
        return (f"reader-{id(reader)}", 0)
    return (str(segment.segment_id()), int(segment.deleted_count()))


# --- scoring -------------------------------------------------------------------------------


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


def words_within(reader: Any, fieldname: str, word: str, maxdist: int) -> Iterator[str]:
    """Indexed words of ``fieldname`` within ``maxdist`` edits of ``word`` (transpositions
    count one) that share its first character, in order.

    Not ``reader.terms_within``: on a single segment Whoosh runs a Levenshtein automaton
    without transpositions, on several segments Damerau-Levenshtein, so the same index
    answered "Debodu" or not depending on its merges."""
    for value in reader.expand_prefix(fieldname, word[:1]):
        candidate = value.decode("utf-8") if isinstance(value, bytes) else value
        if edit_distance(word, candidate, maxdist) <= maxdist:
            yield candidate


# --- the backend ---------------------------------------------------------------------------


class WhooshBackend:
    """See the module docstring."""

    cpu_bound = True

    def __init__(self, instance_path: str | os.PathLike[str]) -> None:
        self.root = Path(instance_path) / "search" / "whoosh"
        self._lock = threading.RLock()
        self._indexes: dict[str, Any] = {}
        self._searchers: dict[str, Any] = {}
        self._segments: dict[tuple[str, str, int], _SegmentTable] = {}
        self._views: dict[str, tuple[tuple[Any, ...], _View]] = {}
        #: types this process wrote since its searcher last refreshed
        self._dirty: set[str] = set()
        self._checked: dict[str, float] = {}

    # schema and index

    def schema(self, doc_type: DocType) -> Schema:
        fields: dict[str, Any] = {"id": ID(stored=True, unique=True), "meta": STORED()}
        for name, boost in doc_type.text_fields.items():
            fields[name] = TEXT(analyzer=TextAnalyzer(), phrase=False, field_boost=boost)
        for name, boost in doc_type.name_fields.items():
            fields[name] = TEXT(analyzer=TextAnalyzer(), phrase=False, field_boost=boost)
            fields[skeleton_field(name)] = TEXT(
                analyzer=SkeletonAnalyzer(), phrase=False, field_boost=boost
            )
            fields[spelling_field(name)] = TEXT(analyzer=SpellingAnalyzer(), phrase=False)
        return Schema(**fields)

    def _path(self, doc_type: DocType) -> Path:
        return self.root / doc_type.name

    def _index(self, doc_type: DocType) -> Any:
        with self._lock:
            ix = self._indexes.get(doc_type.name)
            if ix is not None:
                return ix
            path = self._path(doc_type)
            path.mkdir(parents=True, exist_ok=True)
            # Two processes may start on an empty folder at once: create under a file lock.
            with open(path.parent / f"{doc_type.name}.create.lock", "w") as lock_file:
                fcntl.flock(lock_file, fcntl.LOCK_EX)
                try:
                    if whoosh_index.exists_in(str(path)):
                        ix = whoosh_index.open_dir(str(path))
                    else:
                        ix = whoosh_index.create_in(str(path), self.schema(doc_type))
                finally:
                    fcntl.flock(lock_file, fcntl.LOCK_UN)
            self._indexes[doc_type.name] = ix
            return ix

    @staticmethod
    def _fields(doc_type: DocType, doc: Document) -> dict[str, Any]:
        values: dict[str, Any] = {
            "id": str(doc.id),
            "meta": {
                "f": {k: list(v) for k, v in doc.facets.items()},
                "n": doc.sort_name,
                "t": doc.created,
                "g": list(doc.geo) if doc.geo else None,
                "a": list(doc.acl),
            },
        }
        for name in doc_type.text_fields:
            values[name] = doc.text.get(name, "")
        for name in doc_type.name_fields:
            text = doc.names.get(name, "")
            values[name] = text
            values[skeleton_field(name)] = text
            values[spelling_field(name)] = text
        return values

    def _writer(self, ix: Any, wait: bool = True, **options: Any) -> Any:
        try:
            return ix.writer(timeout=WRITER_TIMEOUT if wait else 0.0, **options)
        except LockError as error:
            raise IndexBusy(str(error)) from error

    def write(
        self,
        doc_type: DocType,
        ids: Sequence[int],
        load: Callable[[Sequence[int]], dict[int, Document]],
        wait: bool = True,
    ) -> None:
        ix = self._index(doc_type)
        writer = self._writer(ix, wait)
        try:
            docs = load(ids)  # loaded under the lock: the freshest data wins
            for doc_id in ids:
                doc = docs.get(doc_id)
                if doc is None:
                    writer.delete_by_term("id", str(doc_id))
                else:
                    writer.update_document(**self._fields(doc_type, doc))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        self._dirty.add(doc_type.name)

    def rebuild(
        self, doc_type: DocType, batches: Iterable[list[Document]], progress: Callable[[int], None]
    ) -> int:
        ix = self._index(doc_type)
        writer = self._writer(ix, limitmb=256)
        count = 0
        try:
            # Delete everything inside the same locked writer: readers see the old index
            # until the commit, then the new one.
            for docnum in list(writer.reader().all_doc_ids()):
                writer.delete_document(docnum)
            for batch in batches:
                for doc in batch:
                    writer.add_document(**self._fields(doc_type, doc))
                count += len(batch)
                progress(len(batch))
        except BaseException:
            writer.cancel()
            raise
        from whoosh.writing import CLEAR

        writer.commit(mergetype=CLEAR)
        self._dirty.add(doc_type.name)
        return count

    def destroy(self, doc_type: DocType) -> None:
        with self._lock:
            self._indexes.pop(doc_type.name, None)
            self._searchers.pop(doc_type.name, None)
            shutil.rmtree(self._path(doc_type), ignore_errors=True)

    def count(self, doc_type: DocType) -> int:
        with self._lock:
            searcher = self._searcher(doc_type)
            return int(searcher.doc_count())

    # reading

    def _searcher(self, doc_type: DocType) -> Any:
        searcher = self._searchers.get(doc_type.name)
        now = time.monotonic()
        if searcher is None:
            searcher = self._index(doc_type).searcher()
        elif (
            doc_type.name in self._dirty
            or now - self._checked.get(doc_type.name, 0) > REFRESH_SECONDS
        ):
            # refresh() reuses the unchanged segments' readers and closes the others
            searcher = searcher.refresh()
        else:
            return searcher
        self._dirty.discard(doc_type.name)
        self._checked[doc_type.name] = now
        self._searchers[doc_type.name] = searcher
        return searcher

    def _view(self, doc_type: DocType, searcher: Any) -> _View:
        leaves = [(sub.reader(), offset) for sub, offset in searcher.leaf_searchers()]
        key = tuple(_segment_key(reader) for reader, _offset in leaves)
        cached = self._views.get(doc_type.name)
        if cached is not None and cached[0] == key:
            cached[1].leaves = [
                (r, t, o) for (r, o), (t, _o) in zip(leaves, cached[1].tables, strict=True)
            ]
            return cached[1]
        tables: list[tuple[_SegmentTable, int]] = []
        fresh: dict[tuple[str, str, int], _SegmentTable] = {}
        for (reader, offset), (segment_id, deleted) in zip(leaves, key, strict=True):
            cache_key = (doc_type.name, str(segment_id), deleted)
            table = self._segments.get(cache_key) or _read_segment(reader)
            fresh[cache_key] = table
            tables.append((table, offset))
        for cache_key in [k for k in self._segments if k[0] == doc_type.name]:
            del self._segments[cache_key]
        self._segments.update(fresh)
        view = _View.combine(tables, searcher.doc_count_all())
        view.tables = tables
        view.leaves = [(r, t, o) for (r, o), (t, _o) in zip(leaves, tables, strict=True)]
        self._views[doc_type.name] = (key, view)
        return view

    def search(self, doc_type: DocType, request: SearchRequest) -> SearchResult:
        with self._lock:
            searcher = self._searcher(doc_type)
            view = self._view(doc_type, searcher)
            clauses: list[Clause] | None = None
            if request.q.strip():
                clauses = parse_query(doc_type, request.q, prefix=request.prefix)
                if not clauses:
                    return SearchResult(ids=[], total=0)
            result = self._run(searcher, view, request, clauses)
            if result.total == 0 and clauses is not None:
                fuzzy = parse_query(doc_type, request.q, prefix=request.prefix, fuzzy=True)
                if has_fuzzy(fuzzy):
                    again = self._run(searcher, view, request, fuzzy)
                    if again.total:
                        again.fuzzy = True
                        result = again
                result.suggestion = self._suggest(doc_type, searcher, view, request.q)
            return result

    def _alternative_bits(self, searcher: Any, view: _View, alt: Alternative) -> int:
        if alt.kind == "term":
            return view.term_bits(alt.field, alt.text)
        key = (alt.field, f"{alt.kind}:{alt.maxdist}:{alt.text}")
        cached = view.expansions.get(key)
        if cached is not None:
            return cached
        reader = searcher.reader()
        if alt.kind == "prefix":
            words = reader.expand_prefix(alt.field, alt.text)
        else:
            words = words_within(reader, alt.field, alt.text, alt.maxdist)
        bits = 0
        for count, word in enumerate(words):
            if count >= MAX_EXPANSIONS:
                break
            if isinstance(word, bytes):
                word = word.decode("utf-8")
            bits |= view.term_bits(alt.field, word)
        if len(view.expansions) >= TERM_CACHE_SIZE:
            view.expansions.clear()
        view.expansions[key] = bits
        return bits

    def _run(
        self,
        searcher: Any,
        view: _View,
        request: SearchRequest,
        clauses: list[Clause] | None,
    ) -> SearchResult:
        size = view.size
        allowed = 0
        for principal in request.principals:
            allowed |= view.acl.get(principal, 0)
        weighted: list[list[tuple[float, int]]] = []
        base = view.live & allowed
        if clauses is not None:
            live_count = max(1, view.live.bit_count())
            required = required_clauses(clauses)
            for clause in clauses:
                alternatives: list[tuple[float, int]] = []
                clause_bits = 0
                for alt in clause.alternatives:
                    # postings keep deleted documents until a merge: count live ones only
                    bits = self._alternative_bits(searcher, view, alt) & view.live
                    if bits:
                        weight = alternative_weight(alt, live_count, bits.bit_count())
                        alternatives.append((weight, bits))
                        clause_bits |= bits
                weighted.append(alternatives)
                if clause in required:
                    base &= clause_bits
        filters: dict[str, int] = {}
        for facet, values in request.filters.items():
            bucket = view.facets.get(facet, {})
            bits = 0
            for value in values:
                bits |= bucket.get(value, 0)
            filters[facet] = bits
        geo_bits = -1
        point_distance: dict[tuple[float, float], float] = {}
        if request.near is not None:
            point_distance = {p: haversine_km(request.near, p) for p in view.geo}
            if request.radius_km is not None:
                geo_bits = 0
                for point, distance in point_distance.items():
                    if distance <= request.radius_km:
                        geo_bits |= view.geo[point]
            elif request.sort == "distance":
                geo_bits = 0
                for bits in view.geo.values():
                    geo_bits |= bits
        final = base & geo_bits
        for bits in filters.values():
            final &= bits
        counts: dict[str, dict[str, int]] = {}
        for facet in request.facets:
            scope = base & geo_bits
            for other, bits in filters.items():
                if other != facet:
                    scope &= bits
            bucket = view.facets.get(facet, {})
            if scope.bit_count() <= SMALL_SCOPE:
                # few documents: look their values up rather than AND every value's bitset
                tally: dict[str, int] = {}
                values_of = view.doc_facets.get(facet, {})
                for docnum in bitsets.iterate(scope):
                    for value in values_of.get(docnum, ()):
                        tally[value] = tally.get(value, 0) + 1
                counts[facet] = tally
            else:
                counts[facet] = {
                    value: n for value, bits in bucket.items() if (n := (scope & bits).bit_count())
                }
        total = final.bit_count()
        start = (request.page - 1) * request.per_page
        stop = start + request.per_page
        page: list[int] = []
        if total and start < total:
            page = self._order(view, request, weighted, final, point_distance, stop)[start:stop]
        ids = [view.ids[d] for d in page]
        distances: dict[int, float] = {}
        if request.near is not None:
            for docnum in page:
                where = view.points[docnum]
                if where is not None:
                    distances[view.ids[docnum]] = round(point_distance[where], 2)
        del size
        return SearchResult(ids=ids, total=total, facets=counts, distances=distances)

    @staticmethod
    def _take(
        view: _View, bits: int, count: int, out: list[int], stop: int, by_name: bool = True
    ) -> None:
        """Append the documents of ``bits`` in name order (or index order, the cheapest, when
        ``by_name`` is false) to ``out`` until it holds ``stop``."""
        if not by_name:
            out.extend(itertools.islice(bitsets.iterate(bits), stop - len(out)))
            return
        if count <= 64:
            names = view.names
            out.extend(sorted(bitsets.iterate(bits), key=lambda d: (names[d], d)))
            return
        need = stop - len(out)
        if count <= 25_000 or count * 4 < view.size:
            # the best ``need`` by name rank: one C-level heap pass over the level
            rank = view.name_rank()
            out.extend(heapq.nsmallest(need, bitsets.iterate(bits), key=rank.__getitem__))
            return
        buf = bitsets.to_bytes(bits, view.size)  # dense: the name order finds them quickly
        for docnum in view.name_order():
            if buf[docnum >> 3] >> (docnum & 7) & 1:
                out.append(docnum)
                if len(out) >= stop:
                    return

    def _order(
        self,
        view: _View,
        request: SearchRequest,
        weighted: list[list[tuple[float, int]]],
        final: int,
        point_distance: dict[tuple[float, float], float],
        stop: int,
    ) -> list[int]:
        sort = request.sort
        if sort == "relevance" and not weighted:
            sort = "name"
        out: list[int] = []
        if sort == "relevance":
            for _score, bits in score_levels(final, weighted):
                # ties: by name in small levels; in large ones (a common word) by index order
                count = bits.bit_count()
                self._take(view, bits, count, out, stop, by_name=count <= RELEVANCE_TIES_BY_NAME)
                if len(out) >= stop:
                    break
            return out
        if sort == "distance" and point_distance:
            for point in sorted(point_distance, key=point_distance.__getitem__):
                group = view.geo[point] & final
                if group:
                    self._take(view, group, group.bit_count(), out, stop)
                    if len(out) >= stop:
                        break
            return out
        order = view.newest_order() if sort == "newest" else view.name_order()
        buf = bitsets.to_bytes(final, view.size)
        for docnum in order:
            if buf[docnum >> 3] >> (docnum & 7) & 1:
                out.append(docnum)
                if len(out) >= stop:
                    break
        return out

    def _suggest(self, doc_type: DocType, searcher: Any, view: _View, q: str) -> str | None:
        """Did-you-mean: each word replaced by the closest indexed name word, if any.

        Frequencies count live documents: a segment keeps the words of its deleted documents
        until a merge, and a word only they held is neither "found" nor suggested."""
        if not doc_type.name_fields:
            return None
        tokens = clean_query(q)[:SUGGEST_WORDS]
        reader = searcher.reader()
        changed = False
        out: list[str] = []
        for token in tokens:
            word = spelling_word(token)
            if len(word) < 4:
                out.append(word)
                continue
            best: tuple[int, int, str] | None = None
            for name in doc_type.name_fields:
                field_name = spelling_field(name)
                if view.term_bits(field_name, word) & view.live:
                    best = (0, 0, word)
                    break
                maxdist = suggestion_distance(word)
                for candidate in words_within(reader, field_name, word, maxdist):
                    freq = (view.term_bits(field_name, candidate) & view.live).bit_count()
                    if not freq:
                        continue
                    rank = (edit_distance(word, candidate), -freq, candidate)
                    if best is None or rank < best:
                        best = rank
            if best is not None and best[2] != word:
                changed = True
                out.append(best[2])
            else:
                out.append(word)
        return " ".join(out) if changed else None
