"""Projects: shared timelines between associations (milestones, activities, calendars).

Public API: ``register(app)`` and ``NAMESPACE`` (``/projects``). Everything else is internal;
other packages never import projects.
"""

from __future__ import annotations

import datetime as dt

import click
from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.db import db, transaction, utcnow
from app.jobs import register_job
from projects.feeds import drop_feed_of
from projects.models import NAMESPACE, ProjectComment
from projects.services import notify_due


def register(app: Flask) -> None:
    """Mount the API, the pages, the ``/projects`` namespace, the CLI and the demo loader."""
    from app.api import api
    from app.cli import add_demo_loader
    from app.plugins import registry
    from app.realtime import guard_rooms, socketio
    from app.signals import membership_changed, password_changed, user_erased
    from projects import api as endpoints
    from projects import demo, routes
    from projects.access import may_watch
    from projects.events import ProjectsNamespace, drop_lost_watchers
    from projects.home import register_home
    from projects.search import register_search

    api.register_blueprint(endpoints.blp)
    app.register_blueprint(routes.bp)
    socketio.on_namespace(ProjectsNamespace(NAMESPACE))
    guard_rooms(app, "project:", may_watch)
    membership_changed.connect(drop_lost_watchers, weak=False)
    password_changed.connect(_drop_feed, weak=False)
    user_erased.connect(_drop_feed, weak=False)
    registry(app).export_sections.append(_export_comments)
    registry(app).nav_links.append((40, "projects.list_projects", lambda: str(_l("Projects"))))
    registry(app).nav_icons["projects.list_projects"] = "kanban"
    register_home(registry(app))
    add_demo_loader(app, 40, "projects", demo.load_demo_projects)
    register_search(app)
    register_job(
        app,
        "projects.notify_due",
        dt.timedelta(hours=1),
        _notify_due_job,
        "notify members of milestones that became overdue",
    )

    @app.cli.command("notify-due")
    def notify_due_command() -> None:
        """Notify members of milestones that became overdue (run daily from cron)."""
        count = _notify_due_job(utcnow())
        click.echo(f"{count} newly overdue milestone(s) notified.")


def _notify_due_job(now: dt.datetime) -> int:
    """The ``projects.notify_due`` periodic job (also ``jam3ia notify-due``): one transaction,
    so the notifications and the ``overdue_notified_at`` marks are kept together or not at all
    (and their pushes leave after the commit)."""

    with transaction():
        return len(notify_due(on=now.date()))


def _export_comments(user: object) -> dict[str, object]:
    """The person's project comments, for their data export."""

    rows = db.session.scalars(
        select(ProjectComment)
        .where(ProjectComment.author_id == getattr(user, "id", None))
        .order_by(ProjectComment.id)
    )
    return {
        "project_comments": [
            {"project_id": c.project_id, "body": c.body, "created_at": c.created_at} for c in rows
        ]
    }


def _drop_feed(_sender: object, user_id: int, **_kw: object) -> None:
    """A new password (or an erased account) ends the personal calendar feed's secret URL."""

    drop_feed_of(user_id)


__all__ = ["NAMESPACE", "register"]
