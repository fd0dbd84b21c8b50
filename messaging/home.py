"""Messaging on the home page: a person's latest conversations, unread ones marked.

A fixed number of queries, whatever the data (app.plugins).
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _

from app.accounts import blocks
from app.i18n import bdi_filter
from app.plugins import HomeItem, HomeSection, ProfileAction, Registry
from messaging import queries

SHOWN = 5


def latest_conversations(user: Any) -> HomeSection | None:
    if user is None:
        return None
    conversations = queries.list_conversations(user, limit=SHOWN)
    return HomeSection(
        title=_("Messages"),
        icon="chat-dots",
        items=[
            HomeItem(
                c["display_title"],
                url_for("messaging.chat_conversation", conversation_id=c["id"]),
                bdi_filter(c["last_message_preview"]) if c.get("last_message_preview") else "",
                str(c["unread_count"]) if c.get("unread_count") else "",
                c["display_title"],
            )
            for c in conversations
        ],
        empty=_("No conversation yet: write to a member from their profile."),
        more_url=url_for("messaging.chat_home"),
        more_label=_("All conversations"),
    )


def message_action(person: Any, viewer: Any) -> ProfileAction | None:
    """The "Message" button of a profile: straight to the chat with them if there is one, else the
    new-conversation form with them filled in (only people the viewer may write to)."""
    if viewer is None or queries.messageable(viewer, person.id) is None:
        return None
    existing = queries.direct_conversation(viewer.id, person.id)
    if existing is not None:
        url = url_for("messaging.chat_conversation", conversation_id=existing.id)
    else:
        url = url_for("messaging.chat_home", **{"with": person.id})
    return ProfileAction(_("Send a message"), url, "chat-dots")


def member_message_actions(viewer: Any, people: list[Any]) -> dict[int, ProfileAction]:
    """A "Message" button beside each person of a member list whom ``viewer`` may write to
    (not themselves, not the inactive, nobody either blocked): one query for the list."""
    if viewer is None:
        return {}
    reachable = [
        p
        for p in people
        if p.id != viewer.id and p.is_active and not p.suspended and not p.deleted_at
    ]
    blocked = blocks.blocks_among(viewer.id, [p.id for p in reachable])
    return {
        p.id: ProfileAction(
            _("Send a message"), url_for("messaging.chat_home", **{"with": p.id}), "chat-dots"
        )
        for p in reachable
        if p.id not in blocked
    }


def association_action(association_id: int, viewer: Any) -> ProfileAction | None:
    """The "Write to the association" button of its page: a conversation with its team."""
    if viewer is None:
        return None
    return ProfileAction(
        _("Write to the association"),
        url_for("messaging.start_form"),
        "chat-dots",
        post=True,
        fields={"association_id": str(association_id)},
    )


def register_home(reg: Registry) -> None:
    reg.home_sections.append((15, latest_conversations))
    reg.profile_actions.append((10, message_action))
    reg.association_actions.append((10, association_action))
    reg.member_actions.append((10, member_message_actions))
