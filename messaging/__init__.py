"""Messaging: direct, group and association conversations with exactly-once realtime delivery.

Public API: ``register(app)`` and ``NAMESPACE`` (``/chat``).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select

from app.accounts.auth import get_current_user
from app.db import db
from app.realtime import emit_after_commit, socketio, user_room
from app.signals import membership_changed, presence_withdrawn, subjects_ended
from messaging.access import STAFF_ROLES
from messaging.models import NAMESPACE, Conversation, Message
from messaging.online import co_member_ids, presence_audience_of
from messaging.queries import unread_total
from messaging.services import end_subjects, start_about


def _nav_label() -> Markup:
    """ "Messages" with the live unread badge (``chat.js`` and ``badge.js`` update it)."""

    user = get_current_user()
    count = unread_total(user.id) if user else 0
    return Markup('{} <span class="count" data-chat-unread{}>{}</span>').format(
        _l("Messages"), Markup("") if count else Markup(" hidden"), count
    )


def register(app: Flask) -> None:
    """Mount the API, the chat pages and the ``/chat`` namespace."""
    from app.api import api
    from app.cli import add_demo_loader
    from app.plugins import registry
    from messaging import api as endpoints
    from messaging import demo, routes
    from messaging.events import ChatNamespace
    from messaging.home import register_home

    api.register_blueprint(endpoints.blp)
    app.register_blueprint(routes.bp)
    socketio.on_namespace(ChatNamespace(NAMESPACE))
    registry(app).nav_links.append((30, "messaging.chat_home", _nav_label))
    registry(app).nav_icons["messaging.chat_home"] = "chat-dots"
    register_home(registry(app))
    add_demo_loader(app, 30, "messaging", demo.load_demo_chats)
    membership_changed.connect(_association_role_changed)
    registry(app).export_sections.append(_export_messages)
    presence_withdrawn.connect(_presence_withdrawn)
    registry(app).header_modules.append(("messaging.static", "badge.js"))
    registry(app).subject_chat = _subject_chat
    subjects_ended.connect(_subjects_ended)


def _subject_chat(actor: Any, subject: str, title: str, member_ids: list[int]) -> tuple[int, str]:
    """The conversation about another feature's ``subject`` (see ``Registry.subject_chat``)."""
    conversation, _created = start_about(actor, subject, title, member_ids)
    return conversation.id, url_for("messaging.chat_conversation", conversation_id=conversation.id)


def _subjects_ended(_sender: object, subjects: list[str], **_kw: object) -> None:
    """Another feature's subjects are gone: so are the conversations about them."""
    end_subjects(subjects)


def _export_messages(user: object) -> dict[str, object]:
    """The messages the person sent, for their data export."""

    rows = db.session.scalars(
        select(Message).where(Message.sender_id == getattr(user, "id", None)).order_by(Message.id)
    )
    return {
        "messages_sent": [
            {
                "conversation_id": m.conversation_id,
                "body": m.body,
                "created_at": m.created_at,
                "edited_at": m.edited_at,
                "deleted_at": m.deleted_at,
            }
            for m in rows
        ]
    }


def _association_role_changed(
    _sender: object, association_id: int, user_id: int, role: str | None, **_kw: object
) -> None:
    """Someone lost admin/coordinator rights: their open chat pages drop that inbox.

    Delivery needs no change: recipients of an association inbox are asked of ``directory``
    on every send, so the person receives nothing more from the commit on.
    """

    if role in STAFF_ROLES:
        return
    ids = list(
        db.session.scalars(
            select(Conversation.id).where(
                Conversation.kind == "association", Conversation.association_id == association_id
            )
        )
    )
    for conversation_id in ids:  # the signal comes inside directory's transaction
        emit_after_commit(
            "conversation_removed",
            {"conversation_id": conversation_id},
            to=user_room(user_id),
            namespace=NAMESPACE,
        )


def _presence_withdrawn(
    _sender: object, user_id: int, from_ids: list[int] | None = None, **_kw: object
) -> None:
    """A block or hidden presence: who could see ``user_id`` online hears them go offline."""
    targets = (
        from_ids if from_ids is not None else presence_audience_of(user_id, co_member_ids(user_id))
    )
    if targets:  # sent inside the block's or the hiding's transaction: pushed once committed
        emit_after_commit(
            "presence",
            {"user_id": user_id, "online": False},
            to=[user_room(t) for t in targets],
            namespace=NAMESPACE,
        )


__all__ = ["NAMESPACE", "register"]
