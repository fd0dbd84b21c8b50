"""Conversations, their members (with read state) and messages.

Exactly-once sends rest on the unique ``(sender_id, client_id)`` key; a direct conversation is
unique per pair through the unique ``pair_key`` (``"<low id>:<high id>"``), so two racing
"start a chat" requests cannot create two.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Model, utcnow

#: The Socket.IO namespace of chat (``messaging.NAMESPACE``).
NAMESPACE = "/chat"
#: "subject": two people about another feature's item (an accepted offer request), deleted
#: with it (``app.signals.subjects_ended``)
KINDS = ("direct", "group", "association", "subject")
MEMBER_ROLES = ("admin", "member", "staff")


class Conversation(Model):
    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(String(200))
    #: direct: "<low user id>:<high user id>"; association inbox: "a<assoc id>:<user id>";
    #: subject: "s:<the other feature's key>"
    pair_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: the association whose admins and coordinators answer (kind "association")
    association_id: Mapped[int | None] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: id of the newest message; also the row every send locks, so ids rise per conversation
    last_message_id: Mapped[int] = mapped_column(Integer, default=0)

    members: Mapped[list[ConversationMember]] = relationship(
        back_populates="conversation", cascade="all, delete-orphan"
    )

    __table_args__ = ({"sqlite_autoincrement": True},)


class ConversationMember(Model):
    __tablename__ = "conversation_members"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: "admin" (group admin), "member", or "staff" (association admin/coordinator, whose
    #: access is re-checked against directory on every use)
    role: Mapped[str] = mapped_column(String(16), default="member")
    last_read_id: Mapped[int] = mapped_column(Integer, default=0)
    joined_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="members")

    __table_args__ = (
        UniqueConstraint("conversation_id", "user_id"),
        {"sqlite_autoincrement": True},
    )


class Message(Model):
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    sender_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[dt.datetime | None]
    deleted_at: Mapped[dt.datetime | None]

    __table_args__ = (
        UniqueConstraint("sender_id", "client_id"),
        Index("ix_messages_conversation_id_id", "conversation_id", "id"),
        {"sqlite_autoincrement": True},
    )
