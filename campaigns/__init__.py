"""Campaigns: public appeals hosted by approved associations (Moroccan law 18-18): an
authorisation, a bank account, contributions confirmed by the bank statement or by two
people, expenses approved by four eyes, a computed ledger and a final report from it and from
what aid delivered.

Public API: ``register(app)``. Everything else is internal; other packages never import
campaigns.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def register(app: Flask) -> None:
    """Mount the API, the pages, the demo and the contributor's part of the data export."""
    from app.api import api
    from app.cli import add_demo_loader
    from app.plugins import registry
    from campaigns import api as endpoints
    from campaigns import demo, export, pages, routes  # noqa: F401 (pages: its views)

    api.register_blueprint(endpoints.blp)
    app.register_blueprint(routes.bp)  # with the host's pages (``pages`` mounts on it)
    registry(app).nav_links.append((58, "campaigns.index", lambda: str(_l("Campaigns"))))
    registry(app).nav_icons["campaigns.index"] = "piggy-bank"
    add_demo_loader(app, 58, "campaigns", demo.load_demo_campaigns)
    registry(app).export_sections.append(export.export_contributions)
    registry(app).export_files.append(export.export_receipts)


__all__ = ["register"]
