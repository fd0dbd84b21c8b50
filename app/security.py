"""Security plumbing: password hashing, CSRF policy, headers (nonce CSP) and rate limits."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect

from app.api import API_PREFIX
from app.plugins import registry

_hasher = PasswordHasher()  # argon2id with argon2-cffi's RFC 9106 low-memory defaults
# Verified against when the login names nobody, so both answers take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)
#: Only for its per-view decorator (``@talisman(content_security_policy=...)``), which marks
#: the view function. Each app gets its own Talisman (``app.extensions["talisman"]``, see
#: :func:`init_security`): Talisman keeps its options on itself, so one shared instance would
#: serve every app the policy of the last one built.
talisman = Talisman()

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

CSP: dict[str, Any] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    # plus the map tiles' origin, per app (see content_security_policy)
    "img-src": ["'self'", "data:"],
    "font-src": "'self'",
    "connect-src": ["'self'", "ws:", "wss:"],
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def content_security_policy(app: Flask) -> dict[str, Any]:
    """The app's CSP: :data:`CSP`, with images also allowed from the map tiles' server."""
    policy = dict(CSP)
    origin = app.config["JAM3IA"].map_tiles_origin
    if origin:
        policy["img-src"] = [*CSP["img-src"], origin]
    return policy


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; spends the same time when there is no hash."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def new_secret() -> str:
    """A fresh random secret for a session or token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def secret_digest(secret: str) -> str:
    """What is stored of a secret: SHA-256 is enough for 256 random bits."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


#: the content types an HTML form on another site can post
_FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"})


def csrf_required() -> bool:
    """Whether the current request must carry a CSRF token.

    Every write sent with the browser's cookies needs one (forms and cookie-authenticated JSON).
    Bearer-token requests carry no ambient authority, and a request without a session cookie
    acts as nobody, so neither needs one, save a form post to a page (login CSRF).
    """
    if request.method in SAFE_METHODS:
        return False
    if g.get("auth_via") == "token":
        return False
    if request.cookies.get(current_app.config["SESSION_COOKIE_NAME"]):
        return True
    # Without the session cookie the request acts as nobody. Only what a cross-site form can
    # send still needs the token (a forged login would sign the victim in as the attacker),
    # and only off the API, which never signs a browser in: there an anonymous upload gets
    # the API's "sign in" (401) rather than a CSRF refusal no API client could avoid.
    return (
        request.method == "POST"
        and request.mimetype in _FORM_TYPES
        and not request.path.startswith(API_PREFIX + "/")
    )


def _endpoint_upload_limit() -> None:
    """Raise this request's size limit where a feature registered a larger one (before the
    CSRF check, which is the first to read a form body)."""

    limit = registry().upload_limits.get(request.endpoint or "")
    if limit is not None:
        request.max_content_length = limit()


def init_security(app: Flask) -> None:
    """Bind CSRF, the rate limiter and the security headers to ``app``."""
    app.before_request(_endpoint_upload_limit)
    csrf.init_app(app)
    limiter.init_app(app)
    production = app.config["JAM3IA"].env == "production"
    app.extensions["talisman"] = Talisman(
        app,
        force_https=False,  # TLS ends at the reverse proxy (see deploy/nginx.conf)
        strict_transport_security=production,
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        session_cookie_samesite="Lax",
        content_security_policy=content_security_policy(app),
        content_security_policy_nonce_in=["script-src"],
        referrer_policy="strict-origin-when-cross-origin",
        frame_options="DENY",
        permissions_policy={"geolocation": "(self)", "camera": "()", "microphone": "()"},
    )
