"""Messaging objects as API and push dictionaries (no queries)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask_babel import gettext as _

from app.accounts.models import User
from messaging.models import Conversation, Message


def serialize_message(m: Message | SimpleNamespace) -> dict[str, Any]:
    deleted = m.deleted_at is not None
    return {
        "id": m.id,
        "conversation_id": m.conversation_id,
        "sender_id": m.sender_id,
        "body": "" if deleted else m.body,
        "body_html": "" if deleted else m.body_html,
        "client_id": m.client_id,
        "created_at": m.created_at.isoformat(),
        "edited_at": m.edited_at.isoformat() if m.edited_at else None,
        "deleted": deleted,
    }


def preview(m: Message | None) -> dict[str, Any] | None:
    return serialize_message(m) if m is not None else None


def display_title(conversation: Conversation, viewer: User, people: list[User]) -> str:
    if conversation.title:
        return conversation.title
    others = [p.public_name for p in people if p.id != viewer.id]
    return ", ".join(others[:4]) or _("Just you")
