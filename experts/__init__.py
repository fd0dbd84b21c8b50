"""Experts: specialists who help associations for free (a question, a one-hour session, a
scoped project), requests matched to them one at a time, consultations closed and rated.

Public API: ``register(app)``. Everything else is internal; other packages never import
experts.
"""

from __future__ import annotations

import datetime as dt

from flask import Flask
from flask_babel import lazy_gettext as _l


def register(app: Flask) -> None:
    """Mount the API, the pages, the hand-over job (48 h without an answer), the data export
    section and the demo."""
    from app.api import api
    from app.cli import add_demo_loader
    from app.jobs import register_job
    from app.plugins import registry
    from experts import api as endpoints
    from experts import demo, labels, routes, services, sessions
    from experts.export import export_experts

    api.register_blueprint(endpoints.blp)
    app.register_blueprint(routes.bp)
    registry(app).nav_links.append((55, "experts.directory", lambda: str(_l("Experts"))))
    registry(app).nav_icons["experts.directory"] = "person-badge"
    registry(app).export_sections.append(export_experts)
    registry(app).expert_domain_label = lambda code: labels.label(labels.DOMAIN_LABELS, code)
    add_demo_loader(app, 55, "experts", demo.load_demo_experts)
    register_job(
        app,
        "experts.handover",
        dt.timedelta(minutes=15),
        services.expire_offers,
        "offer requests unanswered for 48 hours to the next expert",
    )
    register_job(
        app,
        "experts.session_reminders",
        dt.timedelta(minutes=15),
        sessions.remind_sessions,
        "mail both sides 24 h before a one-hour session, in each one's language",
    )


__all__ = ["register"]
