"""Periodic jobs (``app.jobs``, ``jam3ia tick``): due or not as the clock jumps, failures
retried without stopping the others, one run per period however many ticks race."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from flask import Flask
from sqlalchemy import select

from app.db import db
from app.jobs import JobRun, register_job, run_due_jobs

T0 = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


def _names(outcomes) -> list[str]:
    return [o.name for o in outcomes]


def test_core_and_feature_jobs_are_registered(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["tick", "--list"])
    assert result.exit_code == 0, result.output
    assert "retention  every 1 day" in result.output
    assert "projects.notify_due  every 1:00:00" in result.output
    assert "never run" in result.output


def test_a_job_runs_when_due_and_once_per_period(app: Flask) -> None:
    seen: list[dt.datetime] = []
    register_job(app, "test.hourly", HOUR, lambda now: seen.append(now) or len(seen))

    assert "test.hourly" in _names(run_due_jobs(T0))  # first tick: due at once
    # not due again within its hour (the features' own jobs may run more often)
    assert "test.hourly" not in _names(run_due_jobs(T0 + dt.timedelta(minutes=1)))
    assert "test.hourly" not in _names(run_due_jobs(T0 + dt.timedelta(minutes=59)))
    assert _names(run_due_jobs(T0 + HOUR, only="test.hourly")) == ["test.hourly"]
    assert seen == [T0, T0 + HOUR]
    row = db.session.get(JobRun, "test.hourly")
    assert row.due_at == T0 + 2 * HOUR
    assert row.last_success_at == T0 + HOUR and row.last_result == "2"
    assert row.runs == 2 and row.failures == 0 and row.last_duration_ms is not None
    # a clock that jumps far ahead runs it once, not once per missed hour
    assert _names(run_due_jobs(T0 + 10 * HOUR, only="test.hourly")) == ["test.hourly"]
    assert len(seen) == 3


def test_a_failing_job_does_not_stop_the_others_and_is_retried(app: Flask) -> None:
    calls = {"flaky": 0, "steady": 0}

    def flaky(now: dt.datetime) -> str:
        calls["flaky"] += 1
        db.session.add(JobRun(name="written-by-a-failing-job", due_at=now, runs=0, failures=0))
        db.session.flush()
        if calls["flaky"] == 1:
            raise RuntimeError("mail server down")
        return "sent"

    def steady(now: dt.datetime) -> None:
        calls["steady"] += 1

    register_job(app, "test.a_flaky", dt.timedelta(days=1), flaky)
    register_job(app, "test.b_steady", dt.timedelta(days=1), steady)

    outcomes = {o.name: o for o in run_due_jobs(T0)}
    assert not outcomes["test.a_flaky"].ok
    assert "RuntimeError: mail server down" in outcomes["test.a_flaky"].result
    assert outcomes["test.b_steady"].ok and calls["steady"] == 1
    db.session.expire_all()
    failed = db.session.get(JobRun, "test.a_flaky")
    assert failed.failures == 1 and failed.last_failure_at == T0
    assert "mail server down" in failed.last_error
    assert db.session.get(JobRun, "written-by-a-failing-job") is None  # rolled back

    listing = app.test_cli_runner().invoke(args=["tick", "--list"]).output
    assert "FAILED" in listing and "mail server down" in listing

    # the next tick retries the failed job only
    outcomes = {o.name: o for o in run_due_jobs(T0 + dt.timedelta(minutes=1))}
    # (the search outbox runs every minute: the other daily ones are not due)
    assert [n for n in outcomes if n != "search_outbox"] == ["test.a_flaky"]
    assert outcomes["test.a_flaky"].ok
    assert calls == {"flaky": 2, "steady": 1}
    db.session.expire_all()
    healed = db.session.get(JobRun, "test.a_flaky")
    assert healed.last_success_at == T0 + dt.timedelta(minutes=1) and healed.last_error is None
    assert healed.due_at == T0 + dt.timedelta(days=1, minutes=1)


def test_concurrent_ticks_run_each_job_exactly_once(app: Flask) -> None:
    runs: list[str] = []
    lock = threading.Lock()

    def slow(now: dt.datetime) -> None:
        with lock:
            runs.append(threading.current_thread().name)
        time.sleep(0.2)  # still running while the other ticks try

    register_job(app, "test.slow", HOUR, slow)
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def tick() -> None:
        try:
            with app.app_context():
                start.wait()
                run_due_jobs(T0, only="test.slow")
                db.session.remove()
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=tick, name=f"tick-{i}") for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert len(runs) == 1, runs
    assert db.session.scalars(select(JobRun.runs).where(JobRun.name == "test.slow")).one() == 1


def test_tick_command_runs_due_jobs_and_reports_failures(app: Flask) -> None:
    register_job(app, "test.ok", HOUR, lambda now: "3 reminders")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["tick", "--job", "test.ok"])
    assert result.exit_code == 0, result.output
    assert "test.ok: ok in" in result.output and "3 reminders" in result.output
    assert runner.invoke(args=["tick", "--job", "test.ok"]).output == ""  # not due again

    def broken(now: dt.datetime) -> None:
        raise ValueError("boom")

    register_job(app, "test.broken", HOUR, broken)
    failed = runner.invoke(args=["tick", "--job", "test.broken"])
    assert failed.exit_code == 1 and "test.broken: FAILED (ValueError: boom)" in failed.output
    unknown = runner.invoke(args=["tick", "--job", "nope"])
    assert unknown.exit_code != 0 and "no job named 'nope'" in unknown.output


def test_register_job_refuses_duplicates_and_sub_minute_periods(app: Flask) -> None:
    register_job(app, "test.once", HOUR, lambda now: None)
    with pytest.raises(ValueError, match="twice"):
        register_job(app, "test.once", HOUR, lambda now: None)
    with pytest.raises(ValueError, match="once a minute"):
        register_job(app, "test.fast", dt.timedelta(seconds=10), lambda now: None)


def test_two_tick_processes_at_once_run_a_job_once(app: Flask, config, database_url) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("JAM3IA_", "DATABASE_URL"))}
    env.update(
        JAM3IA_ENV="testing",
        JAM3IA_INSTANCE_PATH=str(config.instance_path),
        SECRET_KEY="test-secret-key",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    command = [sys.executable, "-m", "app.cli", "tick", "--job", "projects.notify_due"]
    procs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [proc.communicate(timeout=120) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0], outputs
    ran = [out for out, _err in outputs if b"projects.notify_due: ok" in out]
    assert len(ran) == 1, outputs
    db.session.expire_all()
    assert db.session.get(JobRun, "projects.notify_due").runs == 1
