"""Accounts: users, sessions and tokens, profiles."""

from flask import Flask


def register(app: Flask) -> None:
    """Mount account pages and API."""
    from app.accounts import api, routes
    from app.accounts.avatars import register_avatars
    from app.accounts.verify import init_verification
    from app.api import api as rest_api

    init_verification(app)
    register_avatars(app)

    app.register_blueprint(routes.bp)
    rest_api.register_blueprint(api.blp)
