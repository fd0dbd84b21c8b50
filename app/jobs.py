"""Periodic jobs: features register them, ``jam3ia tick`` (cron, every minute) runs those due.

Nothing relies on a process that stays up. Each job has a row in ``job_runs`` with its next
due time; a tick *claims* a due job with one ``UPDATE job_runs SET due_at = now + every ...
WHERE name = :name AND due_at <= now`` committed in its own transaction, and runs it only if
that update changed the row. Ticks started at once on several hosts therefore run each job once
per period, on SQLite (the update takes the write lock) and PostgreSQL (the second update waits
on the row lock, then finds it no longer due). A job that fails is logged, recorded and due
again at once (retried by the next tick); it never stops the others. A tick that dies while a
job runs leaves it claimed until its next period.

The clock is a parameter (``run_due_jobs(now=...)``) so tests jump it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask
from sqlalchemy import Integer, String, Text, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Model, db, utcnow
from app.digest import send_digests
from app.plugins import registry
from app.privacy import run_retention
from app.search.framework import drain

__all__ = [
    "Job",
    "JobOutcome",
    "JobRun",
    "register_job",
    "run_due_jobs",
    "start_tick_thread",
]

log = logging.getLogger("jam3ia.jobs")

#: What a job returns is kept (shortened) as its last result, for ``jam3ia tick --list``.
MAX_RESULT = 200
TICK_SECONDS = 60


@dataclass(frozen=True)
class Job:
    name: str
    every: dt.timedelta
    fn: Callable[[dt.datetime], Any]
    description: str = ""


@dataclass(frozen=True)
class JobOutcome:
    name: str
    ok: bool
    result: str
    seconds: float


class JobRun(Model):
    """The schedule and last outcome of one periodic job."""

    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    due_at: Mapped[dt.datetime]
    last_started_at: Mapped[dt.datetime | None]
    last_success_at: Mapped[dt.datetime | None]
    last_failure_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    last_result: Mapped[str | None] = mapped_column(String(MAX_RESULT))
    last_duration_ms: Mapped[int | None] = mapped_column(Integer)
    runs: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)


def register_job(
    app: Flask,
    name: str,
    every: dt.timedelta,
    fn: Callable[[dt.datetime], Any],
    description: str = "",
) -> None:
    """Register a periodic job (from a feature's ``register(app)``).

    ``fn(now)`` runs in an app context with the database session; the tick commits after it
    (or rolls back if it raises). It must be idempotent: it runs at most once per ``every``
    across all hosts, but a failure is retried.
    """
    if every < dt.timedelta(minutes=1):
        raise ValueError("a job runs at most once a minute (cron runs jam3ia tick every minute)")
    jobs: dict[str, Job] = registry(app).jobs
    if name in jobs:
        raise ValueError(f"job {name!r} is registered twice")
    jobs[name] = Job(name, every, fn, description)


def _jobs() -> list[Job]:
    jobs: dict[str, Job] = registry().jobs
    return [jobs[name] for name in sorted(jobs)]


def _ensure_rows(jobs: list[Job], now: dt.datetime) -> None:
    """A schedule row for each job (due at once), created by whichever tick comes first."""
    known = set(db.session.scalars(select(JobRun.name)))
    missing = [{"name": job.name, "due_at": now} for job in jobs if job.name not in known]
    if not missing:
        db.session.rollback()  # end the read transaction
        return
    dialect = db.session.get_bind().dialect.name
    insert_fn: Any = pg_insert if dialect == "postgresql" else sqlite_insert
    for values in missing:
        row = {"runs": 0, "failures": 0, **values}
        stmt = insert_fn(JobRun).values(**row).on_conflict_do_nothing(index_elements=["name"])
        db.session.execute(stmt)
    db.session.commit()


def _claim(job: Job, now: dt.datetime) -> bool:
    """Take the job for this period if it is due; committed at once so others see it."""
    result = db.session.execute(
        update(JobRun)
        .where(JobRun.name == job.name, JobRun.due_at <= now)
        .values(due_at=now + job.every, last_started_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return bool(getattr(result, "rowcount", 0) == 1)


def _record(job: Job, now: dt.datetime, ok: bool, text: str, millis: int) -> None:
    values: dict[str, Any] = {"last_duration_ms": millis, "runs": JobRun.runs + 1}
    if ok:
        values.update(last_success_at=now, last_result=text[:MAX_RESULT], last_error=None)
    else:
        # due again at once: the next tick retries it
        values.update(
            last_failure_at=now,
            last_error=text[:4000],
            failures=JobRun.failures + 1,
            due_at=now,
        )
    db.session.execute(
        update(JobRun)
        .where(JobRun.name == job.name)
        .values(values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def run_due_jobs(now: dt.datetime | None = None, only: str | None = None) -> list[JobOutcome]:
    """Run every registered job that is due at ``now`` (default: the current time).

    Needs an app context; ends the session's transaction first (call it with nothing pending)
    and commits after each job. Returns the outcome of each job this call ran (others may have
    run elsewhere). Exceptions of a job are caught, logged and recorded.
    """
    when = now or utcnow()
    jobs = [job for job in _jobs() if only is None or job.name == only]
    db.session.rollback()  # start from a clean session: each claim is its own transaction
    _ensure_rows(jobs, when)
    outcomes: list[JobOutcome] = []
    for job in jobs:
        if not _claim(job, when):
            continue
        started = time.monotonic()
        try:
            result = job.fn(when)
            db.session.commit()
        except Exception as error:
            db.session.rollback()
            log.exception("job %s failed", job.name)
            ok, text = False, f"{type(error).__name__}: {error}"
        else:
            ok, text = True, "" if result is None else str(result)
        seconds = time.monotonic() - started
        _record(job, when, ok, text, round(seconds * 1000))
        outcomes.append(JobOutcome(job.name, ok, text, seconds))
    return outcomes


def job_schedule() -> list[tuple[Job, JobRun | None]]:
    """Each registered job with its schedule row (``None`` before its first tick)."""
    rows = {row.name: row for row in db.session.scalars(select(JobRun))}
    return [(job, rows.get(job.name)) for job in _jobs()]


def start_tick_thread(app: Flask, seconds: int = TICK_SECONDS) -> threading.Thread:
    """Development (``jam3ia run``): tick every ``seconds`` in a daemon thread."""

    def loop() -> None:
        while True:
            time.sleep(seconds)
            try:
                with app.app_context():
                    run_due_jobs()
                    db.session.remove()
            except Exception:  # a locked or restarting database: try again next minute
                log.exception("background tick failed")

    thread = threading.Thread(target=loop, name="jam3ia-tick", daemon=True)
    thread.start()
    return thread


def register_core_jobs(app: Flask) -> None:
    """The core's own jobs: the search outbox every minute (what a failed drain or an index
    migration left); retention rules and the opted-in digests, daily."""

    register_job(
        app,
        "search_outbox",
        dt.timedelta(minutes=1),
        lambda _now: drain(),
        "index what the search outbox still holds",
    )

    register_job(
        app,
        "retention",
        dt.timedelta(days=1),
        run_retention,
        "apply the retention rules of personal data",
    )
    register_job(
        app,
        "send_digests",
        dt.timedelta(days=1),
        send_digests,
        "mail the opted-in people their unread notifications of the last day",
    )
