"""Named rate limits, defined once and applied the same on every face.

Each action that can be abused has one name here (:data:`RATE_LIMITS`) with a default rule in
the ``limits`` syntax (``"30 per minute;300 per hour"``); the ``rate_limits`` setting (or an
environment variable ``JAM3IA_RATE_LIMIT_<NAME>``) overrides it. There is one way to apply a
named limit on each kind of face:

- :func:`rate_limit` decorates HTML routes and API views (Flask-Limiter's shared limits, so
  the page and the API of one action share a counter; an excess answers 429);
- :func:`check` (raises an :class:`~app.api.ApiError` 429) or :func:`hit` (returns a bool) in
  socket handlers.

Both count in Flask-Limiter's storage (memory, or Redis when ``REDIS_URL`` is set) under the
same key, per person when signed in and per address otherwise: a person's chat sends through
the form, the API and the socket count together, across processes with Redis.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from flask import Flask, current_app, g, has_request_context, request
from flask_babel import gettext as _
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

from app.api import ApiError
from app.config import ConfigError
from app.security import limiter

log = logging.getLogger("jam3ia.limits")

F = TypeVar("F", bound=Callable[..., Any])

#: name -> default rule. Keep each action's name stable: it is also a setting.
RATE_LIMITS: dict[str, str] = {
    # accounts (per address: nobody is signed in yet)
    "login": "10 per minute;50 per hour",
    "register": "5 per minute;30 per hour",
    "password_reset": "5 per minute;20 per hour",  # asking for a reset mail
    # writing for others to read
    "post": "30 per minute",  # forum topics and replies
    "post_edit": "30 per minute;300 per hour",  # forum post edits (page and API)
    "project_write": "30 per minute",  # projects, milestones, activities
    "library_write": "30 per minute",  # documents, versions, consents, authorisations
    "knowledge_write": "30 per minute;300 per hour",  # knowledge pages and activity reports
    "offer_post": "10 per minute;30 per day",  # free offers (page and API), edits, withdrawals
    "blood_request": "3 per day",  # blood donation requests
    "offer_check": "60 per minute",  # the composer's live rule check
    "offer_claim": "20 per minute;100 per day",  # requests for offers and their answers
    "expert_profile": "10 per minute;50 per day",  # expert profiles and availability
    "expert_request": "10 per minute;30 per day",  # associations' requests for a specialist
    "expert_answer": "30 per minute;200 per day",  # offers answered, answers, ratings, chats
    "campaign_write": "30 per minute;300 per day",  # campaigns drafted, live, closed, updates
    "campaign_give": "10 per minute;50 per day",  # pledges, incognito, withdrawn pledges
    # treasurers: confirmations, refunds, expenses, statements, manual matches
    "campaign_money": "60 per minute",
    "campaign_personal_read": "30 per minute;300 per day",  # contributors' names and emails
    "expert_session": "10 per minute;60 per day",  # sessions booked, moved, cancelled, held
    # calls for volunteers, applications and their answers, hours, certificates (page and API)
    "volunteer_write": "30 per minute;300 per day",
    "volunteer_shift": "30 per minute",  # shift sign-ups, cancels, check-in/out, no-shows
    # an open feed (re)watching its filters, visitors included (then per address)
    "feed_watch": "120 per minute",
    "avatar": "10 per minute;30 per day",  # profile pictures (page and API)
    "aid_register": "20 per minute;300 per day",  # households registered by an association
    "aid_self_register": "3 per hour;5 per day",  # a person registering their own household
    "aid_write": "60 per minute",  # verification, duplicates, stock, distributions, collection
    "aid_personal_read": "30 per minute;300 per day",  # reading a household's personal fields
    "aid_grievance": "5 per hour;20 per day",
    # a card and its PIN (or a delivery's PIN) tried by a distributor: collections, proofs
    "aid_card": "30 per minute;600 per day",  # grievances filed about an association's aid
    # the cross-association check, per association (counted in the database, audited)
    "aid_network_check": "60 per hour",
    "association_create": "10 per minute;30 per day",
    "association_join": "30 per minute",  # join requests
    # chat
    "chat_send": "30 per minute",
    "message_edit": "30 per minute;300 per hour",
    "conversation_start": "10 per minute;100 per day",
    "people_search": "60 per minute",  # the chat's people picker
    "typing": "60 per minute",
    "read": "120 per minute",
}

#: Older settings that still name the rule of a limit (``rate_limits`` wins over them).
_LEGACY_SETTINGS = {
    "login": "login_rate_limit",
    "register": "register_rate_limit",
    "post": "post_rate_limit",
    "project_write": "post_rate_limit",
    "association_join": "post_rate_limit",
}


def rule(name: str) -> str:
    """The rule in force for limit ``name`` in the current app."""
    cfg = current_app.config["JAM3IA"]
    if name in cfg.rate_limits:
        return str(cfg.rate_limits[name])
    legacy = _LEGACY_SETTINGS.get(name)
    if legacy is not None:
        return str(getattr(cfg, legacy))
    return RATE_LIMITS[name]


def items(name: str) -> list[RateLimitItem]:
    """The parsed rule of limit ``name`` (the first item is the shortest window)."""
    return parse_many(rule(name))


def validate(rates: Mapping[str, str]) -> None:
    """Refuse unknown names and unreadable rules (at start-up, naming the setting)."""

    for name, value in rates.items():
        if name not in RATE_LIMITS:
            known = ", ".join(sorted(RATE_LIMITS))
            raise ConfigError(f"rate_limits: unknown limit {name!r} (known: {known})")
        try:
            parse_many(value)
        except ValueError as exc:
            raise ConfigError(f"rate_limits: {name}={value!r} is not a rule: {exc}") from exc


def client_address(environ: Mapping[str, Any], count: int) -> str:
    """The client's address: ``REMOTE_ADDR``, or behind ``count`` proxies the address they
    forwarded (as ProxyFix computes it; socket requests do not pass through ProxyFix)."""
    remote = str(environ.get("REMOTE_ADDR") or "unknown")
    if "werkzeug.proxy_fix.orig" in environ:  # ProxyFix already did it
        return remote
    if not count:
        return remote
    forwarded = [a.strip() for a in str(environ.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    forwarded = [a for a in forwarded if a]
    return forwarded[-count] if len(forwarded) >= count else remote


def key_for(user_id: int | None) -> str:
    """The counter key: the person when signed in, else the address."""
    if user_id is not None:
        return f"user:{user_id}"
    if not has_request_context():
        return "addr:unknown"
    address = client_address(request.environ, current_app.config["JAM3IA"].proxy_count)
    return f"addr:{address}"


def _request_key() -> str:
    user = g.get("user")
    return key_for(user.id if user is not None else None)


def rate_limit(name: str, *, methods: list[str] | None = None) -> Callable[[F], F]:
    """Decorate a route or API view with limit ``name`` (only for ``methods`` if given: a
    page that shows a form on GET counts its POSTs)."""
    if name not in RATE_LIMITS:
        raise KeyError(name)
    decorator = limiter.shared_limit(
        lambda: rule(name), scope=name, key_func=_request_key, methods=methods
    )
    return decorator  # type: ignore[return-value]


def _fallback() -> FixedWindowRateLimiter:
    ext = current_app.extensions
    if "jam3ia_limits_fallback" not in ext:
        ext["jam3ia_limits_fallback"] = FixedWindowRateLimiter(MemoryStorage())
    fallback: FixedWindowRateLimiter = ext["jam3ia_limits_fallback"]
    return fallback


def hit(name: str, user_id: int | None = None) -> bool:
    """Count one use of ``name`` by ``user_id`` (or the request's address); false when over
    the limit. For socket handlers: call it before opening a transaction (with Redis it may
    yield to other greenlets)."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return True
    key = key_for(user_id)
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    args = [prefix, key, name] if prefix else [key, name]
    try:
        strategy = limiter.limiter
        return all(strategy.hit(item, *args) for item in items(name))
    except Exception as exc:  # the storage is away: count in this process meanwhile
        log.warning("rate limit %s: storage unreachable (%s); counting in memory", name, exc)
        fallback = _fallback()
        return all(fallback.hit(item, *args) for item in items(name))


def check(name: str, user_id: int | None = None) -> None:
    """:func:`hit`, raising a 429 ``rate_limited`` error when over the limit."""
    if not hit(name, user_id):
        raise ApiError(429, "rate_limited", _("Too many requests. Please wait a moment."))


def init_limits(app: Flask) -> None:
    """Check the configured rules once, at start-up."""
    validate(app.config["JAM3IA"].rate_limits)
