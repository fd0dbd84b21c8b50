"""What every Socket.IO namespace's event handlers share: one shape of answer, one guard.

An event is answered with an ack, ``{"ok": true, ...}`` (:func:`ok`) or ``{"ok": false,
"error": {"code", "message", "fields"}}`` (:func:`error_ack`), the same error body as the JSON
API, translated into the person's language. :func:`handler` (and :func:`limited`, which also
counts the event against a named rate limit of :mod:`app.limits`, the same counter as the
page and the API of that action) wraps a namespace method ``fn(self, user, data)``:

- the payload must be a small JSON object (at most ``MAX_PAYLOAD_KEYS`` keys and
  ``socket_event_max_bytes`` bytes), else ``bad_payload`` / ``too_large``;
- the rate limit is counted before any database work (the counter may yield to other
  greenlets, and no transaction may be open then: SQLite writers would wait on a lock whose
  holder cannot run);
- the socket's credential is checked again (a revoked session is ``unauthorized`` at once);
- the handler runs as one :func:`app.db.transaction`: committed when it returns (pushes queued
  with ``emit_after_commit`` leave then), rolled back when it raises. An ``ApiError`` becomes
  its ack; anything else is logged and answered ``internal_error``: the connection survives
  whatever a client sends.

A visitor's socket (on a :class:`app.realtime.PublicNamespace`) is answered ``unauthorized``
by these handlers. :func:`public` wraps the few read-only ones that serve visitors too
(``fn(self, user_or_None, data)``): the same payload checks and named rate limit (counted per
address for a visitor, per person otherwise); a signed-in socket is served as by
:func:`limited`; a visitor's event runs without a write transaction: whatever it touched is
rolled back and nothing is pushed after it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol

from flask import current_app, session
from flask_babel import gettext as _

from app.accounts.models import User
from app.api import ApiError
from app.db import db, transaction
from app.limits import hit as hit_limit
from app.realtime import SOCKET_USER

log = logging.getLogger("jam3ia.sockets")

Ack = dict[str, Any]
MAX_PAYLOAD_KEYS = 10


class _Namespace(Protocol):
    def user(self) -> User | None: ...


Handler = Callable[[Any, User, dict[str, Any]], Ack]
PublicHandler = Callable[[Any, User | None, dict[str, Any]], Ack]
Event = Callable[..., Ack]


def ok(**fields: Any) -> Ack:
    """A successful answer carrying ``fields``."""
    return {"ok": True, **fields}


def error_ack(code: str, message: str, fields: dict[str, Any] | None = None) -> Ack:
    """A refusal: a stable ``code``, a translated ``message``, per-field details."""
    return {"ok": False, "error": {"code": code, "message": message, "fields": fields or {}}}


def int_field(data: dict[str, Any], key: str) -> int:
    """The integer ``data[key]`` (an id: an unknown one is the caller's 404), or a 422 naming
    the field."""
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError(
            422,
            "validation_failed",
            _("%(key)s must be an integer.", key=key),
            {key: ["invalid"]},
        )
    return value


def _too_large(data: dict[str, Any]) -> bool:
    """Whether the payload is over the handlers' size limit (``socket_event_max_bytes``,
    below the transport's frame limit so that the client gets an answer)."""
    limit = int(current_app.config["JAM3IA"].socket_event_max_bytes)
    try:
        size = len(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())
    except (TypeError, ValueError):  # binary attachments and the like: not an event payload
        return True
    return size > limit


def handler(fn: Handler) -> Event:
    """Guard an event handler ``fn(self, user, data)`` (see the module's docstring)."""
    return _guard(fn, limit=None)


def limited(name: str) -> Callable[[Handler], Event]:
    """:func:`handler` that also counts the event against the named rate limit ``name``."""
    return lambda fn: _guard(fn, limit=name)


def public(name: str) -> Callable[[PublicHandler], Event]:
    """A read-only handler that visitors may call too, counted against the named rate limit
    ``name`` (see the module's docstring); ``fn`` gets ``user=None`` for a visitor."""
    return lambda fn: _guard(fn, limit=name, visitors=True)


def _guard(fn: Handler, *, limit: str | None, visitors: bool = False) -> Event:
    @wraps(fn)
    def wrapper(self: _Namespace, data: Any = None, *_extra: Any) -> Ack:
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
            # per person when signed in, per address for a visitor
            if not hit_limit(limit, int(user_id) if user_id is not None else None):
                return error_ack("rate_limited", _("Too many requests. Please wait a moment."))
        try:
            if _is_visitor(self):
                if not visitors:
                    return error_ack("unauthorized", _("Please sign in."))
                return _as_visitor(fn, self, data)
            with transaction():
                user = self.user()
                if user is None:
                    return error_ack("unauthorized", _("Please sign in."))
                return fn(self, user, data)
        except ApiError as error:
            return error_ack(error.error_code, error.message or error.error_code, error.fields)
        except Exception:
            log.exception("socket event %s failed", fn.__name__)
            return error_ack("internal_error", _("Something went wrong on our side."))

    return wrapper


def _is_visitor(namespace: _Namespace) -> bool:
    """Whether the event's socket is a visitor's (only a ``PublicNamespace`` has them)."""
    check = getattr(namespace, "is_visitor", None)
    return bool(check is not None and check())


def _as_visitor(fn: Handler, namespace: _Namespace, data: dict[str, Any]) -> Ack:
    """Run a public handler for a visitor: read-only, so never committed (a stray write is
    dropped with its queued pushes)."""
    try:
        return fn(namespace, None, data)  # type: ignore[arg-type]
    finally:
        db.session.rollback()
