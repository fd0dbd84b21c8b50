"""The live ``/forums`` namespace: readers of an open topic receive its new posts.

client -> server ``topic_watch {topic_id}`` (access-checked, then the socket joins the topic's
room; acknowledged ``{"ok": true}`` or ``{"ok": false, "error": {...}}``) and
``topic_unwatch {topic_id}``. server -> client ``post_new {post}``, ``post_updated {post}``,
``topic_updated {topic}``.
"""

from __future__ import annotations

from typing import Any

from flask_socketio import join_room, leave_room

from app.api import ApiError
from app.db import db
from app.realtime import AuthenticatedNamespace
from forums import access
from forums.services import topic_room
from forums.text import _


def _error(code: str, message: str) -> dict[str, Any]:
    return {"ok": False, "error": {"code": code, "message": message}}


def may_watch(user_id: int, room: str) -> bool:
    """Whether ``user_id`` may still receive the events of the topic room ``room``."""
    from app.accounts.models import User

    user = db.session.get(User, user_id)
    try:
        access.access_topic(user, int(room.split(":", 1)[1]))
    except ApiError:
        return False
    return user is not None


class ForumsNamespace(AuthenticatedNamespace):
    def on_topic_watch(self, data: Any) -> dict[str, Any]:
        user = self.user()
        if user is None:
            return _error("unauthorized", _("Please sign in."))
        topic_id = data.get("topic_id") if isinstance(data, dict) else None
        if not isinstance(topic_id, int) or isinstance(topic_id, bool):
            return _error("validation_failed", _("topic_id must be an integer."))
        try:
            topic = access.access_topic(user, topic_id)
        except ApiError as error:
            return _error(error.error_code, error.message or "")
        join_room(topic_room(topic.id))
        return {"ok": True, "topic_id": topic.id, "last_number": topic.last_number}

    def on_topic_unwatch(self, data: Any) -> dict[str, Any]:
        topic_id = data.get("topic_id") if isinstance(data, dict) else None
        if isinstance(topic_id, int):
            leave_room(topic_room(topic_id))
        return {"ok": True}
