"""The ``/chat`` Socket.IO namespace: thin handlers over access + services (+ queries).

Every handler answers with an ack, ``{"ok": true, ...}`` or ``{"ok": false, "error": {code,
message}}``; bad payloads never store anything and never close the connection.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app, request, session
from sqlalchemy.exc import SQLAlchemyError

from app.accounts import blocks
from app.realtime import SOCKET_USER, AuthenticatedNamespace, emit_after_commit, socketio, user_room
from app.sockets import Ack, handler, int_field, limited, ok
from messaging import access, queries, serialize, services
from messaging.models import NAMESPACE
from messaging.online import broadcast_presence, online_state, presence, redis_connection
from messaging.presence import RedisThrottle, Throttle, TypingThrottle

log = logging.getLogger("jam3ia.messaging")

TYPING_INTERVAL = 2.0  # seconds between two typing pushes per person and conversation


def _typing_throttle() -> TypingThrottle:
    ext = current_app.extensions
    if "messaging_typing" not in ext:
        cfg = current_app.config["JAM3IA"]
        ext["messaging_typing"] = (
            RedisThrottle(TYPING_INTERVAL, redis_connection(), cfg.redis_channel)
            if cfg.redis_url
            else Throttle(TYPING_INTERVAL)
        )
    throttle: TypingThrottle = ext["messaging_typing"]
    return throttle


class ChatNamespace(AuthenticatedNamespace):
    """client -> server: ``message_send``, ``message_edit``, ``message_delete``, ``typing``,
    ``read``; server -> client: ``message_new``, ``message_updated``, ``typing``, ``read``,
    ``presence``, ``presence_state`` (on every connect: ``{"online": [ids]}``),
    ``conversation_new``, ``conversation_updated``, ``conversation_removed``."""

    def on_connect(self, auth: Any = None) -> None:
        super().on_connect(auth)
        queries.end_read()  # release the database before anything may yield
        user_id = session[SOCKET_USER]
        session["chat_counted"] = True
        if presence.connect(user_id) == 1:
            broadcast_presence(user_id, True)
        # after joining the user's room (above): whoever comes online later is pushed to it
        state = {"online": online_state(user_id)}
        queries.end_read()  # only reads: end the transaction before emitting
        sid = request.sid  # type: ignore[attr-defined]
        socketio.emit("presence_state", state, to=sid, namespace=self.namespace)

    def on_disconnect(self, reason: Any = None) -> None:  # noqa: ARG002
        user_id = session.get(SOCKET_USER)
        if user_id is None or not session.pop("chat_counted", False):
            return
        if presence.disconnect(user_id) == 0:
            try:
                broadcast_presence(user_id, False)
            except SQLAlchemyError as exc:  # the database is away: the count is right anyway
                queries.end_read()
                log.warning("presence: offline broadcast for %s failed: %s", user_id, exc)

    @limited("chat_send")
    def on_message_send(self, user: Any, data: dict[str, Any]) -> Ack:
        conversation, member = access.access_conversation(user, data.get("conversation_id"))
        body, client_id = data.get("body"), data.get("client_id")
        result = services.send_message(user, conversation, body, client_id, member)
        return ok(created=result.created, message=result.message)

    @limited("message_edit")
    def on_message_edit(self, user: Any, data: dict[str, Any]) -> Ack:
        message, conversation = access.access_message(user, int_field(data, "message_id"))
        services.edit_message(user, message, conversation, data.get("body"))
        return ok(message=serialize.serialize_message(message))

    @handler
    def on_message_delete(self, user: Any, data: dict[str, Any]) -> Ack:
        message, conversation = access.access_message(user, int_field(data, "message_id"))
        services.delete_message(user, message, conversation)
        return ok(message=serialize.serialize_message(message))

    @limited("typing")
    def on_typing(self, user: Any, data: dict[str, Any]) -> Ack:
        conversation, _member = access.access_conversation(user, data.get("conversation_id"))
        conversation_id, user_id = conversation.id, user.id
        if _typing_throttle().allow((user_id, conversation_id)):
            others = [u for u in access.recipient_ids(conversation) if u != user_id]
            hidden = blocks.blocks_among(user_id, others)  # blocked either way: no typing
            rooms = [user_room(u) for u in others if u not in hidden]
            if rooms:  # sent once the handler's transaction has ended
                emit_after_commit(
                    "typing",
                    {"conversation_id": conversation_id, "user_id": user_id},
                    to=rooms,
                    namespace=NAMESPACE,
                )
        return ok()

    @limited("read")
    def on_read(self, user: Any, data: dict[str, Any]) -> Ack:
        conversation, member = access.access_conversation(user, data.get("conversation_id"))
        last = services.mark_read(user, conversation, member, data.get("last_read_id"))
        return ok(conversation_id=conversation.id, last_read_id=last)
