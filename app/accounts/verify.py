"""Email verification (``JAM3IA_VERIFY_EMAIL``, off by default).

When on, a new account gets a mail with a signed link (valid 7 days, bound to the address);
until it is opened the account can read but not write: every non-read request outside the
account pages answers 403 ``email_unverified`` with a message saying what to do. Accounts made
before the setting was turned on count as verified (migration ``0009_mail``).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, has_request_context, request
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.accounts.auth import get_current_user
from app.accounts.models import User
from app.api import ApiError
from app.db import db, utcnow
from app.mail import send_after_commit
from app.signals import user_created
from app.urls import public_base, public_url

VERIFY_MAX_AGE = 7 * 24 * 3600
_SALT = "jam3ia.verify-email"
#: Blueprints an unverified person may still write to: their account (log out, settings,
#: password, verification) and marking notifications read.
_ALLOWED_BLUEPRINTS = frozenset({"accounts", "notifications", "core"})
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def enabled() -> bool:
    return bool(current_app.config["JAM3IA"].verify_email)


def make_verify_token(user: User) -> str:
    """The signed token of ``user``'s verification link (valid ``VERIFY_MAX_AGE``)."""
    return str(_serializer().dumps([user.id, user.email.lower()]))


def send_verification(user: User) -> None:
    """Queue the verification mail of ``user`` (sent when the transaction commits)."""
    token = make_verify_token(user)
    send_after_commit(
        "verify_email",
        user.email,
        user.locale,
        name=user.display_name,
        link=public_url("accounts.verify_email", token=token),
        home_url=public_url("core.home"),
    )


def verify(token: str) -> User | None:
    """Mark the address of a valid link verified; the user, or ``None`` for a bad link."""
    try:
        data = _serializer().loads(token or "", max_age=VERIFY_MAX_AGE)
    except BadSignature:
        return None
    if not (isinstance(data, list) and len(data) == 2 and isinstance(data[0], int)):
        return None
    user = db.session.get(User, data[0])
    if user is None or user.deleted_at is not None or user.email.lower() != data[1]:
        return None
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    return user


def unverified_message() -> str:
    return str(
        _(
            "Confirm your email address first: open the link we mailed you. Until then you can "
            "read but not post."
        )
    )


def _on_user_created(_sender: Any, user_id: int, **_kw: Any) -> None:
    if not enabled():
        return
    user = db.session.get(User, user_id)
    if user is None:
        return
    if has_request_context():
        send_verification(user)
    else:  # CLI (create-admin): url_for needs a request
        with current_app.test_request_context("/", base_url=public_base()):
            send_verification(user)


def _refuse_unverified_writes() -> None:
    if request.method in _SAFE_METHODS or not enabled():
        return
    if request.blueprint in _ALLOWED_BLUEPRINTS:
        return
    user = get_current_user()
    if user is not None and user.email_verified_at is None:
        raise ApiError(403, "email_unverified", unverified_message())


def init_verification(app: Flask) -> None:
    user_created.connect(_on_user_created, weak=False)
    app.before_request(_refuse_unverified_writes)


__all__ = ["init_verification", "send_verification", "verify"]
