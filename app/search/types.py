"""The search vocabulary: what a feature declares (:class:`DocType`, :class:`Document`), what
a search asks and answers (:class:`SearchRequest`, :class:`SearchResult`) and what an index
backend provides (:class:`Backend`, :class:`IndexBusy`).

The leaf of :mod:`app.search`: it imports nothing from the package, everything else imports
it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.orm import Session


@dataclass
class Document:
    """What one object puts in the index."""

    id: int
    text: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    facets: dict[str, list[str]] = field(default_factory=dict)
    sort_name: str = ""
    created: float = 0.0
    geo: tuple[float, float] | None = None
    acl: tuple[str, ...] = ("public",)


@dataclass
class DocType:
    name: str
    load: Callable[[Session, Sequence[int]], dict[int, Document]]
    all_ids: Callable[[Session], Iterable[int]]
    text_fields: dict[str, float] = field(default_factory=dict)
    name_fields: dict[str, float] = field(default_factory=dict)
    facets: tuple[str, ...] = ()
    principals: Callable[[Any], Iterable[str]] | None = None
    watch: tuple[tuple[type, Callable[[Any], Iterable[int]]], ...] = ()
    #: ids -> {id: {"title", "url", "snippet"}} for the generic search API's hits
    describe: Callable[[Sequence[int]], dict[int, dict[str, str]]] | None = None


@dataclass
class SearchRequest:
    q: str = ""
    #: facet -> accepted values (OR within a facet, AND across facets)
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: facets to count; each count applies every active filter except its own facet's
    facets: tuple[str, ...] = ()
    sort: str = "relevance"  # relevance | name | newest | distance
    near: tuple[float, float] | None = None
    radius_km: float | None = None
    page: int = 1
    per_page: int = 20
    principals: frozenset[str] = frozenset({"public"})
    #: last word is a prefix (search as you type)
    prefix: bool = True


@dataclass
class SearchResult:
    ids: list[int]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None
    distances: dict[int, float] = field(default_factory=dict)
    #: True when the words matched only with typo tolerance
    fuzzy: bool = False


class IndexBusy(RuntimeError):
    """Another process holds the index writer lock past the timeout."""


class Backend(Protocol):
    """What an index backend provides (:mod:`app.search.backends.whoosh`,
    :mod:`app.search.backends.postgres`)."""

    #: searching is Python work (run off the gevent loop) rather than waiting on a database
    cpu_bound: bool

    def write(
        self,
        doc_type: DocType,
        ids: Sequence[int],
        load: Callable[[Sequence[int]], dict[int, Document]],
        wait: bool = True,
    ) -> None:
        """Holding the writer lock: ``load(ids)``, upsert those documents, delete the others.

        Raises :class:`IndexBusy` if the lock cannot be taken in time (at once when ``wait``
        is false)."""

    def rebuild(
        self, doc_type: DocType, batches: Iterable[list[Document]], progress: Callable[[int], None]
    ) -> int:
        """Replace the whole index of ``doc_type``; returns the number of documents."""

    def warm(self, doc_type: DocType) -> None:
        """Load what the first search of ``doc_type`` would (called at worker start)."""

    def search(self, doc_type: DocType, request: SearchRequest) -> SearchResult: ...

    def count(self, doc_type: DocType) -> int: ...


__all__ = ["Backend", "DocType", "Document", "IndexBusy", "SearchRequest", "SearchResult"]
