"""The export of one's own data: a zip archive with ``data.json`` (and ``files/``).

The core writes the account, its sessions and notifications; each feature adds its part
through ``registry().export_sections`` (``(user) -> {key: JSON-ready value}``), and files
through ``registry().export_files`` (``(user) -> [(name, bytes)]``), so that the core imports
no feature.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from typing import Any

from flask import Response
from sqlalchemy import select

from app.accounts import avatars
from app.accounts.models import Credential, User
from app.db import db, utcnow
from app.notifications.models import Notification
from app.plugins import registry

README = """This archive holds the personal data that jam3ia keeps about you.

data.json: your account, your sessions, your notifications, and what you wrote or joined
(associations, forum posts, messages, projects), as JSON. files/: the files you uploaded.
"""


AVATAR_NAME = "avatar.jpg"


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"cannot export {type(value).__name__}")


def account_data(user: User) -> dict[str, Any]:
    """What the core keeps: the account, its sessions and tokens, its notifications."""

    credentials = db.session.scalars(
        select(Credential).where(Credential.user_id == user.id).order_by(Credential.id)
    )
    notifications = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    )
    return {
        "account": {
            "id": user.id,
            "username": user.username,
            "email": user.email,
            "display_name": user.display_name,
            "bio": user.bio,
            "skills": list(user.skills or []),
            "avatar": f"files/{AVATAR_NAME}" if user.avatar else None,
            "locale": user.locale,
            "is_admin": user.is_admin,
            "created_at": user.created_at,
            "password_changed_at": user.password_changed_at,
        },
        "sessions": [
            {
                "kind": c.kind,
                "label": c.label,
                "created_at": c.created_at,
                "last_used_at": c.last_used_at,
                "expires_at": c.expires_at,
                "revoked_at": c.revoked_at,
            }
            for c in credentials
        ],
        "notifications": [
            {
                "kind": n.kind,
                "text": str(n.sentence(html=False)),
                "url": n.url,
                "created_at": n.created_at,
            }
            for n in notifications
        ],
    }


def build_export(user: User) -> bytes:
    """The zip archive of ``user``'s own data."""
    data: dict[str, Any] = {"exported_at": utcnow(), **account_data(user)}
    reg = registry()
    for section in reg.export_sections:
        data.update(section(user))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json", json.dumps(data, ensure_ascii=False, indent=2, default=_default)
        )
        archive.writestr("README.txt", README)
        picture = avatars.folder() / user.avatar if user.avatar else None
        if picture is not None and picture.is_file():
            archive.writestr(f"files/{AVATAR_NAME}", picture.read_bytes())
        for files in reg.export_files:
            for name, content in files(user):
                archive.writestr(f"files/{name}", content)
    return out.getvalue()


def export_filename(user: User) -> str:
    return f"jam3ia-{user.username}-{utcnow():%Y%m%d}.zip"


def export_response(user: User) -> Response:
    """The download of ``user``'s archive (the page and the API answer the same)."""
    return Response(
        build_export(user),
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{export_filename(user)}"',
            "Cache-Control": "no-store",
        },
    )
