"""Offers: the "J'offre gratuitement" board (free offers and blood donation requests).

Public API: ``register(app)`` and ``NAMESPACE`` (``/offers``). Everything else is internal;
other packages never import offers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l

from app.plugins import ProfileAction
from directory import membership_role
from offers.live import NAMESPACE


def _megabytes(count: int) -> Callable[[], int]:
    return lambda: count * 1024 * 1024


def register(app: Flask) -> None:
    """Mount the API, the pages, the ``/offers`` namespace, the search type, the periodic
    jobs (expiry, queue release, lotteries, purge) and the demo loader."""
    from app.api import api
    from app.cli import add_demo_loader
    from app.jobs import register_job
    from app.plugins import registry
    from app.realtime import socketio
    from offers import api as endpoints
    from offers import claims, demo, routes, search, services
    from offers.events import OffersNamespace

    api.register_blueprint(endpoints.blp)
    # phone photos: three in the composer, one per API call (each at most 6 MB)
    registry(app).upload_limits["offers.compose"] = _megabytes(20)
    registry(app).upload_limits["offers_api.add_image"] = _megabytes(7)
    app.register_blueprint(routes.bp)
    socketio.on_namespace(OffersNamespace(NAMESPACE))
    search.register(app)
    registry(app).nav_links.append((45, "offers.feed", lambda: str(_l("Offers"))))
    registry(app).nav_icons["offers.feed"] = "gift"
    add_demo_loader(app, 45, "offers", demo.load_demo_offers)
    registry(app).association_actions.append((40, _referral_action))
    register_job(
        app,
        "offers.expire",
        dt.timedelta(minutes=10),
        services.expire,
        "end offers past their date",
    )
    register_job(
        app,
        "offers.queue",
        dt.timedelta(minutes=2),
        services.release_queue,
        "publish posts that waited for capacity",
    )
    register_job(
        app,
        "offers.lottery",
        dt.timedelta(minutes=10),
        claims.run_lotteries,
        "draw offers whose fair-chance window passed",
    )
    register_job(
        app,
        "offers.purge",
        dt.timedelta(hours=6),
        services.purge,
        "forget ended offers after 30 days, keeping the counts",
    )


def _referral_action(association_id: int, viewer: Any) -> Any:
    """The "known to us" codes button of an association's page, for its administrators."""

    if viewer is None or membership_role(getattr(viewer, "id", None), association_id) != "admin":
        return None
    return ProfileAction(
        str(_l("\u201cKnown to us\u201d codes")),
        url_for("offers.referrals", association_id=association_id),
        "patch-check",
    )
