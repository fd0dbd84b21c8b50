"""The ``/chat`` Socket.IO namespace: thin handlers over access + services.

Every handler answers with an ack, ``{"ok": true, ...}`` or ``{"ok": false, "error": {code,
message}}``; bad payloads never store anything and never close the connection.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, request, session
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from app.accounts import blocks
from app.api import ApiError
from app.db import db
from app.limits import hit as hit_limit
from app.realtime import SOCKET_USER, AuthenticatedNamespace, socketio, user_room
from messaging import access, services
from messaging.models import NAMESPACE
from messaging.online import broadcast_presence, online_state, presence, redis_connection
from messaging.presence import RedisThrottle, Throttle, TypingThrottle

log = logging.getLogger("jam3ia.messaging")

TYPING_INTERVAL = 2.0  # seconds between two typing pushes per person and conversation
MAX_PAYLOAD_KEYS = 10

Ack = dict[str, Any]


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


def error_ack(code: str, message: str, fields: dict[str, Any] | None = None) -> Ack:
    return {"ok": False, "error": {"code": code, "message": message, "fields": fields or {}}}


def _int_field(data: dict[str, Any], key: str) -> int:
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ApiError(
            422, "validation_failed", _("%(key)s must be an integer.", key=key), {key: ["invalid"]}
        )
    return value


def _too_large(data: dict[str, Any]) -> bool:
    """Whether the payload is over the handlers' size limit (``socket_event_max_bytes``,
    below the transport's frame limit so that the client gets an answer)."""
    limit = int(current_app.config["JAM3IA"].socket_event_max_bytes)
    try:
        size = len(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())
    except (TypeError, ValueError):  # binary attachments and the like: not a chat payload
        return True
    return size > limit


def handler(fn: Callable[..., Ack]) -> Callable[..., Ack]:
    """Check the payload is a small object and the credential still live; turn errors into
    acks."""
    return _handler(fn, limit=None)


def limited(name: str) -> Callable[[Callable[..., Ack]], Callable[..., Ack]]:
    """:func:`handler` that also counts the event against the named rate limit ``name`` (the
    same counter as the page and the API of that action), before any database work (the
    counter may yield to other greenlets; a transaction must not be open then: SQLite's
    writers would wait on a lock whose holder cannot run)."""
    return lambda fn: _handler(fn, limit=name)


def _handler(fn: Callable[..., Ack], *, limit: str | None) -> Callable[..., Ack]:
    @wraps(fn)
    def wrapper(self: ChatNamespace, data: Any = None, *_extra: Any) -> Ack:
        if not isinstance(data, dict) or len(data) > MAX_PAYLOAD_KEYS:
            return error_ack("bad_payload", _("The event payload must be a small JSON object."))
        if _too_large(data):
            limit_bytes = int(current_app.config["JAM3IA"].socket_event_max_bytes)
            return error_ack(
                "too_large",
                _("The event is too large (at most %(kib)d KiB).", kib=limit_bytes // 1024),
            )
        if limit is not None:
            user_id = session.get(SOCKET_USER)
            if user_id is not None and not hit_limit(limit, int(user_id)):
                return error_ack("rate_limited", _("Too many requests. Please wait a moment."))
        try:
            user = self.user()
            if user is None:
                return error_ack("unauthorized", _("Please sign in."))
            return fn(self, user, data)
        except ApiError as error:
            db.session.rollback()
            return error_ack(error.error_code, error.message or error.error_code, error.fields)
        except Exception:  # the connection must survive whatever a client sends
            db.session.rollback()
            log.exception("chat event %s failed", fn.__name__)
            return error_ack("internal_error", _("Something went wrong on our side."))

    return wrapper


class ChatNamespace(AuthenticatedNamespace):
    """client -> server: ``message_send``, ``message_edit``, ``message_delete``, ``typing``,
    ``read``; server -> client: ``message_new``, ``message_updated``, ``typing``, ``read``,
    ``presence``, ``presence_state`` (on every connect: ``{"online": [ids]}``),
    ``conversation_new``, ``conversation_updated``, ``conversation_removed``."""

    def on_connect(self, auth: Any = None) -> None:
        super().on_connect(auth)
        db.session.rollback()  # release the database before anything may yield
        user_id = session[SOCKET_USER]
        session["chat_counted"] = True
        if presence.connect(user_id) == 1:
            broadcast_presence(user_id, True)
        # after joining the user's room (above): whoever comes online later is pushed to it
        state = {"online": online_state(user_id)}
        db.session.rollback()  # only reads: end the transaction before emitting
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
                db.session.rollback()
                log.warning("presence: offline broadcast for %s failed: %s", user_id, exc)

    @limited("chat_send")
    def on_message_send(self, user: Any, data: dict[str, Any]) -> Ack:
        conversation, _member = access.access_conversation(user, data.get("conversation_id"))
        result = services.send_message(user, conversation, data.get("body"), data.get("client_id"))
        return {"ok": True, "created": result.created, "message": result.message}

    @limited("message_edit")
    def on_message_edit(self, user: Any, data: dict[str, Any]) -> Ack:
        message, conversation = access.access_message(user, _int_field(data, "message_id"))
        services.edit_message(user, message, conversation, data.get("body"))
        return {"ok": True, "message": services.serialize_message(message)}

    @handler
    def on_message_delete(self, user: Any, data: dict[str, Any]) -> Ack:
        message, conversation = access.access_message(user, _int_field(data, "message_id"))
        services.delete_message(user, message, conversation)
        return {"ok": True, "message": services.serialize_message(message)}

    @limited("typing")
    def on_typing(self, user: Any, data: dict[str, Any]) -> Ack:
        conversation, _member = access.access_conversation(user, data.get("conversation_id"))
        conversation_id, user_id = conversation.id, user.id
        if _typing_throttle().allow((user_id, conversation_id)):
            others = [u for u in access.recipient_ids(conversation) if u != user_id]
            hidden = blocks.blocks_among(user_id, others)  # blocked either way: no typing
            rooms = [user_room(u) for u in others if u not in hidden]
            db.session.commit()  # end the transaction before anything may yield
            if rooms:
                socketio.emit(
                    "typing",
                    {"conversation_id": conversation_id, "user_id": user_id},
                    to=rooms,
                    namespace=NAMESPACE,
                )
        else:
            db.session.commit()
        return {"ok": True}

    @limited("read")
    def on_read(self, user: Any, data: dict[str, Any]) -> Ack:
        conversation, member = access.access_conversation(user, data.get("conversation_id"))
        last = services.mark_read(user, conversation, member, data.get("last_read_id"))
        return {"ok": True, "conversation_id": conversation.id, "last_read_id": last}
