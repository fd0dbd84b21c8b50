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

After a commit that wrote outbox rows the outbox is drained (:func:`drain`): under gevent by
one greenlet per worker beside the request (the writer's answer does not wait for the index),
otherwise at once, inside the commit. Rows are read,
then, holding the backend's writer lock for the type, the documents are loaded fresh from the
database and written, then the rows are deleted. A crash in between only repeats work. When a
second process holds the lock past the timeout, this one gives up: the holder re-reads the
outbox after releasing the lock, so the rows are never stranded.

Search is CPU-bound Python. Under gevent (monkey-patched), :func:`run_cpu_bound` runs it in
the hub's native thread pool (``gevent.get_hub().threadpool.apply``), so the event loop keeps
serving sockets while a query runs, or while Whoosh analyses and writes what a drain loaded
(the load itself, database work, stays on the loop); otherwise it runs inline.

Layout: the vocabulary (:class:`DocType`, :class:`Document`, :class:`SearchRequest`, ...) is in
:mod:`app.search.types`, :func:`service` and :func:`search` in :mod:`app.search.service`, the
index backends in :mod:`app.search.backends`; this module re-exports what features use.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import click
from flask import Flask, current_app, has_app_context
from sqlalchemy import delete, event, insert, select
from sqlalchemy.orm import Session

from app.api import api
from app.config import Config, ConfigError
from app.db import db, utcnow
from app.plugins import registry
from app.search.api import blp
from app.search.backends.postgres import PostgresBackend
from app.search.backends.whoosh import WhooshBackend
from app.search.models import SearchOutbox
from app.search.query import THIN_RESULTS
from app.search.service import (
    EXTENSION_KEY,
    SearchService,
    gevent_patched,
    run_cpu_bound,
    search,
    service,
    spawn,
)
from app.search.types import (
    Backend,
    DocType,
    Document,
    IndexBusy,
    SearchRequest,
    SearchResult,
)

log = logging.getLogger("jam3ia.search")

DRAIN_BATCH = 500


def init_search(app: Flask) -> SearchService:
    """Set up search for ``app`` (idempotent): backend, outbox hooks, API, reindex command."""
    if EXTENSION_KEY in app.extensions:
        return service(app)
    svc = SearchService(backend=make_backend(app))
    app.extensions[EXTENSION_KEY] = svc
    _install_session_hooks()
    api.register_blueprint(blp)
    return svc


def make_backend(app: Flask) -> Backend:
    """The backend the configuration asks for (``Config.effective_search_backend``): the
    PostgreSQL one on a PostgreSQL database unless ``SEARCH_BACKEND=whoosh``, else Whoosh."""
    cfg = app.config.get("JAM3IA")
    if isinstance(cfg, Config) and cfg.effective_search_backend == "postgres":
        if not cfg.is_postgres:
            raise ConfigError("SEARCH_BACKEND=postgres needs a PostgreSQL DATABASE_URL")
        with app.app_context():
            engine = db.engine
        return PostgresBackend(engine)
    return WhooshBackend(app.instance_path)


def warm(app: Flask) -> None:
    """Load every document type's index view now (``app.wsgi``: at worker start, before
    the first user's query)."""
    svc = app.extensions.get(EXTENSION_KEY)
    if svc is None:
        return
    with app.app_context():
        for doc_type in svc.doc_types.values():
            svc.backend.warm(doc_type)


def register_doc_type(app: Flask, doc_type: DocType) -> None:
    """Declare a document type (called from a feature's ``register(app)``)."""
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
    if session.in_nested_transaction():
        # a savepoint was released (app.db.insert_once): the outbox rows are not committed
        # yet, and this transaction holds SQLite's write lock, which the drain would wait for
        return
    if not session.info.pop("search_outbox", False):
        return
    if not has_app_context() or EXTENSION_KEY not in current_app.extensions:
        return
    svc = service()
    if not svc.autodrain:
        return
    if gevent_patched():
        # The gevent server: index beside the request, not inside it, so the person who
        # wrote gets the answer without waiting for the index (and a search a moment later
        # finds it: the drainer starts as soon as this request yields).
        _drain_soon(current_app._get_current_object(), svc)  # type: ignore[attr-defined]
        return
    _drain_now()


def _drain_now() -> None:
    try:
        # Never wait for the lock here: this runs inside a person's request. The holder (a
        # drain loop, or `jam3ia reindex`, which drains when it is done) indexes our rows.
        drain(wait=False)
    except Exception:  # the rows stay in the outbox; the next drain or reindex catches up
        log.exception("search indexing failed; will retry on the next drain")


def _drain_soon(app: Flask, svc: SearchService) -> None:
    """One drainer greenlet per worker: a commit while it runs makes it go round again, so
    rows written while it indexed are not left for the next commit."""
    svc.drain_again = True
    if svc.drainer is not None and not svc.drainer.dead:
        return
    svc.drainer = spawn(_drain_while_asked, app, svc)


def _drain_while_asked(app: Flask, svc: SearchService) -> None:
    with app.app_context():
        while svc.drain_again:
            svc.drain_again = False
            _drain_now()


def _after_rollback(session: Session, _previous: Any) -> None:
    if session.in_transaction():
        return  # a savepoint rolled back: what was flushed before it may still commit
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
        with click.progressbar(length=len(ids), label=f"Indexing {name}") as bar:
            count = svc.backend.rebuild(doc_type, batches(), bar.update)
    else:
        count = svc.backend.rebuild(doc_type, batches(), lambda _n: None)
    # Commits made during the rebuild found the lock taken and left their rows: index them.
    drain()
    return count


__all__ = [
    "THIN_RESULTS",
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
