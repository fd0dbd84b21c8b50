"""Who is online, and who may know it: the presence plumbing of chat.

The store (in this process, or shared through Redis: :mod:`messaging.presence`) counts open
sockets; this module picks the store of the current app, keeps its heartbeat, decides who hears
whom come online (consent: a conversation where both wrote, or a shared association; never
across a block; nobody when hidden) and emits the ``presence`` pushes. The socket events and
the services both use it; it uses neither.
"""

from __future__ import annotations

import logging

import redis
from flask import Flask, current_app, g
from sqlalchemy import select

from app.accounts import blocks
from app.accounts.models import User
from app.db import db
from app.realtime import socketio, user_room
from directory import share_an_association
from messaging import access
from messaging.models import NAMESPACE, Conversation, ConversationMember, Message
from messaging.presence import (
    HEARTBEAT_INTERVAL,
    LocalPresence,
    PresenceStore,
    RedisPresence,
    redis_client,
)

log = logging.getLogger("jam3ia.messaging")


class _Presence:
    """The current app's presence store (``presence.is_online(user_id)``): in this process
    alone, or shared by every process through Redis when ``REDIS_URL`` is set."""

    def store(self) -> PresenceStore:
        ext = current_app.extensions
        if "messaging_presence" not in ext:
            cfg = current_app.config["JAM3IA"]
            ext["messaging_presence"] = (
                RedisPresence(redis_connection(), cfg.redis_channel)
                if cfg.redis_url
                else LocalPresence()
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


def redis_connection() -> redis.Redis:
    """The current app's Redis client for presence and typing (one per app)."""
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
                    broadcast_presence(user_id, False)
                except Exception:
                    db.session.rollback()
                    log.exception("presence: offline broadcast for %s failed", user_id)
        socketio.sleep(HEARTBEAT_INTERVAL)


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
    candidates = [uid for uid in dict.fromkeys(user_ids) if uid in visible]
    return presence.online_among(candidates) if candidates else set()


def online_state(viewer_id: int) -> list[int]:
    """Everybody ``viewer_id`` may see online who is online now (the ``presence_state`` push
    a socket gets on every (re)connect: it corrects what a page rendered, or a socket missed
    while it was away)."""
    visible = sorted(_visible_to(viewer_id))
    return sorted(presence.online_among(visible)) if visible else []


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


def broadcast_presence(user_id: int, online: bool) -> None:
    rooms = [user_room(uid) for uid in presence_audience(user_id)]
    rooms.append(user_room(user_id))  # the person's own other tabs
    db.session.rollback()  # only reads: end the transaction before emitting
    socketio.emit("presence", {"user_id": user_id, "online": online}, to=rooms, namespace=NAMESPACE)
