"""Core pages: home, health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask.typing import ResponseReturnValue
from sqlalchemy import text

from app.accounts.auth import get_current_user
from app.db import db
from app.plugins import registry

bp = Blueprint("core", __name__)


@bp.route("/")
def home() -> ResponseReturnValue:
    """Visitors: a search box, live figures and what is new; people: their dashboard.
    Each figure and block comes from a feature through the registry."""

    reg = registry()
    user = get_current_user()
    sections = [
        s for _order, make in sorted(reg.home_sections, key=lambda e: e[0]) if (s := make(user))
    ]
    counts = sorted(reg.home_counts, key=lambda e: e[0])
    return render_template("home.html", home_counts=counts, home_sections=sections)


@bp.route("/healthz")
def healthz() -> ResponseReturnValue:
    """200 once the server can reach its database."""
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")
