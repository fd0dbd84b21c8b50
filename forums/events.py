"""The live ``/forums`` namespace: readers of an open topic receive its new posts.

client -> server ``topic_watch {topic_id}`` (access-checked, then the socket joins the topic's
room; acknowledged ``{"ok": true}`` or ``{"ok": false, "error": {...}}``) and
``topic_unwatch {topic_id}``. server -> client ``post_new {post}``, ``post_updated {post}``,
``topic_updated {topic}``.
"""

from __future__ import annotations

from typing import Any

from flask_socketio import join_room, leave_room

from app.accounts.models import User
from app.realtime import AuthenticatedNamespace
from app.sockets import Ack, handler, int_field, ok
from forums import access
from forums.services import topic_room


class ForumsNamespace(AuthenticatedNamespace):
    @handler
    def on_topic_watch(self, user: User, data: dict[str, Any]) -> Ack:
        topic = access.access_topic(user, int_field(data, "topic_id"))
        join_room(topic_room(topic.id))
        return ok(topic_id=topic.id, last_number=topic.last_number)

    @handler
    def on_topic_unwatch(self, _user: User, data: dict[str, Any]) -> Ack:
        leave_room(topic_room(int_field(data, "topic_id")))
        return ok()
