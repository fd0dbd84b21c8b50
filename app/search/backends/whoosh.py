"""The embedded search backend: one Whoosh index per document type under
``<instance>/search/whoosh/<type>``.

Whoosh stores which documents hold each term (:class:`TermsField`); relevance, filters,
facet counts and the name, newest and distance orders use an in-memory *view* of the index
built from each segment's stored ``_meta`` (:mod:`app.search.backends.whoosh_view`): per
facet value a bitset of document numbers (:mod:`app.search.bitsets`), so counting a facet
over the matched set is one AND and one popcount per value. Segment tables are cached by
segment id and deletion count, so after a small change only the new small segment is read.
Relevance orders by score levels (:mod:`app.search.backends.scoring`); the fuzzy pass and
did-you-mean are shared with the PostgreSQL backend (:mod:`app.search.backends.shared`).

Writes take the index lock with ``writer(timeout=...)``; only one writer at a time exists
across processes (Whoosh's file lock). The field types, analyzers and codec are in
:mod:`app.search.backends.whoosh_analyzers` (module-level classes, so the schema pickles).
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
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.fields import ID, STORED, Schema
from whoosh.index import LockError
from whoosh.writing import CLEAR

from app.search import bitsets
from app.search.backends.scoring import score_levels
from app.search.backends.shared import (
    did_you_mean,
    search_with_fallback,
    suggestion_fields,
    suggestion_words,
)
from app.search.backends.whoosh_analyzers import (
    SkeletonAnalyzer,
    SpellingAnalyzer,
    TermsCodec,
    TermsField,
    TextAnalyzer,
)
from app.search.backends.whoosh_view import (
    SegmentTable,
    View,
    read_segment,
    segment_key,
)
from app.search.query import (
    MAX_EXPANSIONS,
    Alternative,
    Clause,
    alternative_weight,
    edit_distance,
    haversine_km,
    required_clauses,
    skeleton_field,
    spelling_field,
    suggestion_distance,
)
from app.search.service import run_cpu_bound
from app.search.types import DocType, Document, IndexBusy, SearchRequest, SearchResult

WRITER_TIMEOUT = 10.0
#: below this many documents, facet counts look values up per document
SMALL_SCOPE = 500
#: relevance ties are broken by name up to this many documents at one score
RELEVANCE_TIES_BY_NAME = 2_000
#: how often a searcher checks for other processes' commits (own commits: at once)
REFRESH_SECONDS = 0.5


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
        self._segments: dict[tuple[str, str, int], SegmentTable] = {}
        self._views: dict[str, tuple[tuple[Any, ...], View]] = {}
        #: types this process wrote since its searcher last refreshed
        self._dirty: set[str] = set()
        self._checked: dict[str, float] = {}

    # schema and index

    def schema(self, doc_type: DocType) -> Schema:
        fields: dict[str, Any] = {"id": ID(stored=True, unique=True), "meta": STORED()}
        for name, boost in doc_type.text_fields.items():
            fields[name] = TermsField(TextAnalyzer(), boost)
            fields[skeleton_field(name)] = TermsField(SkeletonAnalyzer(), boost)
        for name, boost in doc_type.name_fields.items():
            fields[name] = TermsField(TextAnalyzer(), boost)
            fields[skeleton_field(name)] = TermsField(SkeletonAnalyzer(), boost)
            fields[spelling_field(name)] = TermsField(SpellingAnalyzer(), 1.0)
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
                        self._add_missing_fields(ix, doc_type)
                    else:
                        ix = whoosh_index.create_in(str(path), self.schema(doc_type))
                finally:
                    fcntl.flock(lock_file, fcntl.LOCK_UN)
            self._indexes[doc_type.name] = ix
            return ix

    def _add_missing_fields(self, ix: Any, doc_type: DocType) -> None:
        """Add the fields a newer schema has to an index written before (e.g. the text
        fields' skeleton keys): documents get them when next written (`jam3ia reindex`)."""
        wanted = self.schema(doc_type)
        missing = [name for name in wanted.names() if name not in ix.schema]
        if not missing:
            return
        writer = self._writer(ix)
        try:
            for name in missing:
                writer.add_field(name, wanted[name])
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

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
            values[skeleton_field(name)] = values[name]
        for name in doc_type.name_fields:
            text = doc.names.get(name, "")
            values[name] = text
            values[skeleton_field(name)] = text
            values[spelling_field(name)] = text
        return values

    def _writer(self, ix: Any, wait: bool = True, **options: Any) -> Any:
        try:
            return ix.writer(timeout=WRITER_TIMEOUT if wait else 0.0, codec=TermsCodec(), **options)
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
        except BaseException:
            writer.cancel()
            raise
        # Analysing the text and writing the segment is Python and disk, not the database:
        # under gevent it runs in the hub's thread pool, so the event loop keeps serving the
        # other requests and sockets meanwhile (the load above stays on the loop).
        run_cpu_bound(self._apply, doc_type, writer, ids, docs)
        self._dirty.add(doc_type.name)

    def _apply(
        self, doc_type: DocType, writer: Any, ids: Sequence[int], docs: dict[int, Document]
    ) -> None:
        try:
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

    def warm(self, doc_type: DocType) -> None:
        """Open the searcher and build the in-memory view now (at worker start), so the
        first user's query does not pay for it."""
        with self._lock:
            view = self._view(doc_type, self._searcher(doc_type))
        view.doc_facets  # noqa: B018 (built now, not by the first query with facets)
        view.name_rank()

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

    def _view(self, doc_type: DocType, searcher: Any) -> View:
        leaves = [(sub.reader(), offset) for sub, offset in searcher.leaf_searchers()]
        key = tuple(segment_key(reader) for reader, _offset in leaves)
        cached = self._views.get(doc_type.name)
        if cached is not None and cached[0] == key:
            cached[1].leaves = [
                (r, t, o) for (r, o), (t, _o) in zip(leaves, cached[1].tables, strict=True)
            ]
            return cached[1]
        tables: list[tuple[SegmentTable, int]] = []
        fresh: dict[tuple[str, str, int], SegmentTable] = {}
        for (reader, offset), (segment_id, deleted) in zip(leaves, key, strict=True):
            cache_key = (doc_type.name, str(segment_id), deleted)
            table = self._segments.get(cache_key) or read_segment(reader)
            fresh[cache_key] = table
            tables.append((table, offset))
        for cache_key in [k for k in self._segments if k[0] == doc_type.name]:
            del self._segments[cache_key]
        self._segments.update(fresh)
        view = View.combine(tables, searcher.doc_count_all())
        view.tables = tables
        view.leaves = [(r, t, o) for (r, o), (t, _o) in zip(leaves, tables, strict=True)]
        self._views[doc_type.name] = (key, view)
        return view

    def search(self, doc_type: DocType, request: SearchRequest) -> SearchResult:
        with self._lock:
            searcher = self._searcher(doc_type)
            view = self._view(doc_type, searcher)
            return search_with_fallback(
                doc_type,
                request,
                lambda clauses: self._run(searcher, view, request, clauses),
                lambda q, thin: self._suggest(doc_type, searcher, view, q, thin),
            )

    def _alternative_bits(self, searcher: Any, view: View, alt: Alternative) -> int:
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
        if len(view.expansions) >= view.cache_limit():
            view.expansions.clear()
        view.expansions[key] = bits
        return bits

    def _run(
        self,
        searcher: Any,
        view: View,
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
                values_of = view.doc_facets.get(facet) or []
                for docnum in bitsets.iterate(scope) if values_of else ():
                    for value in values_of[docnum]:
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
        view: View, bits: int, count: int, out: list[int], stop: int, by_name: bool = True
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
        view: View,
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

    def _suggest(
        self, doc_type: DocType, searcher: Any, view: View, q: str, thin: bool
    ) -> str | None:
        """Did-you-mean (:func:`app.search.backends.shared.did_you_mean`).

        Frequencies count live documents: a segment keeps the words of its deleted documents
        until a merge, and a word only they held is neither "found" nor suggested."""
        if not doc_type.name_fields:
            return None
        reader = searcher.reader()

        def known(field_name: str, word: str) -> int:
            return (view.term_bits(field_name, word) & view.live).bit_count()

        def candidates(field_name: str, word: str) -> Iterator[tuple[str, int]]:
            maxdist = suggestion_distance(word)
            for candidate in words_within(reader, field_name, word, maxdist):
                frequency = (view.term_bits(field_name, candidate) & view.live).bit_count()
                if frequency:
                    yield candidate, frequency

        words = suggestion_words(q)
        return did_you_mean(words, suggestion_fields(doc_type), known, candidates, thin)


__all__ = ["WhooshBackend", "words_within"]
