"""The in-memory view of a Whoosh index: per segment, the stored ``_meta`` of its documents
(facet values, sort name, creation time, coordinates, ACL) as bitsets and arrays
(:mod:`app.search.bitsets`), and the whole index as those segments at their offsets.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from app.search import bitsets

#: cached term postings per segment and per view (a 100k-document bitset is 12.5 kB)
TERM_CACHE_SIZE = 4_096
#: ... and at most this many bytes of bitsets per cache (a worker keeps three: the segment's
#: postings, the view's, and prefix/fuzzy expansions): 8 MB is 640 terms at 100k documents
TERM_CACHE_BYTES = 8_000_000


@dataclass
class SegmentTable:
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


def read_segment(reader: Any) -> SegmentTable:
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

    return SegmentTable(
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
class View:
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
    tables: list[tuple[SegmentTable, int]] = field(default_factory=list)
    #: (reader, table, offset) of each segment, for term postings
    leaves: list[tuple[Any, SegmentTable, int]] = field(default_factory=list)
    _terms: dict[tuple[str, str], int] = field(default_factory=dict)
    #: prefix and fuzzy expansions, as bitsets
    expansions: dict[tuple[str, str], int] = field(default_factory=dict)
    _doc_facets: dict[str, list[tuple[str, ...]]] | None = None

    @property
    def doc_facets(self) -> dict[str, list[tuple[str, ...]]]:
        """facet -> per document number, its values: one list slot per document pointing at
        a shared tuple (a few hundred distinct combinations), not a dict entry and a tuple
        per document."""
        with self._lock:
            if self._doc_facets is None:
                built: dict[str, list[tuple[str, ...]]] = {}
                for facet, values in self.facets.items():
                    per_doc: dict[int, list[str]] = {}
                    for value, bits in values.items():
                        for docnum in bitsets.iterate(bits):
                            per_doc.setdefault(docnum, []).append(value)
                    shared: dict[tuple[str, ...], tuple[str, ...]] = {}
                    column: list[tuple[str, ...]] = [()] * self.size
                    for docnum, found in per_doc.items():
                        key = tuple(found)
                        column[docnum] = shared.setdefault(key, key)
                    built[facet] = column
                self._doc_facets = built
            return self._doc_facets

    def cache_limit(self) -> int:
        """How many bitsets a term cache keeps: :data:`TERM_CACHE_BYTES` worth at this size."""
        return max(64, min(TERM_CACHE_SIZE, TERM_CACHE_BYTES // max(1, (self.size + 7) // 8)))

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
                if len(table.terms) >= self.cache_limit():
                    table.terms.clear()
                table.terms[key] = local
            bits |= local << offset
        if len(self._terms) >= self.cache_limit():
            self._terms.clear()
        self._terms[key] = bits
        return bits

    @classmethod
    def combine(cls, tables: list[tuple[SegmentTable, int]], size: int) -> View:
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


def segment_key(reader: Any) -> tuple[str, int]:
    segment = reader.segment() if hasattr(reader, "segment") else None
    if segment is None:
        return (f"reader-{id(reader)}", 0)
    return (str(segment.segment_id()), int(segment.deleted_count()))


__all__ = [
    "TERM_CACHE_BYTES",
    "TERM_CACHE_SIZE",
    "SegmentTable",
    "View",
    "read_segment",
    "segment_key",
]
