"""Wiring of the directory into the app (called by ``directory.register``)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

from app.plugins import registry


def _me_memberships(user: Any) -> dict[str, Any]:
    from directory.queries import user_memberships

    return {
        "memberships": [
            {
                "association_id": m.association_id,
                "association_name": m.association_name,
                "role": m.role,
            }
            for m in user_memberships(user.id)
        ]
    }


def setup(app: Flask) -> None:
    from app.api import api
    from app.cli import add_demo_loader
    from directory.api import blp
    from directory.cli import directory_group, load_demo_directory
    from directory.routes import bp
    from directory.search import register_search

    api.register_blueprint(blp)
    app.register_blueprint(bp)
    register_search(app)
    reg = registry(app)
    reg.me_sections.append(_me_memberships)
    reg.nav_links.append((10, "directory.index", lambda: str(_l("Directory"))))
    add_demo_loader(app, 10, "directory", load_demo_directory)
    app.cli.add_command(directory_group)
