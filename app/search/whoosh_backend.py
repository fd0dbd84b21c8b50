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
import math
import os
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.index import LockError
from whoosh.query import And, AndMaybe, FuzzyTerm, Or, Prefix, Query, Term
from whoosh.support.levenshtein import distance as edit_distance

from app.search import bitsets
from app.search.analysis import (
    MAX_QUERY_CHARS,
    MAX_QUERY_TOKENS,
    analyze,
    analyze_token,
    fuzzy_distance_for,
    normalize_arabic,
    skeleton_tokens,
    token_skeletons,
    tokenize,
)
from app.search.framework import DocType, Document, IndexBusy, SearchRequest, SearchResult
from app.search.latin import fold_accents, strip_elision
from app.search.tokenizer import is_arabic_token

WRITER_TIMEOUT = 10.0
EARTH_RADIUS_KM = 6371.0088


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


def spelling_word(token: str) -> str:
    """A word as shown in suggestions: normalised but not stemmed."""
    if is_arabic_token(token):
        return normalize_arabic(token)
    return fold_accents(strip_elision(token.casefold())).replace("'", "")


class SpellingAnalyzer(_TermsTokenizer):
    """Names' words, unstemmed, for did-you-mean."""

    def terms(self, value: str) -> list[str]:
        return [w for w in (spelling_word(t) for t in tokenize(value)) if len(w) >= 3]


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


def _read_segment(reader: Any) -> _SegmentTable:
    size = reader.doc_count_all()
    ids = [0] * size
    names = [""] * size
    created = [0.0] * size
    facets: dict[str, dict[str, list[int]]] = {}
    acl: dict[str, list[int]] = {}
    geo: dict[tuple[float, float], list[int]] = {}
    live: list[int] = []
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
            geo.setdefault(tuple(meta["g"]), []).append(docnum)

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
    _name_order: list[int] | None = None
    _newest_order: list[int] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def combine(cls, tables: list[tuple[_SegmentTable, int]], size: int) -> _View:
        view = cls(size, 0, [0] * size, {}, {}, [""] * size, [0.0] * size, {})
        for table, offset in tables:
            view.live |= table.live << offset
            view.ids[offset : offset + table.size] = table.ids
            view.names[offset : offset + table.size] = table.names
            view.created[offset : offset + table.size] = table.created
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

    def newest_order(self) -> list[int]:
        with self._lock:
            if self._newest_order is None:
                live = list(bitsets.iterate(self.live, self.size))
                self._newest_order = sorted(live, key=lambda d: (-self.created[d], -self.ids[d]))
            return self._newest_order


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lng1 = map(math.radians, a)
    lat2, lng2 = map(math.radians, b)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


# --- query building ------------------------------------------------------------------------


@dataclass
class _QueryWords:
    required: list[Query]
    optional: list[Query]
    #: (raw token, analyzed term) of words that can take typo tolerance
    words: list[tuple[str, str | None]]


def _sk(name: str) -> str:
    return f"{name}__sk"


def _sp(name: str) -> str:
    return f"{name}__sp"


def _clean_query(q: str) -> list[str]:
    text = q[:MAX_QUERY_CHARS]
    tokens = tokenize(text)
    return tokens[: MAX_QUERY_TOKENS * 2]


def build_query(
    doc_type: DocType, q: str, prefix: bool = True, fuzzy: bool = False
) -> Query | None:
    """The Whoosh query for the user's text ``q``; None when ``q`` has no searchable word.

    Each word must match (in a text field, or by its skeleton key in a name field), except
    words with no skeleton key ("association", "jam3iat") when other words have one: those
    only add to the score. The last word also matches as a prefix (typing in progress).
    With ``fuzzy``, words of 5+ characters also match within an edit distance."""
    tokens = _clean_query(q)
    if not tokens:
        return None
    text_fields = {**doc_type.name_fields, **doc_type.text_fields}
    keyed: list[Query] = []
    unkeyed: list[Query] = []
    seen: set[tuple[str | None, tuple[str, ...]]] = set()
    last = len(tokens) - 1
    for index, token in enumerate(tokens):
        term = analyze_token(token)
        keys = token_skeletons(token) if doc_type.name_fields else ()
        if (term, keys) in seen or (term is None and not keys):
            continue
        seen.add((term, keys))
        alternatives: list[Query] = []
        if term is not None:
            for name, boost in text_fields.items():
                alternatives.append(Term(name, term, boost=boost))
                if prefix and index == last and len(term) >= 3 and not q.endswith(" "):
                    alternatives.append(Prefix(name, term, boost=boost * 0.5))
                distance = fuzzy_distance_for(term) if fuzzy else 0
                if distance:
                    alternatives.append(
                        FuzzyTerm(name, term, boost=boost * 0.5, maxdist=distance, prefixlength=1)
                    )
        for name, boost in doc_type.name_fields.items():
            for key in keys:
                alternatives.append(Term(_sk(name), key, boost=boost * 0.8))
            word = spelling_word(token)
            distance = fuzzy_distance_for(word) if fuzzy else 0
            if distance:
                alternatives.append(
                    FuzzyTerm(_sp(name), word, boost=boost * 0.5, maxdist=distance, prefixlength=1)
                )
        clause = Or(alternatives)
        (keyed if keys else unkeyed).append(clause)
    if not keyed and not unkeyed:
        return None
    if keyed:
        required = And(keyed) if len(keyed) > 1 else keyed[0]
        if unkeyed:
            return AndMaybe(required, Or(unkeyed))
        return required
    return And(unkeyed) if len(unkeyed) > 1 else unkeyed[0]


# --- the backend ---------------------------------------------------------------------------


class WhooshBackend:
    """See the module docstring."""

    def __init__(self, instance_path: str | os.PathLike[str]) -> None:
        self.root = Path(instance_path) / "search" / "whoosh"
        self._lock = threading.RLock()
        self._indexes: dict[str, Any] = {}
        self._searchers: dict[str, Any] = {}
        self._segments: dict[tuple[str, str, int], _SegmentTable] = {}
        self._views: dict[str, tuple[tuple[Any, ...], _View]] = {}

    # schema and index

    def schema(self, doc_type: DocType) -> Schema:
        fields: dict[str, Any] = {"id": ID(stored=True, unique=True), "meta": STORED()}
        for name, boost in doc_type.text_fields.items():
            fields[name] = TEXT(analyzer=TextAnalyzer(), phrase=False, field_boost=boost)
        for name, boost in doc_type.name_fields.items():
            fields[name] = TEXT(analyzer=TextAnalyzer(), phrase=False, field_boost=boost)
            fields[_sk(name)] = TEXT(analyzer=SkeletonAnalyzer(), phrase=False, field_boost=boost)
            fields[_sp(name)] = TEXT(analyzer=SpellingAnalyzer(), phrase=False)
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
            values[_sk(name)] = text
            values[_sp(name)] = text
        return values

    def _writer(self, ix: Any) -> Any:
        try:
            return ix.writer(timeout=WRITER_TIMEOUT)
        except LockError as error:
            raise IndexBusy(str(error)) from error

    def write(
        self,
        doc_type: DocType,
        ids: Sequence[int],
        load: Callable[[Sequence[int]], dict[int, Document]],
    ) -> None:
        ix = self._index(doc_type)
        writer = self._writer(ix)
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

    def rebuild(
        self, doc_type: DocType, batches: Iterable[list[Document]], progress: Callable[[int], None]
    ) -> int:
        ix = self._index(doc_type)
        writer = self._writer(ix)
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
        searcher = self._index(doc_type).searcher() if searcher is None else searcher.refresh()
        self._searchers[doc_type.name] = searcher
        return searcher

    def _view(self, doc_type: DocType, searcher: Any) -> _View:
        leaves = [(sub.reader(), offset) for sub, offset in searcher.leaf_searchers()]
        key = tuple(
            (reader.segment().segment_id(), reader.segment().deleted_count())
            if hasattr(reader, "segment")
            else (id(reader), 0)
            for reader, _offset in leaves
        )
        cached = self._views.get(doc_type.name)
        if cached is not None and cached[0] == key:
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
        self._views[doc_type.name] = (key, view)
        return view

    def search(self, doc_type: DocType, request: SearchRequest) -> SearchResult:
        with self._lock:
            searcher = self._searcher(doc_type)
            view = self._view(doc_type, searcher)
            query = None
            if request.q.strip():
                query = build_query(doc_type, request.q, prefix=request.prefix)
                if query is None:
                    return SearchResult(ids=[], total=0)
            result = self._run(doc_type, searcher, view, request, query)
            if result.total == 0 and query is not None:
                fuzzy = build_query(doc_type, request.q, prefix=request.prefix, fuzzy=True)
                if fuzzy is not None:
                    again = self._run(doc_type, searcher, view, request, fuzzy)
                    if again.total:
                        again.fuzzy = True
                        result = again
                result.suggestion = self._suggest(doc_type, searcher, request.q)
            return result

    def _run(
        self,
        doc_type: DocType,
        searcher: Any,
        view: _View,
        request: SearchRequest,
        query: Query | None,
    ) -> SearchResult:
        size = view.size
        allowed = 0
        for principal in request.principals:
            allowed |= view.acl.get(principal, 0)
        if query is not None:
            matched = bitsets.from_iterable(searcher.docs_for_query(query), size)
            base = matched & view.live & allowed
        else:
            base = view.live & allowed
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
            counts[facet] = {
                value: n for value, bits in bucket.items() if (n := (scope & bits).bit_count())
            }
        total = final.bit_count()
        start = (request.page - 1) * request.per_page
        stop = start + request.per_page
        page: list[int] = []
        if total and start < total:
            page = self._order(searcher, view, request, query, final, point_distance, stop)[
                start:stop
            ]
        ids = [view.ids[d] for d in page]
        distances: dict[int, float] = {}
        if request.near is not None:
            for docnum in page:
                for point, bits in view.geo.items():
                    if bits >> docnum & 1:
                        distances[view.ids[docnum]] = round(point_distance[point], 2)
                        break
        return SearchResult(ids=ids, total=total, facets=counts, distances=distances)

    def _order(
        self,
        searcher: Any,
        view: _View,
        request: SearchRequest,
        query: Query | None,
        final: int,
        point_distance: dict[tuple[float, float], float],
        stop: int,
    ) -> list[int]:
        sort = request.sort
        if sort == "relevance" and query is None:
            sort = "name"
        if sort == "relevance":
            assert query is not None
            allow = set(bitsets.iterate(final, view.size))
            hits = searcher.search(query, limit=stop, filter=allow)
            return [hit.docnum for hit in hits]
        if sort == "distance" and point_distance:
            out: list[int] = []
            names = view.names
            for point in sorted(point_distance, key=point_distance.__getitem__):
                group = view.geo[point] & final
                if group:
                    out.extend(sorted(bitsets.iterate(group, view.size), key=lambda d: names[d]))
                    if len(out) >= stop:
                        break
            return out
        order = view.newest_order() if sort == "newest" else view.name_order()
        buf = bitsets.to_bytes(final, view.size)
        out = []
        for docnum in order:
            if buf[docnum >> 3] >> (docnum & 7) & 1:
                out.append(docnum)
                if len(out) >= stop:
                    break
        return out

    def _suggest(self, doc_type: DocType, searcher: Any, q: str) -> str | None:
        """Did-you-mean: each word replaced by the closest indexed name word, if any."""
        if not doc_type.name_fields:
            return None
        tokens = _clean_query(q)[:8]
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
                field_name = _sp(name)
                if (field_name, word) in reader:
                    best = (0, 0, word)
                    break
                maxdist = 2 if len(word) >= 7 else 1
                for candidate in reader.terms_within(field_name, word, maxdist, prefix=1):
                    freq = reader.doc_frequency(field_name, candidate)
                    rank = (edit_distance(word, candidate), -freq, candidate)
                    if best is None or rank < best:
                        best = rank
            if best is not None and best[2] != word:
                changed = True
                out.append(best[2])
            else:
                out.append(word)
        return " ".join(out) if changed else None
