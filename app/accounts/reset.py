"""Password reset by mail: a signed, single-use link valid for one hour.

The token carries the user id and a digest of the current password hash, signed with the
secret key (itsdangerous, timestamped): once the password changes, the digest no longer matches
and every earlier link is dead. Asking always gets the same answer, whether an account uses
the address or not (no account enumeration).
"""

from __future__ import annotations

import hashlib
import time

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select

from app.accounts.models import EMAIL_MAX, User
from app.accounts.services import ValidationFailed, _validate_account, revoke_credentials
from app.api import ApiError
from app.db import db, utcnow
from app.mail import send_after_commit
from app.security import hash_password
from app.signals import password_changed
from app.urls import public_url

#: How long a reset link works, in seconds.
RESET_MAX_AGE = 3600
_SALT = "jam3ia.password-reset"


def clock() -> float:
    """Seconds since the epoch; tests move it forward."""
    return time.time()


class _Signer(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(clock())


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT, signer=_Signer)


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:20]


def make_reset_token(user: User) -> str:
    """A reset token for ``user``, dead once their password changes or after one hour."""
    return str(_serializer().dumps([user.id, _fingerprint(user)]))


def invalid_token() -> ApiError:
    return ApiError(
        400,
        "invalid_token",
        _("This password reset link is invalid, expired or already used. Ask for a new one."),
    )


def user_for_token(token: str) -> User:
    """The user a valid, unused, unexpired token belongs to; 400 ``invalid_token`` otherwise."""
    try:
        data = _serializer().loads(token or "", max_age=RESET_MAX_AGE)
    except (SignatureExpired, BadSignature) as exc:
        raise invalid_token() from exc
    if not (isinstance(data, list) and len(data) == 2 and isinstance(data[0], int)):
        raise invalid_token()
    user = db.session.get(User, data[0])
    if user is None or not user.is_active or user.deleted_at is not None:
        raise invalid_token()
    if data[1] != _fingerprint(user):
        raise invalid_token()
    return user


def request_password_reset(email: str) -> None:
    """Mail a reset link if an active account uses ``email``; say nothing either way."""
    email = (email or "").strip()[:EMAIL_MAX]
    if not email:
        return
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))
    if user is None or not user.is_active or user.deleted_at is not None:
        return
    token = make_reset_token(user)
    send_after_commit(
        "password_reset",
        user.email,
        user.locale,
        name=user.display_name,
        link=public_url("accounts.reset_password", token=token),
        home_url=public_url("core.home"),
    )


def confirm_password_reset(token: str, password: str) -> User:
    """Set a new password from a reset link and end every session and token of the user."""
    user = user_for_token(token)
    errors = _validate_account(None, None, password, None)
    if errors:
        raise ValidationFailed({"password": errors["password"]})
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    password_changed.send(current_app._get_current_object(), user_id=user.id)  # type: ignore[attr-defined]
    revoke_credentials(user.id)
    return user


__all__ = [
    "RESET_MAX_AGE",
    "confirm_password_reset",
    "make_reset_token",
    "request_password_reset",
    "user_for_token",
]
