"""Aid: households an association serves (personal fields encrypted, every read logged),
verification, duplicate adjudication, in-kind stock (an append-only ledger) and distributions
with time slots and a one-time code per entitlement.

Public API: ``register(app)``. Other packages never import aid.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l

from app.plugins import ProfileAction


def register(app: Flask) -> None:
    """Mount the API, the pages, the retention rules and the demo loader."""
    from aid import api as endpoints
    from aid import board, cli, demo, field, grievances, pages, reports, routes, services
    from aid.models import Household
    from app.api import api
    from app.cli import add_demo_loader
    from app.jobs import register_job
    from app.plugins import registry
    from app.privacy import EraseFieldsAfter, register_retention

    api.register_blueprint(endpoints.blp)
    assert pages.bp is routes.bp is field.bp  # their pages are on it before it is mounted
    app.register_blueprint(routes.bp)
    registry(app).nav_links.append((48, "aid.index", lambda: str(_l("Aid"))))
    registry(app).nav_icons["aid.index"] = "box2-heart"
    add_demo_loader(app, 48, "aid", demo.load_demo_aid)
    add_demo_loader(app, 49, "aid_board", demo.load_demo_aid_board)
    add_demo_loader(app, 50, "aid_field", demo.load_demo_aid_field)
    app.cli.add_command(cli.aid_group)
    registry(app).association_actions.append((48, _self_register_action))
    # the public needs board and what associations delivered, for campaigns and the home page
    registry(app).aid_needs = board.need_lines
    registry(app).aid_delivered = reports.delivered
    registry(app).home_counts.append(
        (48, lambda: str(_l("baskets delivered")), reports.baskets_delivered, "aid.needs")
    )
    registry(app).association_actions.append((49, _grievance_action))
    register_job(
        app,
        "aid.grievance_reminders",
        dt.timedelta(hours=1),
        grievances.remind_overdue,
        "coordinators reminded of grievances open past their due date (15 days)",
    )
    # inactive households archived after 12 months; personal fields erased 24 months after
    # the consent was given (renewing it moves ``consent_at``); the counts stay
    register_retention(app, Household, services.archive_inactive)
    register_retention(
        app,
        Household,
        EraseFieldsAfter(
            services.ERASE_AFTER_DAYS,
            "consent_at",
            ("head_name", "phone", "address", "birth_year", "phone_token", "person_token"),
        ),
    )


def _self_register_action(association_id: int, viewer: Any) -> Any:
    """ "Register my household" on an association's page, for anyone signed in."""
    if viewer is None:
        return None
    return ProfileAction(
        str(_l("Register my household")),
        url_for("aid.self_register", association_id=association_id),
        "house-add",
    )


def _grievance_action(association_id: int, _viewer: Any) -> Any:
    """ "File a grievance" about the association's aid, for anyone (visitors leave a
    contact)."""
    return ProfileAction(
        str(_l("Aid grievance")),
        url_for("aid.file_grievance", association_id=association_id),
        "megaphone",
    )


__all__ = ["register"]
