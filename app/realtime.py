"""Realtime plumbing shared by every Socket.IO namespace.

- ``socketio``: the one Flask-SocketIO server (``threading`` in development and tests,
  ``gevent`` under gunicorn; Redis message queue when ``REDIS_URL`` is set).
- :class:`AuthenticatedNamespace`: refuses connects without a live session cookie or
  ``auth={"token": ...}``, or beyond ``max_sockets_per_user`` open sockets of that person on
  the namespace (reason ``too_many_sockets``), joins ``user:{id}``; features subclass it.
- :class:`PublicNamespace`: the same, and it also takes visitors' sockets (no credential at
  all): read-only, they join no user room and reach only the handlers marked
  :func:`app.sockets.public` (for a board whose wall anyone may read live). Every other
  namespace stays signed-in only.
- :class:`SocketCaps`: at most ``max_sockets_per_address`` open transports per address on this
  process, signed in or not (refused with a 401 ``too_many_sockets`` before any namespace).
- :func:`emit_after_commit`: queue an event on the database session; it is sent only if and
  when the transaction commits (never for a rolled-back change).
- :class:`QueueManager`: the Redis queue between processes, plus what python-socketio has no
  message for: disconnecting a room's sockets on every process (a revoked credential), and a
  ``resync`` event to this process's sockets after its subscription to Redis was lost and
  re-established (events published meanwhile are gone; clients fetch what they missed).

Any process that creates the app with ``REDIS_URL`` set emits through the queue, CLI commands
(``jam3ia notify-due``) included: ``socketio.emit(..., to=room)`` publishes on the channel and
every worker delivers to its own sockets.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlsplit, urlunsplit

import socketio as python_socketio
from flask import Flask, current_app, request, session
from flask_socketio import Namespace, SocketIO, join_room
from sqlalchemy import bindparam, select

from app.accounts.auth import SESSION_KEY, find_credential
from app.accounts.models import Credential, User
from app.config import ConfigError
from app.db import after_commit, db, utcnow
from app.limits import client_address
from app.plugins import registry
from app.signals import credentials_revoked

socketio = SocketIO()
log = logging.getLogger("jam3ia.realtime")

SOCKET_USER = "socket_user_id"
SOCKET_CREDENTIAL = "socket_credential_id"
#: Set on the socket's session of a visitor (a socket of :class:`PublicNamespace` connected
#: without any credential).
SOCKET_VISITOR = "socket_visitor"


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
    after_commit(functools.partial(_deliver, PendingEmit(event_name, data, to, namespace)))


def emit_to_user(user_id: int, event_name: str, data: Any, *, namespace: str) -> None:
    """After commit, send to every socket of one user on ``namespace``."""
    emit_after_commit(event_name, data, to=user_room(user_id), namespace=namespace)


def _deliver(item: PendingEmit) -> None:
    if item.event == RECHECK_ROOMS and isinstance(item.to, str):
        recheck_rooms(item.to, item.namespace)
    else:
        socketio.emit(item.event, item.data, to=item.to, namespace=item.namespace)


def presents_token(auth: Any) -> bool:
    """Whether a connecting socket presents a bearer token (a signed-in client's claim: a bad
    one is refused, never downgraded to a visitor)."""
    return isinstance(auth, dict) and auth.get("token") is not None


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


_LIVE_USER = (
    select(User)
    .join(Credential, Credential.user_id == User.id)
    .where(
        Credential.id == bindparam("credential_id"),
        Credential.revoked_at.is_(None),
        Credential.expires_at > bindparam("now"),
    )
)


TOO_MANY_SOCKETS = "too_many_sockets"


class SocketCaps:
    """Open sockets per key (a user, an address) in this process, each key capped."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owner: dict[str, Any] = {}  # socket id -> key
        self._open: dict[Any, int] = {}  # key -> open sockets

    def take(self, sid: str, key: Any, cap: int) -> bool:
        """Count socket ``sid`` for ``key``; false (nothing counted) when ``key`` is at ``cap``."""
        with self._lock:
            if sid in self._owner:
                return True
            count = self._open.get(key, 0)
            if count >= cap:
                return False
            self._open[key] = count + 1
            self._owner[sid] = key
            return True

    def release(self, sid: str | None) -> None:
        with self._lock:
            key = self._owner.pop(sid, None) if sid is not None else None
            if key is None:
                return
            count = self._open.get(key, 0) - 1
            if count > 0:
                self._open[key] = count
            else:
                self._open.pop(key, None)

    def count(self, key: Any) -> int:
        with self._lock:
            return self._open.get(key, 0)


#: python-socketio's error when a handler joins a room for a socket that has just disconnected
_LEFT_MID_EVENT = "sid is not connected to requested namespace"


class AuthenticatedNamespace(Namespace):
    """A namespace whose every socket belongs to a signed-in user.

    Subclasses call ``super().on_connect(auth)`` first and use :meth:`user` in handlers: it
    re-checks the credential, so a revoked session stops being served at once. A person holds
    at most ``max_sockets_per_user`` sockets on the namespace in one process.
    """

    #: Whether a socket without any credential may connect (see :class:`PublicNamespace`).
    accepts_visitors: ClassVar[bool] = False

    def __init__(self, namespace: str | None = None) -> None:
        super().__init__(namespace)
        self.caps = SocketCaps()

    def trigger_event(self, event: str, *args: Any) -> Any:
        # A socket stops counting when it disconnects or its connect fails after the count
        # (python-socketio passes the socket id first).
        sid = args[0] if args and isinstance(args[0], str) else None
        try:
            result = super().trigger_event(event, *args)
        except ValueError as error:
            if event != "connect" and str(error) == _LEFT_MID_EVENT:
                # The socket disconnected while its event ran (a tab closed during a watch):
                # there is nobody left to answer or to join to a room.
                return None
            if event == "connect":
                self.caps.release(sid)
            raise
        except BaseException:
            if event == "connect":
                self.caps.release(sid)
            raise
        if event == "disconnect" or (event == "connect" and result is False):
            self.caps.release(sid)
        return result

    def on_connect(self, auth: Any = None) -> None:
        found = authenticate_socket(auth)
        if found is None:
            if not self.accepts_visitors or presents_token(auth):
                raise ConnectionRefusedError("unauthorized")
            # A visitor (or a browser whose session has ended: its page is a visitor's now).
            # No user or credential room; the per-address transport cap (cap_addresses) bounds
            # how many such sockets one address holds.
            session.pop(SOCKET_USER, None)
            session.pop(SOCKET_CREDENTIAL, None)
            session[SOCKET_VISITOR] = True
            return
        user, credential_id = found
        cap = int(current_app.config["JAM3IA"].max_sockets_per_user)
        if not self.caps.take(request.sid, user.id, cap):  # type: ignore[attr-defined]
            log.warning(
                "realtime: user %s refused on %s: too many sockets", user.id, self.namespace
            )
            # python-socketio's refusal: the client's connect_error carries the reason
            raise python_socketio.exceptions.ConnectionRefusedError(TOO_MANY_SOCKETS)
        session.pop(SOCKET_VISITOR, None)
        session[SOCKET_USER] = user.id
        session[SOCKET_CREDENTIAL] = credential_id
        join_room(user_room(user.id))
        join_room(credential_room(credential_id))

    def is_visitor(self) -> bool:
        """Whether this event's socket connected without a credential (never true on a
        namespace that does not accept visitors)."""
        return self.accepts_visitors and bool(session.get(SOCKET_VISITOR))

    def user(self) -> User | None:
        """The socket's person while their credential lives; ``None`` for a visitor or a
        revoked credential."""
        cred_id = session.get(SOCKET_CREDENTIAL)
        if not cred_id:
            return None
        # This runs on every event of every socket: one query that loads only the user,
        # with the credential's liveness checked in SQL.
        found: User | None = db.session.execute(
            _LIVE_USER, {"credential_id": cred_id, "now": utcnow()}
        ).scalar()
        return found


class PublicNamespace(AuthenticatedNamespace):
    """An :class:`AuthenticatedNamespace` that also takes visitors' sockets, for what anyone
    may read live (the free-offers board's wall).

    A socket connects as a visitor when it presents no credential at all: no ``auth`` token
    and no live session (a browser whose session ended reads on as a visitor; a bad token is
    refused). A visitor joins no user or credential room and is read-only: the handlers
    wrapped by :func:`app.sockets.handler`/``limited`` answer it ``unauthorized``; only those
    wrapped by :func:`app.sockets.public` serve it (with ``user=None``), without a write
    transaction, and their rate limit counts per address. Signed-in sockets are served exactly
    as on an :class:`AuthenticatedNamespace`. The per-address transport cap
    (:func:`cap_addresses`) applies to visitors as to everyone.
    """

    accepts_visitors: ClassVar[bool] = True


def _disconnect_local(server: Any, room: str) -> None:
    """Disconnect this process's sockets in ``room``, on every namespace."""
    for namespace in list(server.manager.rooms):
        try:
            participants = list(server.manager.get_participants(namespace, room))
        except KeyError:
            continue
        for sid, _eio_sid in participants:
            server.disconnect(sid, namespace=namespace, ignore_queue=True)


#: Reserved event names carried on the queue and handled by each process, never sent as is.
DISCONNECT_ROOM = "jam3ia:disconnect_room"
RECHECK_ROOMS = "jam3ia:recheck_rooms"
RESYNC = "resync"


def guard_rooms(app: Flask, prefix: str, may_stay: Callable[[int, str], bool]) -> None:
    """Declare that sockets in rooms named ``prefix...`` must pass ``may_stay`` to stay
    (registered by the features whose namespaces join rooms after an access check)."""
    registry(app).room_guards[prefix] = may_stay


def _guard_of(room: Any) -> Callable[[int, str], bool] | None:
    if not isinstance(room, str):
        return None
    guards = registry().room_guards.items()
    return next((check for prefix, check in guards if room.startswith(prefix)), None)


def _recheck_local(server: Any, app: Flask, room: str, namespace: str) -> None:
    """This process's sockets in ``room`` leave every guarded room they may no longer be in."""
    try:
        sids = [sid for sid, _eio_sid in server.manager.get_participants(namespace, room)]
    except KeyError:
        return
    # a fresh app context: a session of its own (this may run in a commit hook or the
    # queue's listener, where the request's session cannot or does not exist)
    with app.app_context():
        try:
            for sid in sids:
                rooms = list(server.manager.get_rooms(sid, namespace))
                owner = next(
                    (int(r[5:]) for r in rooms if isinstance(r, str) and r.startswith("user:")),
                    None,
                )
                for joined in rooms:
                    check = _guard_of(joined)
                    if check is not None and (owner is None or not check(owner, joined)):
                        server.leave_room(sid, joined, namespace=namespace)
        except Exception:
            db.session.rollback()
            log.exception("realtime: re-checking the rooms of %s failed", room)


def recheck_rooms(room: str, namespace: str) -> None:
    """Now, on every process: the sockets in ``room`` leave the guarded rooms (topics,
    projects) whose access check they no longer pass. Call it after the change committed."""
    server = socketio.server
    if server is None:
        return
    if isinstance(server.manager, QueueManager):
        server.manager.emit(RECHECK_ROOMS, None, namespace=namespace, room=room)
    else:
        _recheck_local(server, current_app._get_current_object(), room, namespace)  # type: ignore[attr-defined]


def recheck_rooms_after_commit(room: str, namespace: str) -> None:
    """:func:`recheck_rooms` once the current transaction commits (a topic hidden, a project
    made private: its watchers who lost access stop receiving its events)."""
    emit_after_commit(RECHECK_ROOMS, None, to=room, namespace=namespace)


class QueueManager(python_socketio.RedisManager):
    """Flask-SocketIO's Redis manager with two additions (see the module docstring)."""

    def __init__(self, *args: Any, app: Flask | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._subscribed_before = False
        self.app = app  # for the room re-checks, which read the database

    def disconnect_room(self, room: str) -> None:
        """Every process disconnects its sockets in ``room`` (this one at once)."""
        self.emit(DISCONNECT_ROOM, None, namespace="/", room=room)

    def _handle_emit(self, message: dict[str, Any]) -> None:
        # runs for local emits and for those received from the other processes
        if message.get("event") == DISCONNECT_ROOM:
            room = message.get("room")
            if isinstance(room, str):
                _disconnect_local(self.server, room)
            return
        if message.get("event") == RECHECK_ROOMS:
            room, namespace = message.get("room"), message.get("namespace")
            if isinstance(room, str) and isinstance(namespace, str) and self.app is not None:
                _recheck_local(self.server, self.app, room, namespace)
            return
        super()._handle_emit(message)

    def _redis_connect(self) -> None:
        super()._redis_connect()
        # Keep subscribe confirmations: each one after the first tells that the subscription
        # was re-established (by redis-py's reconnect or the manager's retry loop).
        self.pubsub = self.redis.pubsub(ignore_subscribe_messages=False)

    def _listen(self) -> Iterator[Any]:
        channel = self.channel.encode("utf-8")
        for message in self._redis_listen_with_retries():
            if message.get("channel") != channel:
                continue
            if message.get("type") == "subscribe":
                if self._subscribed_before:
                    self._resync_local()
                self._subscribed_before = True
            elif message.get("type") == "message" and "data" in message:
                yield message["data"]

    def _resync_local(self) -> None:
        log.warning("realtime: message queue re-subscribed; asking local clients to resync")
        for namespace in list(self.rooms):
            try:
                self.server.emit(
                    RESYNC, {"reason": "queue_reconnected"}, namespace=namespace, ignore_queue=True
                )
            except Exception:
                log.exception("realtime: resync of %s failed", namespace)


def _disconnect_revoked(_sender: Any, credential_ids: list[int], **_kw: Any) -> None:
    """Sent inside the revoking transaction: the sockets close once it is committed."""
    after_commit(functools.partial(_disconnect_credentials, list(credential_ids)))


def _disconnect_credentials(credential_ids: list[int]) -> None:
    server = socketio.server
    if server is None:
        return
    for cred_id in credential_ids:
        room = credential_room(cred_id)
        if isinstance(server.manager, QueueManager):
            server.manager.disconnect_room(room)
        else:
            _disconnect_local(server, room)


credentials_revoked.connect(_disconnect_revoked)


def check_redis(url: str) -> None:
    """Fail fast, naming ``REDIS_URL``, when the message queue cannot be reached."""
    import redis  # lazy: the redis client is loaded only when REDIS_URL is set

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except (redis.RedisError, OSError, ValueError) as exc:
        shown = _without_password(url)
        raise ConfigError(
            f"Cannot reach Redis at REDIS_URL={shown!r}: {str(exc).replace(url, shown)}"
        ) from exc


def _without_password(url: str) -> str:
    """``url`` with its password masked, fit for an error message or a log."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def init_realtime(app: Flask) -> None:
    cfg = app.config["JAM3IA"]
    if cfg.redis_url:
        check_redis(cfg.redis_url)
    socketio.init_app(
        app,
        async_mode=cfg.async_mode,
        message_queue=cfg.redis_url,
        # always given: the module-level SocketIO keeps options between apps (tests)
        client_manager=QueueManager(cfg.redis_url, channel=cfg.redis_channel, app=app)
        if cfg.redis_url
        else None,
        cors_allowed_origins=list(cfg.socket_origins) or None,  # None: same origin only
        logger=False,
        engineio_logger=False,
        ping_interval=20,
        ping_timeout=20,
        # the transport's frame limit: above it the connection is closed; handlers answer
        # ``too_large`` to events over ``socket_event_max_bytes``, which stays below it
        max_http_buffer_size=max(cfg.socket_buffer_max_bytes, cfg.socket_event_max_bytes + 1024),
    )
    cap_addresses(socketio.server, cfg.max_sockets_per_address, cfg.proxy_count)


def cap_addresses(server: Any, cap: int, proxy_count: int) -> None:
    """Refuse a transport beyond ``cap`` open ones from its address (in this process), before
    any namespace: a 401 whose body says ``too_many_sockets``."""

    eio = server.eio
    caps = SocketCaps()
    on_connect, on_disconnect = eio.handlers["connect"], eio.handlers["disconnect"]

    def connect(eio_sid: str, environ: dict[str, Any]) -> Any:
        address = client_address(environ, proxy_count)
        if not caps.take(eio_sid, address, cap):
            log.warning("realtime: %s refused: too many sockets from this address", address)
            return {"message": TOO_MANY_SOCKETS}
        try:
            result = on_connect(eio_sid, environ)
        except BaseException:
            caps.release(eio_sid)
            raise
        if result is not None and result is not True:
            caps.release(eio_sid)
        return result

    def disconnect(eio_sid: str, *args: Any) -> Any:
        try:
            return on_disconnect(eio_sid, *args)
        finally:
            caps.release(eio_sid)

    eio.on("connect", connect)
    eio.on("disconnect", disconnect)
