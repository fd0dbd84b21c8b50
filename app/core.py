"""Core pages: home, health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask.typing import ResponseReturnValue
from sqlalchemy import text

from app.db import db

bp = Blueprint("core", __name__)


@bp.route("/")
def home() -> ResponseReturnValue:
    return render_template("home.html")


@bp.route("/healthz")
def healthz() -> ResponseReturnValue:
    """200 once the server can reach its database."""
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")
