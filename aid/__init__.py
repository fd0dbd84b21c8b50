"""Aid: households an association serves (personal fields encrypted, every read logged),
verification, duplicate adjudication, in-kind stock (an append-only ledger) and distributions
with time slots and a one-time code per entitlement.

Public API: ``register(app)``. Other packages never import aid.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def register(app: Flask) -> None:
    """Mount the API, the pages, the retention rules and the demo loader."""
    from aid import api as endpoints
    from aid import demo, routes
    from aid.models import Household
    from app.api import api
    from app.cli import add_demo_loader
    from app.plugins import registry
    from app.privacy import ArchiveInactive, EraseFieldsAfter, register_retention

    api.register_blueprint(endpoints.blp)
    app.register_blueprint(routes.bp)
    registry(app).nav_links.append((48, "aid.index", lambda: str(_l("Aid"))))
    registry(app).nav_icons["aid.index"] = "box2-heart"
    add_demo_loader(app, 48, "aid", demo.load_demo_aid)
    # inactive households archived after 12 months; personal fields erased 24 months after
    # the consent was given (renewing it moves ``consent_at``); the counts stay
    register_retention(app, Household, ArchiveInactive(365, "last_active_at", "archived_at"))
    register_retention(
        app,
        Household,
        EraseFieldsAfter(
            730, "consent_at", ("head_name", "phone", "address", "birth_year", "phone_token")
        ),
    )


__all__ = ["register"]
