"""Database plumbing: the declarative base, column types and engine tuning.

SQLite is the embedded default (WAL, foreign keys, busy timeout, ``BEGIN IMMEDIATE`` so a
writer never fails half-way on a lock upgrade); PostgreSQL through psycopg 3 runs the same
models and migrations.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, Engine, MetaData, Select, event
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, registry
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 10_000
log = logging.getLogger("jam3ia.db")


def utcnow() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC datetime on every database (SQLite stores it naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:  # noqa: ARG002
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    """Declarative base of every model, with the constraint naming convention."""

    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={dt.datetime: UTCDateTime()},
    )


db = SQLAlchemy(model_class=Base)

if TYPE_CHECKING:
    #: The base class of every model, typed: ``db.Model`` is built at run time, so mypy
    #: sees ``Any`` through it; models subclass ``Model`` instead.
    Model = Base
else:
    Model = db.Model


P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def transaction() -> Iterator[None]:
    """One unit of work, committed at the edge (a view, an API endpoint, a socket event, a CLI
    command or a job): services only flush. The block commits when it ends, so pushes queued
    with ``emit_after_commit`` leave and the search outbox drains; on any exception nothing of
    it is kept."""
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()


_AFTER_COMMIT = "jam3ia_after_commit"
_AFTER_ROLLBACK = "jam3ia_after_rollback"

#: A queued step and the (sub)transaction it was queued in: a savepoint that rolls back takes
#: only its own steps with it.
Step = tuple[Any, Callable[[], object]]


def _queue(key: str, callback: Callable[[], object]) -> None:
    session_ = db.session()
    session_.connection()  # begin the transaction the callback waits for, if none is open
    current = session_.get_nested_transaction() or session_.get_transaction()
    session_.info.setdefault(key, []).append((current, callback))


def after_commit(callback: Callable[[], object]) -> None:
    """Run ``callback`` once the current transaction commits, never after a rollback or a
    close without commit: the one way to act on what a transaction keeps (mails, socket
    pushes, removing the file a row stopped naming). Callbacks run in the order queued; one
    that fails is logged and does not stop the others (the data is committed by then). A
    savepoint that rolls back drops the steps queued inside it, not the others."""
    _queue(_AFTER_COMMIT, callback)


def after_rollback(callback: Callable[[], object]) -> None:
    """Run ``callback`` once the current transaction ends without a commit (rolled back or
    closed), never after a commit: the one way to undo what a transaction did outside the
    database (removing the file stored for a row that is not kept). Callbacks run in the order
    queued; one that fails is logged and does not stop the others. Steps queued inside a
    savepoint that rolls back run then."""
    _queue(_AFTER_ROLLBACK, callback)


def _run(steps: list[Step], what: str) -> None:
    for _transaction, callback in steps:
        try:
            callback()
        except Exception:
            log.exception("an after-%s step failed: %r", what, callback)


def _inside(transaction: Any, ancestor: Any) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


def _split(session_: Any, key: str, ended: Any) -> list[Step]:
    """Take out of the queue ``key`` the steps queued inside the transaction ``ended``."""
    steps: list[Step] = session_.info.get(key, [])
    taken = [step for step in steps if _inside(step[0], ended)]
    session_.info[key] = [step for step in steps if not _inside(step[0], ended)]
    return taken


def _run_after_commit(session_: Any) -> None:
    if session_.in_nested_transaction():
        return  # a savepoint was released: the transaction around it may still roll back
    session_.info.pop(_AFTER_ROLLBACK, None)
    _run(session_.info.pop(_AFTER_COMMIT, []), "commit")


def _soft_rollback(session_: Any, previous_transaction: Any) -> None:
    # the rollback reached the first savepoint or the outermost transaction above the one that
    # ended (a failed flush ends a subtransaction of its own)
    boundary = previous_transaction
    while boundary.parent is not None and not boundary.nested:
        boundary = boundary.parent
    if boundary.nested:  # a savepoint rolled back: only what it held is undone
        _split(session_, _AFTER_COMMIT, boundary)
        _run(_split(session_, _AFTER_ROLLBACK, boundary), "rollback")
    else:
        session_.info.pop(_AFTER_COMMIT, None)


def _transaction_end(session_: Any, transaction: Any) -> None:
    # after_commit has already run what a commit allowed (and dropped the after-rollback
    # steps): whatever is left of the outermost transaction was rolled back or closed without
    # a commit
    if transaction.parent is None:
        session_.info.pop(_AFTER_COMMIT, None)
        _run(session_.info.pop(_AFTER_ROLLBACK, []), "rollback")


event.listen(Session, "after_commit", _run_after_commit)
event.listen(Session, "after_soft_rollback", _soft_rollback)
event.listen(Session, "after_transaction_end", _transaction_end)


def transactional(func: Callable[P, R]) -> Callable[P, R]:
    """:func:`transaction` around a whole endpoint (API endpoints and socket events)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction():
            return func(*args, **kwargs)

    return wrapper


def init_db(app: Flask) -> None:
    """Bind the database to ``app``; each request's session ends without losing its answer."""
    db.init_app(app)
    # Teardowns run last registered first: this one ends the session before Flask-SQLAlchemy's.
    app.teardown_appcontext(end_session)


def end_session(_error: BaseException | None = None) -> None:
    """Close the request's (or socket event's) session; a connection found dead is dropped.

    When the connection is cut after the view answered (the database restarting, a proxy
    dropping connections), closing the session rolls back on a dead connection and raises. The
    answer is already made and the rollback had nothing left to keep: raising here would make
    the server replace the answer with its bare 500. SQLAlchemy invalidates the connection (the
    pool opens a new one next time); the session is discarded.
    """
    try:
        db.session.remove()
    except SQLAlchemyError as error:
        log.warning("session end: the connection was lost: %s", error)
        db.session.registry.clear()


def tune_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, busy timeout and writes in ``BEGIN IMMEDIATE`` on SQLite."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite opens a transaction only before a write statement, and with this setting
        # opens it as BEGIN IMMEDIATE: reads outside a write hold no lock, and a transaction
        # takes the write lock as it begins, so busy_timeout queues writers instead of
        # failing them with SQLITE_BUSY when a read lock cannot be upgraded.
        dbapi_connection.isolation_level = "IMMEDIATE"
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()


def begin_write() -> None:
    """Hold the database write lock from now until the commit.

    Call it before the reads that a check depends on ("is there another admin?", "would this
    dependency make a cycle?"), so that no other writer changes what was read before this
    transaction writes. On SQLite, pysqlite opens a transaction only at the first write, so the
    reads before it ran unlocked: this opens ``BEGIN IMMEDIATE`` now. On PostgreSQL it does
    nothing: lock the rows read with :func:`for_update`.
    """
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.dbapi_connection
    if raw is not None and not raw.in_transaction:
        raw.execute("BEGIN IMMEDIATE")


def for_update(stmt: Select[Any]) -> Select[Any]:
    """``stmt`` locking the rows it reads until the commit, on both databases.

    PostgreSQL: ``SELECT ... FOR UPDATE``. SQLite locks the whole database instead: the write
    lock is taken (:func:`begin_write`) before the statement runs.
    """
    begin_write()
    return stmt.with_for_update()


def insert_once(row: Any) -> bool:
    """Add ``row`` unless a concurrent request committed its twin first and a unique key
    refuses it: True when added. The insert runs in a SAVEPOINT, so the refusal undoes only
    it (the caller then reads the twin and answers as if it had come second). The write lock
    comes first: on SQLite a SAVEPOINT that opens the transaction is its outermost one, and
    releasing it would commit the row at once, out of reach of a rollback of the rest of the
    request."""
    begin_write()
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return False
    return True


class Versioned:
    """An edit counter for optimistic concurrency (``If-Match`` or a form's hidden ``version``).

    Services that apply a person's edit call :func:`app.api.check_version` with the version the
    editor loaded, then ``bump_version``; counters and other side effects leave it alone, so a
    reply or a new member never makes an editor's form stale.
    """

    version: Mapped[int] = mapped_column(default=1, server_default="1")

    def bump_version(self) -> None:
        self.version = (self.version or 1) + 1
