"""The generic search framework: document types, the outbox, the indexer and the service.

A feature declares what it indexes with a :class:`DocType` and ``register_doc_type(app, ...)``:

- ``text_fields`` (analyzed with :func:`app.search.analysis.analyze`) and ``name_fields``
  (names and titles: full text plus the cross-script skeleton key and a spelling field for
  did-you-mean), each with a boost;
- ``facets``: keyword values (one or several per document) used for filters and counts;
- ``load(session, ids) -> {id: Document}``: the documents to index for those ids. An id that
  is missing from the answer is removed from the index: this is where visibility starts (e.g.
  only *approved* associations are returned, posts of hidden topics are not);
- ``all_ids(session)``: every id to index, for ``jam3ia reindex``;
- ``principals(actor)``: the access-control values an actor may see besides ``"public"``, for
  documents that are not public (``Document.acl``), applied inside the search, so counts are
  right;
- ``watch``: ``(Model, fn(obj) -> ids)`` pairs: every flush that inserts, updates or deletes
  such an object writes outbox rows for those ids *in the same transaction*. Services may
  also call :func:`enqueue` explicitly.

After a commit that wrote outbox rows the outbox is drained (:func:`drain`): rows are read,
then, holding the backend's writer lock for the type, the documents are loaded fresh from the
database and written, then the rows are deleted. A crash in between only repeats work. When a
second process holds the lock past the timeout, this one gives up: the holder re-reads the
outbox after releasing the lock, so the rows are never stranded.

Search is CPU-bound Python. Under gevent (monkey-patched), :func:`run_cpu_bound` runs it in
the hub's native thread pool (``gevent.get_hub().threadpool.apply``), so the event loop keeps
serving sockets while a query runs; otherwise it runs inline.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from flask import Flask, current_app, has_app_context
from sqlalchemy import delete, event, insert, select
from sqlalchemy.orm import Session

from app.db import db, utcnow
from app.search.models import SearchOutbox

log = logging.getLogger("jam3ia.search")

EXTENSION_KEY = "jam3ia_search"
DRAIN_BATCH = 500
T = TypeVar("T")


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
    """What an index backend provides (:mod:`app.search.whoosh_backend`,
    :mod:`app.search.postgres_backend`)."""

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

    def search(self, doc_type: DocType, request: SearchRequest) -> SearchResult: ...

    def count(self, doc_type: DocType) -> int: ...


@dataclass
class SearchService:
    backend: Backend
    doc_types: dict[str, DocType] = field(default_factory=dict)
    #: drain the outbox right after each commit that wrote to it
    autodrain: bool = True
    watchers: dict[type, list[tuple[str, Callable[[Any], Iterable[int]]]]] = field(
        default_factory=dict
    )


def service(app: Flask | None = None) -> SearchService:
    target = app or current_app
    svc: SearchService = target.extensions[EXTENSION_KEY]
    return svc


def init_search(app: Flask) -> SearchService:
    """Set up search for ``app`` (idempotent): backend, outbox hooks, API, reindex command."""
    if EXTENSION_KEY in app.extensions:
        return service(app)
    svc = SearchService(backend=make_backend(app))
    app.extensions[EXTENSION_KEY] = svc
    _install_session_hooks()
    from app.api import api
    from app.search.api import blp

    api.register_blueprint(blp)
    return svc


def make_backend(app: Flask) -> Backend:
    """The backend the configuration asks for (``Config.effective_search_backend``): the
    PostgreSQL one on a PostgreSQL database unless ``SEARCH_BACKEND=whoosh``, else Whoosh."""
    from app.config import Config, ConfigError

    cfg = app.config.get("JAM3IA")
    if isinstance(cfg, Config) and cfg.effective_search_backend == "postgres":
        if not cfg.is_postgres:
            raise ConfigError("SEARCH_BACKEND=postgres needs a PostgreSQL DATABASE_URL")
        from app.search.postgres_backend import PostgresBackend

        with app.app_context():
            engine = db.engine
        return PostgresBackend(engine)
    from app.search.whoosh_backend import WhooshBackend

    return WhooshBackend(app.instance_path)


def register_doc_type(app: Flask, doc_type: DocType) -> None:
    """Declare a document type (called from a feature's ``register(app)``)."""
    from app.plugins import registry

    svc = init_search(app)
    svc.doc_types[doc_type.name] = doc_type
    for model, fn in doc_type.watch:
        svc.watchers.setdefault(model, []).append((doc_type.name, fn))

    def _reindex() -> int:
        return reindex(doc_type.name, show_progress=True)

    registry(app).reindexers.append((doc_type.name, _reindex))


# --- outbox -------------------------------------------------------------------------------


def enqueue(doc_type: str, ids: Iterable[int], session: Any = None) -> None:
    """Write outbox rows for ``ids`` in the session's current transaction (caller commits)."""
    rows = [{"doc_type": doc_type, "doc_id": int(i), "created_at": utcnow()} for i in set(ids)]
    if not rows:
        return
    sess = session if session is not None else db.session
    sess.execute(insert(SearchOutbox), rows)
    sess.info["search_outbox"] = True


_hooks_installed = False


def _install_session_hooks() -> None:
    global _hooks_installed
    if _hooks_installed:
        return
    _hooks_installed = True
    target = db.session
    event.listen(target, "after_flush", _after_flush)
    event.listen(target, "after_commit", _after_commit)
    event.listen(target, "after_soft_rollback", _after_rollback)


def _after_flush(session: Session, _context: Any) -> None:
    if not has_app_context() or EXTENSION_KEY not in current_app.extensions:
        return
    watchers = service().watchers
    if not watchers:
        return
    pending: dict[str, set[int]] = {}
    dirty = set(session.dirty)
    for obj in (*session.new, *dirty, *session.deleted):
        for model in type(obj).__mro__:
            for name, fn in watchers.get(model, ()):
                if obj in dirty and not session.is_modified(obj):
                    continue
                pending.setdefault(name, set()).update(i for i in fn(obj) if i is not None)
    rows = [
        {"doc_type": name, "doc_id": int(i), "created_at": utcnow()}
        for name, ids in pending.items()
        for i in ids
    ]
    if rows:
        session.connection().execute(insert(SearchOutbox), rows)
        session.info["search_outbox"] = True


def _after_commit(session: Session) -> None:
    if not session.info.pop("search_outbox", False):
        return
    if not has_app_context() or EXTENSION_KEY not in current_app.extensions:
        return
    if not service().autodrain:
        return
    try:
        # Never wait for the lock here: this runs inside a person's request. The holder (a
        # drain loop, or `jam3ia reindex`, which drains when it is done) indexes our rows.
        drain(wait=False)
    except Exception:  # the rows stay in the outbox; the next drain or reindex catches up
        log.exception("search indexing failed; will retry on the next drain")


def _after_rollback(session: Session, _previous: Any) -> None:
    session.info.pop("search_outbox", None)


# --- indexer ------------------------------------------------------------------------------


def drain(app: Flask | None = None, batch: int = DRAIN_BATCH, wait: bool = True) -> int:
    """Index what the outbox holds, in batches; returns the number of rows processed.

    Safe with several processes: see the module docstring. With ``wait`` false it gives up at
    once when another process holds the lock (which then indexes these rows too)."""
    svc = service(app)
    engine = db.engine
    done = 0
    while True:
        with Session(engine) as outbox:
            rows = outbox.execute(
                select(SearchOutbox.id, SearchOutbox.doc_type, SearchOutbox.doc_id)
                .order_by(SearchOutbox.id)
                .limit(batch)
            ).all()
        if not rows:
            return done
        by_type: dict[str, list[int]] = {}
        for _row_id, name, doc_id in rows:
            by_type.setdefault(name, []).append(doc_id)
        for name, ids in by_type.items():
            doc_type = svc.doc_types.get(name)
            if doc_type is None:
                continue
            unique = sorted(set(ids))
            try:
                svc.backend.write(doc_type, unique, _loader(doc_type), wait=wait)
            except IndexBusy:
                log.info("search index %s busy: the lock holder will index the rest", name)
                return done
        with Session(engine) as outbox:
            outbox.execute(delete(SearchOutbox).where(SearchOutbox.id.in_([r[0] for r in rows])))
            outbox.commit()
        done += len(rows)


def _loader(doc_type: DocType) -> Callable[[Sequence[int]], dict[int, Document]]:
    def load(ids: Sequence[int]) -> dict[int, Document]:
        with Session(db.engine) as session:
            return doc_type.load(session, ids)

    return load


def reindex(name: str, show_progress: bool = False, batch: int = 1000) -> int:
    """Rebuild the index of one document type from the database."""
    svc = service()
    doc_type = svc.doc_types[name]
    with Session(db.engine) as session:
        ids = list(doc_type.all_ids(session))

    def batches() -> Iterable[list[Document]]:
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            with Session(db.engine) as session:
                docs = doc_type.load(session, chunk)
            yield [docs[i] for i in chunk if i in docs]

    if show_progress:
        import click

        with click.progressbar(length=len(ids), label=f"Indexing {name}") as bar:
            count = svc.backend.rebuild(doc_type, batches(), bar.update)
    else:
        count = svc.backend.rebuild(doc_type, batches(), lambda _n: None)
    # Commits made during the rebuild found the lock taken and left their rows: index them.
    drain()
    return count


# --- searching ----------------------------------------------------------------------------


def _gevent_patched() -> bool:
    import sys

    if "gevent" not in sys.modules:  # gevent patches before anything else imports it
        return False
    from gevent import monkey

    return bool(monkey.is_module_patched("threading"))


def run_cpu_bound(fn: Callable[..., T], *args: Any) -> T:
    """Run ``fn(*args)`` off the gevent event loop when gevent has patched threading."""
    if _gevent_patched():
        import gevent

        result: T = gevent.get_hub().threadpool.apply(fn, args)
        return result
    return fn(*args)


def search(doc_type: str, request: SearchRequest, actor: Any = None) -> SearchResult:
    """Search one document type, with the actor's principals applied."""
    svc = service()
    dt = svc.doc_types[doc_type]
    principals = {"public"}
    if dt.principals is not None and actor is not None:
        principals.update(dt.principals(actor))
    request.principals = frozenset(principals)
    if svc.backend.cpu_bound:
        return run_cpu_bound(svc.backend.search, dt, request)
    return svc.backend.search(dt, request)


__all__ = [
    "Backend",
    "DocType",
    "Document",
    "IndexBusy",
    "SearchRequest",
    "SearchResult",
    "SearchService",
    "drain",
    "enqueue",
    "init_search",
    "make_backend",
    "register_doc_type",
    "reindex",
    "run_cpu_bound",
    "search",
    "service",
]
