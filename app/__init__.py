"""jam3ia's core: the application factory and the ground floor every feature stands on."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from importlib import import_module
from pathlib import Path
from typing import Any

from flask import Flask, g, request
from flask_migrate import Migrate
from sqlalchemy.exc import InterfaceError, OperationalError, PendingRollbackError

from app.config import Config

#: Feature packages, in dependency order; each exposes ``register(app)``.
FEATURES = (
    "directory",
    "library",
    "forums",
    "messaging",
    "projects",
    "offers",
    "aid",
    "volunteering",
    "experts",
    "campaigns",
)

migrate = Migrate()
log = logging.getLogger("jam3ia")


def create_app(config: Config | Mapping[str, Any] | None = None) -> Flask:
    """Build a jam3ia application.

    ``config`` is a :class:`Config`, a mapping of ``Config`` fields, or ``None`` to read the
    environment.
    """
    if config is None:
        cfg = Config.from_env()
    elif isinstance(config, Config):
        cfg = config
    else:
        cfg = Config.from_env(**dict(config))
    from app.storage import check_instance_writable

    check_instance_writable(cfg.instance_path)

    app = Flask(__name__, instance_path=str(cfg.instance_path))
    from app.api import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route: ids bounded everywhere
    app.config.from_mapping(cfg.flask_settings())
    if cfg.proxy_count:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=cfg.proxy_count, x_proto=cfg.proxy_count
        )

    from app import core, i18n, limits, realtime, security
    from app.accounts import auth
    from app.accounts import register as register_accounts
    from app.api import api, refuse_deep_json
    from app.db import db, init_db, tune_sqlite
    from app.plugins import init_registry

    init_registry(app)
    init_db(app)
    with app.app_context():
        tune_sqlite(db.engine)
    migrate.init_app(
        app, db, directory=str(_migrations_dir()), render_as_batch=True, compare_type=True
    )
    limits.init_limits(app)
    security.init_security(app)
    i18n.init_i18n(app)
    api.init_app(app)
    realtime.init_realtime(app)

    @app.before_request
    def _identify() -> None:
        g.user = None
        auth.load_actor()
        if request.routing_exception is not None:
            return  # 404/405 follows; nothing runs that a forged form could trigger
        if security.csrf_required():
            security.csrf.protect()
        refuse_deep_json()

    app.register_blueprint(core.bp)
    register_accounts(app)
    from app import notifications
    from app.jobs import register_core_jobs

    notifications.register(app)
    register_core_jobs(app)
    _register_templates(app)
    for name in FEATURES:
        import_module(name).register(app)
    _register_error_pages(app)

    from app.cli import register_commands

    register_commands(app)
    return app


def _migrations_dir() -> Any:
    return Path(__file__).resolve().parent / "migrations"


def _register_templates(app: Flask) -> None:
    from app.markdown import render_markdown
    from app.plugins import registry
    from app.text import initials
    from app.urls import public_url

    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["initials"] = initials
    app.jinja_env.globals["public_url"] = public_url

    @app.context_processor
    def _globals() -> dict[str, Any]:
        from app.accounts.auth import get_current_user
        from app.accounts.forms import EmptyForm

        return {
            "current_user": get_current_user(),
            "nav_links": sorted(registry().nav_links),
            "nav_icons": registry().nav_icons,
            "header_modules": registry().header_modules,
            "empty_form": EmptyForm,
        }


def _register_error_pages(app: Flask) -> None:
    from app.api import ApiError, api

    def _database_unavailable(error: Exception) -> Any:
        # A lost, restarting or locked database is answered cleanly (the traceback goes to
        # the log only). The error page renders without the database: as for a visitor (the
        # signed-in header would load the user and the unread counts, and fail again).
        log.error("database error: %s", error)
        g.user = None
        from app.db import db

        try:
            db.session.rollback()
        except Exception:  # the connection is gone: the pool discards it
            log.exception("rollback after a database error failed")
        from app.storage import storage_problem

        found = storage_problem(error) if isinstance(error, OperationalError) else None
        status, code, message = found or (
            503,
            "unavailable",
            "The service is busy or restarting. Try again shortly.",
        )
        return api.handle_http_exception(ApiError(status, code, message))

    # OperationalError: connection refused or cut, server restarting, locked, disk full;
    # InterfaceError: a connection the driver found closed; PendingRollbackError: a session
    # still holding a transaction that died with its connection.
    for kind in (OperationalError, InterfaceError, PendingRollbackError):
        app.register_error_handler(kind, _database_unavailable)
