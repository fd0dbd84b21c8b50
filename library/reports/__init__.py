"""Activity reports: what an activity did (attendance counts, outputs, lessons), as PDF too.

An activity belongs to projects, a layer above library: a report only keeps the activity's id
(``activity_id``, no foreign key and no import of projects). Projects may link to a report by
calling library's public API; library never reaches up.
"""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from app.api import api
    from app.cli import add_demo_loader
    from library.reports import api as endpoints
    from library.reports import routes
    from library.reports.demo import load_demo

    api.register_blueprint(endpoints.blp)
    app.register_blueprint(routes.bp)
    add_demo_loader(app, 61, "library.reports", load_demo)
