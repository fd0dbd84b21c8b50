"""The ``jam3ia`` command line: run, serve, db, create-admin, seed-demo, reindex, backup,
restore, tick, rotate-data-key."""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, routes_command, shell_command, with_appcontext

from app.plugins import registry

DEMO_STATE_KEY = "demo_loaded"


def _create_app() -> Flask:
    from app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False)
def main() -> None:
    """jam3ia: the network of associations."""


main.add_command(shell_command)
main.add_command(routes_command)


class _DevServerWarningFilter(logging.Filter):
    """Drops Werkzeug's and Flask-SocketIO's "not for production" warnings (said once, ours)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (
            "This is a development server" in message
            or "Werkzeug appears to be used in a production deployment" in message
        )


@main.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--debug/--no-debug", default=False)
@with_appcontext
def run_command(host: str, port: int, debug: bool) -> None:
    """Serve pages, API and websockets in one process (development)."""
    from app.realtime import socketio

    click.echo(f" * jam3ia on http://{host}:{port}")
    click.echo(
        " * One process for development and demos; for production use `jam3ia serve` "
        '(README, "Production").'
    )
    # Werkzeug's own red "do not use it in a production deployment" alarms newcomers who run
    # the documented command; the line above says the same thing usefully.
    logging.getLogger("werkzeug").addFilter(_DevServerWarningFilter())
    current_app.logger.addFilter(_DevServerWarningFilter())
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config["JAM3IA"].env == "development":
        from app.jobs import TICK_SECONDS, start_tick_thread

        start_tick_thread(app)
        click.echo(f" * periodic jobs: a tick every {TICK_SECONDS} s (jam3ia tick for cron)")
    # Flask's CLI marks itself so that a stray app.run() is ignored; this one is meant.
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    socketio.run(
        current_app._get_current_object(),  # type: ignore[attr-defined]
        host=host,
        port=port,
        debug=debug,
        use_reloader=False,
        allow_unsafe_werkzeug=True,
        log_output=debug,
    )


@main.command("serve", context_settings={"ignore_unknown_options": True})
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option("--worker-connections", default=10_000, show_default=True, type=int)
@click.argument("gunicorn_args", nargs=-1, type=click.UNPROCESSED)
def serve_command(
    host: str, port: int, workers: int, worker_connections: int, gunicorn_args: tuple[str, ...]
) -> None:
    """Production: gunicorn with gevent workers (several need REDIS_URL)."""
    if workers > 1 and not os.environ.get("REDIS_URL"):
        raise click.UsageError("--workers above 1 needs REDIS_URL (Socket.IO message queue).")
    args = [
        sys.executable, "-m", "gunicorn",
        "--worker-class", "gevent",
        "--workers", str(workers),
        "--worker-connections", str(worker_connections),
        "--bind", f"{host}:{port}",
        "--graceful-timeout", "10",
        *gunicorn_args,
        "app.wsgi:application",
    ]  # fmt: skip
    env = dict(os.environ, JAM3IA_ASYNC_MODE="gevent")
    os.execve(sys.executable, args, env)  # noqa: S606 - replaces this process by gunicorn


@click.command("create-admin")
@click.option("--username", prompt=True)
@click.option("--email", prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def create_admin_command(username: str, email: str, password: str) -> None:
    """Create a platform administrator."""
    from app.accounts.services import make_admin
    from app.api import ApiError
    from app.db import transaction

    try:
        with transaction():
            user = make_admin(username, email, password)
    except ApiError as error:
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.fields.items())
        raise click.ClickException(f"{error.message} {details}".strip()) from error
    click.echo(f"Administrator {user.username} (id {user.id}) created.")
    if "directory.approval_queue" in current_app.view_functions:
        from app.urls import public_url

        where = public_url("directory.approval_queue")
        click.echo(f"New associations wait for approval at {where}")


@click.command("seed-demo")
@click.option("--once", is_flag=True, help="Do nothing if demo data was loaded before.")
@with_appcontext
def seed_demo_command(once: bool) -> None:
    """Load demonstration data (users, associations, forums, chats, projects)."""
    from app.accounts.models import AppState
    from app.db import db

    if once and db.session.get(AppState, DEMO_STATE_KEY) is not None:
        click.echo("Demo data already loaded.")
        return
    started = time.monotonic()
    for _order, name, loader in sorted(registry().demo_loaders, key=lambda item: item[0]):
        click.echo(f"  demo: {name}")
        loader()
    state = db.session.get(AppState, DEMO_STATE_KEY) or AppState(key=DEMO_STATE_KEY, value="1")
    db.session.add(state)
    db.session.commit()
    click.echo(f"Demo data loaded in {time.monotonic() - started:.1f} s.")


@click.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Rebuild every search index from the database."""
    reindexers = registry().reindexers
    if not reindexers:
        click.echo("Nothing is indexed yet.")
    for name, reindex in reindexers:
        count = reindex()
        click.echo(f"  {name}: {count} documents")


@click.command("send-digests")
@with_appcontext
def send_digests_command() -> None:
    """Mail each opted-in person their unread notifications of the last day (run daily)."""
    from app.db import utcnow
    from app.digest import send_digests

    click.echo(f"{send_digests(utcnow())} digest(s) sent")


@click.command("backup")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Archive to write (default: instance/backups/jam3ia-<database>-<time>.tar.gz).",
)
@with_appcontext
def backup_command(output: Path | None) -> None:
    """Archive the database (a consistent snapshot, even while serving) and the uploads."""
    from app.backup import BackupError, create_backup

    try:
        path, manifest = create_backup(current_app, output)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    rows = sum(manifest.tables.values())
    click.echo(
        f"Backup of the {manifest.database} database at migration "
        f"{', '.join(manifest.revisions) or '(none)'}: {len(manifest.tables)} tables, {rows} rows, "
        f"{len(manifest.files) - 1} uploaded files."
    )
    click.echo(str(path))


@click.command("restore")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds accounts.")
@with_appcontext
def restore_command(archive: Path, force: bool) -> None:
    """Restore ARCHIVE (from jam3ia backup) and rebuild the search index. Stop the server first."""
    from app.backup import BackupError, restore_backup

    try:
        report = restore_backup(current_app, archive, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    made = report.manifest
    click.echo(
        f"Restored the {made.database} database of {made.created_at} "
        f"({sum(made.tables.values())} rows, {report.uploads} uploaded files), "
        f"now at migration {', '.join(report.migrated_to)}."
    )
    for name, count in report.indexed.items():
        click.echo(f"  search {name}: {count} documents")


@click.command("tick")
@click.option("--list", "show", is_flag=True, help="Show the jobs and their next runs.")
@click.option("--job", "only", help="Consider only this job (still only when due).")
@with_appcontext
def tick_command(show: bool, only: str | None) -> None:
    """Run the periodic jobs that are due (cron: every minute, from any number of hosts)."""
    from app.jobs import job_schedule, run_due_jobs

    if show:
        for job, row in job_schedule():
            if row is None:
                click.echo(f"{job.name}  every {job.every}  next: at the next tick (never run)")
                continue
            state = "never run"
            if row.last_success_at and (
                row.last_failure_at is None or row.last_success_at >= row.last_failure_at
            ):
                state = f"ok {row.last_success_at:%Y-%m-%d %H:%M} ({row.last_duration_ms} ms)"
            elif row.last_failure_at:
                state = f"FAILED {row.last_failure_at:%Y-%m-%d %H:%M}: {row.last_error}"
            click.echo(
                f"{job.name}  every {job.every}  next: {row.due_at:%Y-%m-%d %H:%M} UTC  "
                f"last: {state}"
            )
        return
    if only is not None and only not in registry().jobs:
        raise click.ClickException(f"no job named {only!r} (see jam3ia tick --list)")
    failed = 0
    for outcome in run_due_jobs(only=only):
        if outcome.ok:
            click.echo(f"{outcome.name}: ok in {outcome.seconds:.2f} s {outcome.result}".rstrip())
        else:
            failed += 1
            click.echo(f"{outcome.name}: FAILED ({outcome.result}), retried next tick", err=True)
    if failed:
        raise SystemExit(1)


@click.command("rotate-data-key")
@click.option("--batch", default=500, show_default=True, type=click.IntRange(1, 100_000))
@with_appcontext
def rotate_data_key_command(batch: int) -> None:
    """Re-encrypt every personal field with the first key of JAM3IA_DATA_KEY."""
    from app.privacy import DecryptionError, rotate_data_key

    try:
        done = rotate_data_key(batch_size=batch)
    except DecryptionError as error:
        raise click.ClickException(str(error)) from error
    if not done:
        click.echo("No model has encrypted fields.")
    for table, count in done.items():
        click.echo(f"  {table}: {count} rows re-encrypted")
    click.echo("Done: keys after the first can now be removed from JAM3IA_DATA_KEY.")


def add_demo_loader(app: Flask, order: int, name: str, loader: Any) -> None:
    """Register a demo data loader for ``jam3ia seed-demo`` (lower ``order`` runs first)."""
    registry(app).demo_loaders.append((order, name, loader))


def register_commands(app: Flask) -> None:
    """Put the core commands on ``app.cli`` (``jam3ia`` finds them there, as tests do)."""
    from app.demo import load_demo_users

    for command in (
        create_admin_command,
        seed_demo_command,
        reindex_command,
        backup_command,
        restore_command,
        tick_command,
        rotate_data_key_command,
        send_digests_command,
    ):
        app.cli.add_command(command)

    add_demo_loader(app, 0, "people", load_demo_users)


if __name__ == "__main__":  # python -m app.cli ... (what the scale tests start)
    main()
