"""Wiring of the directory into the app (called by ``directory.register``)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from app.api import ApiError, api
from app.cli import add_demo_loader
from app.db import db, for_update
from app.plugins import registry
from app.signals import user_erased
from directory.api import blp
from directory.cli import directory_group, load_demo_directory
from directory.home import register_home
from directory.models import Association, Membership
from directory.queries import user_memberships
from directory.routes import bp
from directory.search import register_search


def _me_memberships(user: Any) -> dict[str, Any]:
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


def _export_memberships(user: Any) -> dict[str, Any]:
    rows = db.session.execute(
        select(Membership, Association.name)
        .join(Association, Association.id == Membership.association_id)
        .where(Membership.user_id == user.id)
        .order_by(Membership.id)
    ).all()
    return {
        "associations": [
            {
                "association_id": m.association_id,
                "association_name": name,
                "role": m.role,
                "status": m.status,
                "join_message": m.message,
                "created_at": m.created_at,
                "decided_at": m.decided_at,
            }
            for m, name in rows
        ]
    }


def _erase_memberships(_sender: Any, user_id: int, **_kw: Any) -> None:
    """An account is deleted: its memberships and join requests go, unless it is the last
    administrator of an association (409: hand over first). Runs inside the deletion's
    transaction, the rows locked."""

    led = list(
        db.session.scalars(
            for_update(
                select(Membership.association_id).where(
                    Membership.user_id == user_id,
                    Membership.status == "approved",
                    Membership.role == "admin",
                )
            )
        )
    )
    for association_id in led:
        others = db.session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(
                Membership.association_id == association_id,
                Membership.status == "approved",
                Membership.role == "admin",
                Membership.user_id != user_id,
            )
        )
        if not others:
            name = db.session.scalar(
                select(Association.name).where(Association.id == association_id)
            )
            raise ApiError(
                409,
                "last_admin",
                _(
                    "You are the last administrator of %(name)s: make another member its "
                    "administrator first.",
                    name=name,
                ),
            )
    db.session.execute(delete(Membership).where(Membership.user_id == user_id))


def setup(app: Flask) -> None:
    api.register_blueprint(blp)
    app.register_blueprint(bp)
    register_search(app)
    reg = registry(app)
    reg.me_sections.append(_me_memberships)
    reg.export_sections.append(_export_memberships)
    user_erased.connect(_erase_memberships)
    reg.nav_links.append((10, "directory.index", lambda: str(_l("Directory"))))
    reg.nav_icons["directory.index"] = "buildings"
    register_home(reg)
    add_demo_loader(app, 10, "directory", load_demo_directory)
    app.cli.add_command(directory_group)
