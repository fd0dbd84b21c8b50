"""Knowledge pages: network-wide and per-association Markdown pages with append-only revisions."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from app.api import api
    from app.cli import add_demo_loader
    from app.plugins import registry
    from library.knowledge import api as endpoints
    from library.knowledge import routes, search, services
    from library.knowledge.demo import load_demo

    api.register_blueprint(endpoints.blp)
    app.register_blueprint(routes.bp)
    search.register(app)
    add_demo_loader(app, 60, "library.knowledge", load_demo)
    registry(app).publish_knowledge = services.publish
    registry(app).unpublish_knowledge = services.unpublish
