"""Aid: households an association serves (personal fields encrypted, every read logged),
verification, duplicate adjudication, in-kind stock (an append-only ledger) and distributions
with time slots and a one-time code per entitlement.

Public API: ``register(app)``. Other packages never import aid.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l

from app.plugins import ProfileAction


def register(app: Flask) -> None:
    """Mount the API, the pages, the retention rules and the demo loader."""
    from aid import api as endpoints
    from aid import demo, routes, services
    from aid.models import Household
    from app.api import api
    from app.cli import add_demo_loader
    from app.plugins import registry
    from app.privacy import EraseFieldsAfter, register_retention

    api.register_blueprint(endpoints.blp)
    app.register_blueprint(routes.bp)
    registry(app).nav_links.append((48, "aid.index", lambda: str(_l("Aid"))))
    registry(app).nav_icons["aid.index"] = "box2-heart"
    add_demo_loader(app, 48, "aid", demo.load_demo_aid)
    registry(app).association_actions.append((48, _self_register_action))
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


__all__ = ["register"]
