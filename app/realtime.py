"""Realtime plumbing shared by every Socket.IO namespace.

- ``socketio``: the one Flask-SocketIO server (``threading`` in development and tests,
  ``gevent`` under gunicorn; Redis message queue when ``REDIS_URL`` is set).
- :class:`AuthenticatedNamespace`: refuses connects without a live session cookie or
  ``auth={"token": ...}``, joins ``user:{id}``; features subclass it.
- :func:`emit_after_commit`: queue an event on the database session; it is sent only if and
  when the transaction commits (never for a rolled-back change).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, session
from flask_socketio import Namespace, SocketIO, join_room
from sqlalchemy import event
from sqlalchemy.orm import Session, joinedload

from app.accounts.auth import SESSION_KEY, find_credential
from app.accounts.models import User
from app.db import db
from app.signals import credentials_revoked

socketio = SocketIO()

_PENDING = "jam3ia_pending_emits"
SOCKET_USER = "socket_user_id"
SOCKET_CREDENTIAL = "socket_credential_id"


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def credential_room(credential_id: int) -> str:
    return f"credential:{credential_id}"


@dataclass(frozen=True)
class PendingEmit:
    event: str
    data: Any
    to: str | list[str]
    namespace: str


def emit_after_commit(event_name: str, data: Any, *, to: str | list[str], namespace: str) -> None:
    """Send ``event_name`` to room ``to`` (or a list of rooms, one emit) once the current
    transaction commits."""
    db.session.info.setdefault(_PENDING, []).append(PendingEmit(event_name, data, to, namespace))


def emit_to_user(user_id: int, event_name: str, data: Any, *, namespace: str) -> None:
    """After commit, send to every socket of one user on ``namespace``."""
    emit_after_commit(event_name, data, to=user_room(user_id), namespace=namespace)


def _flush_pending(session_: Session) -> None:
    pending: list[PendingEmit] = session_.info.pop(_PENDING, [])
    for item in pending:
        socketio.emit(item.event, item.data, to=item.to, namespace=item.namespace)


def _drop_pending(session_: Session) -> None:
    session_.info.pop(_PENDING, None)


event.listen(Session, "after_commit", _flush_pending)
event.listen(Session, "after_soft_rollback", lambda s, _t: _drop_pending(s))


def authenticate_socket(auth: Any) -> tuple[User, int] | None:
    """The user and credential id of a connecting socket, or ``None``."""
    if isinstance(auth, dict) and auth.get("token") is not None:
        token = auth.get("token")
        cred = find_credential(token, "token") if isinstance(token, str) else None
    else:
        secret = session.get(SESSION_KEY)
        cred = find_credential(secret, "session") if isinstance(secret, str) else None
    if cred is None:
        return None
    return cred.user, cred.id


class AuthenticatedNamespace(Namespace):
    """A namespace whose every socket belongs to a signed-in user.

    Subclasses call ``super().on_connect(auth)`` first and use :meth:`user` in handlers: it
    re-checks the credential, so a revoked session stops being served at once.
    """

    def on_connect(self, auth: Any = None) -> None:
        found = authenticate_socket(auth)
        if found is None:
            raise ConnectionRefusedError("unauthorized")
        user, credential_id = found
        session[SOCKET_USER] = user.id
        session[SOCKET_CREDENTIAL] = credential_id
        join_room(user_room(user.id))
        join_room(credential_room(credential_id))

    def user(self) -> User | None:
        from app.accounts.models import Credential

        cred_id = session.get(SOCKET_CREDENTIAL)
        # one query for credential and user: this runs on every event of every socket
        cred = (
            db.session.get(Credential, cred_id, options=[joinedload(Credential.user)])
            if cred_id
            else None
        )
        if cred is None or not cred.is_live():
            return None
        return cred.user


def _disconnect_revoked(_sender: Any, credential_ids: list[int], **_kw: Any) -> None:
    server = socketio.server
    if server is None:
        return
    for namespace in list(server.namespace_handlers) or ["/"]:
        for cred_id in credential_ids:
            room = credential_room(cred_id)
            try:
                participants = list(server.manager.get_participants(namespace, room))
            except KeyError:
                continue
            for sid, _eio_sid in participants:
                server.disconnect(sid, namespace=namespace)


credentials_revoked.connect(_disconnect_revoked)


def check_redis(url: str) -> None:
    """Fail fast, naming ``REDIS_URL``, when the message queue cannot be reached."""
    import redis

    from app.config import ConfigError

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except (redis.RedisError, OSError, ValueError) as exc:
        raise ConfigError(f"Cannot reach Redis at REDIS_URL={url!r}: {exc}") from exc


def init_realtime(app: Flask) -> None:
    cfg = app.config["JAM3IA"]
    if cfg.redis_url:
        check_redis(cfg.redis_url)
    socketio.init_app(
        app,
        async_mode=cfg.async_mode,
        message_queue=cfg.redis_url,
        channel=cfg.redis_channel,
        cors_allowed_origins=list(cfg.socket_origins) or None,  # None: same origin only
        logger=False,
        engineio_logger=False,
        ping_interval=20,
        ping_timeout=20,
        max_http_buffer_size=64 * 1024,
    )
