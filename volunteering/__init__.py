"""Volunteering: volunteer profiles, opportunities with roles and shifts, applications,
sign-ups, check-in/out, hours and certificates (issue 21, the volunteering half).

Public API: ``register(app)``. Everything else is internal; other packages never import
volunteering.
"""

from __future__ import annotations

import datetime as dt

from flask import Flask
from flask_babel import lazy_gettext as _l


def register(app: Flask) -> None:
    """Mount the API, the pages, the ``opportunities`` search type, the periodic jobs (closing,
    application reminders and polite declines) and the demo loader."""
    from app.api import api
    from app.cli import add_demo_loader
    from app.jobs import register_job
    from app.plugins import registry
    from volunteering import api as endpoints
    from volunteering import caravan_demo, demo, routes, search, services

    api.register_blueprint(endpoints.blp)
    app.register_blueprint(routes.bp)
    search.register(app)
    registry(app).nav_links.append((47, "volunteering.listing", lambda: str(_l("Volunteering"))))
    registry(app).nav_icons["volunteering.listing"] = "people"
    add_demo_loader(app, 47, "volunteering", demo.load_demo_volunteering)
    add_demo_loader(app, 48, "caravans", caravan_demo.load_demo_caravans)
    register_job(
        app,
        "volunteering.close",
        dt.timedelta(hours=1),
        services.close_stale,
        "close opportunities past their end date or 90 days without activity",
    )
    register_job(
        app,
        "volunteering.applications",
        dt.timedelta(hours=1),
        services.remind_and_decline,
        "remind coordinators of applications unanswered for 7 days, decline after 14",
    )
    register_job(
        app,
        "volunteering.shift_reminders",
        dt.timedelta(minutes=15),
        services.remind_shifts,
        "remind volunteers 48 h and 24 h before their shift, with one-click cancel",
    )
