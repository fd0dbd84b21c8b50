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

import redis
from flask import Flask, current_app, g, session
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app.accounts import blocks
from app.accounts.models import User
from app.api import ApiError
from app.db import db
from app.limits import hit as hit_limit
from app.realtime import SOCKET_USER, AuthenticatedNamespace, socketio, user_room
from directory import share_an_association
from messaging import access, services
from messaging.models import Conversation, ConversationMember, Message
from messaging.presence import (
    HEARTBEAT_INTERVAL,
    LocalPresence,
    PresenceStore,
    RedisPresence,
    RedisThrottle,
    Throttle,
    TypingThrottle,
    redis_client,
)

log = logging.getLogger("jam3ia.messaging")

TYPING_INTERVAL = 2.0  # seconds between two typing pushes per person and conversation
MAX_PAYLOAD_KEYS = 10

Ack = dict[str, Any]


class _Presence:
    """The current app's presence store (``presence.is_online(user_id)``): in this process
    alone, or shared by every process through Redis when ``REDIS_URL`` is set."""

    def store(self) -> PresenceStore:
        ext = current_app.extensions
        if "messaging_presence" not in ext:
            cfg = current_app.config["JAM3IA"]
            ext["messaging_presence"] = (
                RedisPresence(_redis(), cfg.redis_channel) if cfg.redis_url else LocalPresence()
            )
        store: PresenceStore = ext["messaging_presence"]
        return store

    def is_online(self, user_id: int) -> bool:
        return self.store().is_online(user_id)

    def online_among(self, user_ids: list[int]) -> set[int]:
        return self.store().online_among(user_ids)

    def connect(self, user_id: int) -> int:
        """Count a socket of ``user_id`` opened here; the user's sockets everywhere."""
        store = self.store()
        if isinstance(store, RedisPresence):
            _start_heartbeat(store)
        return store.connect(user_id)

    def disconnect(self, user_id: int) -> int:
        return self.store().disconnect(user_id)


presence = _Presence()


def _redis() -> redis.Redis:
    ext = current_app.extensions
    if "messaging_redis" not in ext:
        ext["messaging_redis"] = redis_client(current_app.config["JAM3IA"].redis_url)
    client: redis.Redis = ext["messaging_redis"]
    return client


def _start_heartbeat(store: RedisPresence) -> None:
    """Once per process and app: keep this process alive in Redis, reap dead ones."""
    ext = current_app.extensions
    if ext.get("messaging_heartbeat") is store:
        return
    ext["messaging_heartbeat"] = store
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    socketio.start_background_task(_heartbeat_loop, app, store)


def _heartbeat_loop(app: Flask, store: RedisPresence) -> None:
    failing = False
    while True:
        offline: list[int] = []
        try:
            offline = store.heartbeat()
            if failing:
                log.warning("presence: Redis reachable again; counts written back")
                failing = False
        except redis.RedisError as exc:
            if not failing:
                log.warning("presence: Redis unavailable (%s); retrying", exc)
                failing = True
        except Exception:  # the loop must outlive any surprise
            log.exception("presence heartbeat failed")
        for user_id in offline:  # the last socket was on a process that died
            with app.app_context():
                try:
                    _broadcast_presence(user_id, False)
                except Exception:
                    db.session.rollback()
                    log.exception("presence: offline broadcast for %s failed", user_id)
        socketio.sleep(HEARTBEAT_INTERVAL)


def _typing_throttle() -> TypingThrottle:
    ext = current_app.extensions
    if "messaging_typing" not in ext:
        cfg = current_app.config["JAM3IA"]
        ext["messaging_typing"] = (
            RedisThrottle(TYPING_INTERVAL, _redis(), cfg.redis_channel)
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


def presence_audience(user_id: int) -> list[int]:
    """The people who hear ``user_id`` come online and go offline (and see it in lists).

    Consent, not a mere shared conversation (anyone can open an empty direct one): people who
    share a conversation with ``user_id`` in which both have written, or share an association
    with them; never someone either of them blocked; nobody when ``user_id`` hides their
    presence. The relation is symmetric apart from hiding.
    """
    owner = db.session.get(User, user_id)
    if owner is None or owner.hide_presence:
        return []
    return presence_audience_of(user_id, co_member_ids(user_id))


def visible_online(viewer_id: int, user_ids: list[int]) -> set[int]:
    """Those of ``user_ids`` whose presence ``viewer_id`` may see and who are online."""
    visible = _visible_to(viewer_id) | {viewer_id}
    return {uid for uid in user_ids if uid in visible and presence.is_online(uid)}


def _visible_to(viewer_id: int) -> set[int]:
    """The people whose presence ``viewer_id`` may see (consent, no block, not hidden),
    computed once per request or event: conversation lists summarize many conversations."""
    cache: dict[int, set[int]] = g.setdefault("presence_visible", {})
    if viewer_id not in cache:
        allowed = presence_audience_of(viewer_id, co_member_ids(viewer_id))
        hidden = (
            set(db.session.scalars(select(User.id).where(User.id.in_(allowed), User.hide_presence)))
            if allowed
            else set()
        )
        cache[viewer_id] = set(allowed) - hidden
    return cache[viewer_id]


def presence_audience_of(viewer_id: int, others: list[int]) -> list[int]:
    """Those of ``others`` (people who share a conversation with ``viewer_id``) with whom
    ``viewer_id`` has the presence relation (ignoring who hides: see :func:`visible_online`)."""
    mine = select(Message.conversation_id).where(Message.sender_id == viewer_id)
    shared = set(others)
    if not shared:
        return []
    wrote_back = set(
        db.session.scalars(
            select(Message.sender_id)
            .where(Message.conversation_id.in_(mine), Message.sender_id.in_(shared))
            .distinct()
        )
    )
    allowed = (wrote_back | share_an_association(viewer_id, list(shared))) & shared
    allowed -= blocks.blocks_among(viewer_id, allowed)
    return sorted(allowed)


def co_member_ids(user_id: int) -> list[int]:
    """People who share a conversation with ``user_id``.

    As in :mod:`messaging.access`, the staff row of an association inbox counts only while
    its holder is still an admin or coordinator of the association: a former coordinator
    neither hears the presence of the inbox's people nor is heard by them.
    """
    mine = select(ConversationMember.conversation_id).where(ConversationMember.user_id == user_id)
    rows = db.session.execute(
        select(
            ConversationMember.conversation_id,
            ConversationMember.user_id,
            ConversationMember.role,
            Conversation.association_id,
        )
        .join(Conversation, Conversation.id == ConversationMember.conversation_id)
        .where(ConversationMember.conversation_id.in_(mine))
    ).all()
    staff: dict[tuple[int, int], bool] = {}
    members: dict[int, set[int]] = {}
    for conversation_id, uid, role, association_id in rows:
        if role == "staff" and association_id is not None:
            key = (uid, association_id)
            if key not in staff:
                staff[key] = access.is_association_staff(uid, association_id)
            if not staff[key]:
                continue
        members.setdefault(conversation_id, set()).add(uid)
    shared = {uid for people in members.values() if user_id in people for uid in people}
    return sorted(shared - {user_id})


def _broadcast_presence(user_id: int, online: bool) -> None:
    rooms = [user_room(uid) for uid in presence_audience(user_id)]
    rooms.append(user_room(user_id))  # the person's own other tabs
    db.session.rollback()  # only reads: end the transaction before emitting
    socketio.emit(
        "presence", {"user_id": user_id, "online": online}, to=rooms, namespace=services.NAMESPACE
    )


class ChatNamespace(AuthenticatedNamespace):
    """client -> server: ``message_send``, ``message_edit``, ``message_delete``, ``typing``,
    ``read``; server -> client: ``message_new``, ``message_updated``, ``typing``, ``read``,
    ``presence``, ``conversation_new``, ``conversation_updated``, ``conversation_removed``."""

    def on_connect(self, auth: Any = None) -> None:
        super().on_connect(auth)
        db.session.rollback()  # release the database before anything may yield
        user_id = session[SOCKET_USER]
        session["chat_counted"] = True
        if presence.connect(user_id) == 1:
            _broadcast_presence(user_id, True)

    def on_disconnect(self, reason: Any = None) -> None:  # noqa: ARG002
        user_id = session.get(SOCKET_USER)
        if user_id is None or not session.pop("chat_counted", False):
            return
        if presence.disconnect(user_id) == 0:
            try:
                _broadcast_presence(user_id, False)
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
                    namespace=services.NAMESPACE,
                )
        else:
            db.session.commit()
        return {"ok": True}

    @limited("read")
    def on_read(self, user: Any, data: dict[str, Any]) -> Ack:
        conversation, member = access.access_conversation(user, data.get("conversation_id"))
        last = services.mark_read(user, conversation, member, data.get("last_read_id"))
        return {"ok": True, "conversation_id": conversation.id, "last_read_id": last}
