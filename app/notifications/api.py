"""Notifications API and the live ``/notifications`` namespace."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Blueprint, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from app.accounts.auth import login_required, require_user
from app.api import Id, make_blueprint
from app.db import transactional
from app.edge import attempt
from app.notifications import services
from app.realtime import AuthenticatedNamespace

blp = make_blueprint("notifications", __name__, "In-app notifications")
pages = Blueprint("notifications", __name__)


class NotificationSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    text = ma.fields.String()
    url = ma.fields.String()
    actor_id = ma.fields.Integer(allow_none=True)
    data = ma.fields.Dict()
    created_at = ma.fields.String()
    read = ma.fields.Boolean()


class NotificationListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(NotificationSchema))
    unread_count = ma.fields.Integer()


class NotificationQuerySchema(ma.Schema):
    before_id = Id()
    limit = ma.fields.Integer(load_default=20, validate=ma.validate.Range(min=1, max=100))


class MarkReadSchema(ma.Schema):
    ids = ma.fields.List(
        Id(),
        validate=ma.validate.Length(max=500),
        metadata={"description": "omit to mark everything read"},
    )


@blp.route("/notifications")
@blp.arguments(NotificationQuerySchema, location="query")
@blp.response(200, NotificationListSchema)
def list_notifications(args: dict[str, Any]) -> dict[str, Any]:
    """The caller's notifications, newest first, with the unread count."""
    user = require_user()
    items = services.recent(user.id, before_id=args.get("before_id"), limit=args["limit"])
    return {
        "items": [services.serialize(n) for n in items],
        "unread_count": services.unread_count(user.id),
    }


@blp.route("/notifications/read", methods=["POST"])
@blp.arguments(MarkReadSchema)
@blp.response(200, NotificationListSchema)
@transactional
def mark_read(args: dict[str, Any]) -> dict[str, Any]:
    """Mark some (``ids``) or all notifications read."""
    user = require_user()
    services.mark_read(user.id, args.get("ids"))
    return {"items": [], "unread_count": services.unread_count(user.id)}


@pages.route("/notifications")
@login_required
def notifications_page() -> ResponseReturnValue:
    user = require_user()
    items = services.recent(user.id, limit=50)
    return render_template("notifications/list.html", items=items)


class NotificationsNamespace(AuthenticatedNamespace):
    """Server -> client ``notification_new {notification}``; nothing to send from clients."""


@pages.route("/notifications/read", methods=["POST"])
@login_required
def mark_all_read() -> ResponseReturnValue:
    user = require_user()
    attempt(lambda: services.mark_read(user.id))
    return redirect(url_for("notifications.notifications_page"))
