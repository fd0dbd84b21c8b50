"""Who is making the request: session cookie or bearer token, both backed by ``Credential``.

``load_actor()`` runs before every request; ``current_user`` is the signed-in ``User`` or
``None``. ``login_required`` protects pages (redirect to log in) and API endpoints (401).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import g, redirect, request, session, url_for
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload
from werkzeug.local import LocalProxy

from app.accounts.models import Credential, User
from app.api import ApiError, wants_json
from app.db import db, transaction, utcnow
from app.security import secret_digest

SESSION_KEY = "sid"
# last_used_at is refreshed at most this often, to keep reads from turning into writes.
TOUCH_EVERY = dt.timedelta(minutes=5)

F = TypeVar("F", bound=Callable[..., Any])


#: built once (every request runs it): the credential and its user in one statement
_BY_SECRET = (
    select(Credential)
    .options(joinedload(Credential.user))
    .where(Credential.secret_hash == bindparam("digest"), Credential.kind == bindparam("kind"))
)


def find_credential(secret: str, kind: str) -> Credential | None:
    """The live credential of ``kind`` whose secret is ``secret``, else ``None``."""
    if not secret or len(secret) > 200:
        return None
    cred = db.session.scalar(_BY_SECRET, {"digest": secret_digest(secret), "kind": kind})
    if cred is None or not cred.is_live() or not cred.user.is_active:
        return None
    return cred


def _bearer_secret() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def load_actor() -> None:
    """Resolve the caller once per request into ``g.user`` / ``g.credential``."""
    g.user = None
    g.credential = None
    g.auth_via = None
    bearer = _bearer_secret()
    if bearer is not None:
        cred = find_credential(bearer, "token")
        if cred is None:
            raise ApiError(401, "invalid_token", "The token is invalid, expired or revoked.")
        g.auth_via = "token"
    else:
        secret = session.get(SESSION_KEY)
        cred = find_credential(secret, "session") if isinstance(secret, str) else None
        if cred is None:
            session.pop(SESSION_KEY, None)
            return
        g.auth_via = "session"
    g.user, g.credential = cred.user, cred
    now = utcnow()
    if now - cred.last_used_at > TOUCH_EVERY:
        with transaction():  # its own small write, before the request's own work
            cred.last_used_at = now


def get_current_user() -> User | None:
    return cast(User | None, g.get("user"))


current_user: User | None = LocalProxy(get_current_user)  # type: ignore[assignment]


def require_user() -> User:
    """The signed-in user, or a 401 error."""
    user = get_current_user()
    if user is None:
        raise ApiError(401, "unauthorized", "Please sign in.")
    return user


def login_required(view: F) -> F:
    """Pages redirect anonymous visitors to log in; API endpoints answer 401."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if get_current_user() is None:
            if wants_json():
                raise ApiError(401, "unauthorized", "Please sign in.")
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return cast(F, wrapped)


def admin_required(view: F) -> F:
    """Only platform administrators; others get 403 (they know the page exists)."""

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        user = get_current_user()
        if user is None or not user.is_admin:
            raise ApiError(403, "forbidden", "Only platform administrators may do this.")
        return view(*args, **kwargs)

    return cast(F, wrapped)
