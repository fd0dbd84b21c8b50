"""A person's picture: uploaded from the settings page or the API, cut to a square, re-encoded
as JPEG without metadata under ``instance/uploads/avatars``; without one, pages show the
initials. The file name changes with each upload, so it is served with a long cache."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask, current_app
from flask_babel import gettext as _

from app.accounts.models import User
from app.db import after_commit, db
from app.images import encode, read_image, square
from app.plugins import registry

__all__ = ["MAX_BYTES", "avatar_url", "folder", "remove_avatar", "set_avatar"]

#: A photo straight from a phone's camera (3-6 MB) is fine: it is made 256 px.
MAX_BYTES = 8 * 1024 * 1024
SIDE = 256


def folder() -> Path:
    path = Path(current_app.instance_path) / "uploads" / "avatars"
    path.mkdir(parents=True, exist_ok=True)
    return path


def avatar_url(user: User | None) -> str | None:
    """``user.avatar_url`` for templates, where the person may be missing (a deleted author)."""
    return user.avatar_url if user is not None else None


def set_avatar(user: User, data: bytes) -> User:
    """Replace ``user``'s picture with ``data`` (JPEG, PNG or WebP); the old file goes when
    the change is committed (the new one stays unnamed if it is rolled back)."""
    image = read_image(
        data,
        max_bytes=MAX_BYTES,
        too_large=_("The picture must be at most %(n)d MB.", n=MAX_BYTES // (1024 * 1024)),
        unsupported=_("Send a JPEG, PNG or WebP photo."),
    )
    name = f"{user.id}-{secrets.token_hex(8)}.jpg"
    (folder() / name).write_bytes(encode(square(image, SIDE)))
    _forget(user.avatar)
    user.avatar = name
    db.session.flush()
    return user


def remove_avatar(user: User) -> User:
    """Go back to initials (the file goes when the change is committed)."""
    _forget(user.avatar)
    user.avatar = None
    db.session.flush()
    return user


def _forget(name: str | None) -> None:
    if name:
        path = folder() / name
        after_commit(lambda: path.unlink(missing_ok=True))


def register_avatars(app: Flask) -> None:
    """Templates get ``avatar_url(user)``; the upload endpoints take a phone photo."""

    app.jinja_env.globals["avatar_url"] = avatar_url
    for endpoint in ("accounts.upload_avatar", "accounts_api.put_avatar"):
        registry(app).upload_limits[endpoint] = lambda: MAX_BYTES + 64 * 1024
