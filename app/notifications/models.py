"""In-app notifications (mentions, replies, quotes, milestones...), one row per recipient."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Model, utcnow
from app.notifications.messages import render


class Notification(Model):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: e.g. "forums.mention", "forums.reply", "projects.milestone_done"
    kind: Mapped[str] = mapped_column(String(64))
    #: what the notification is about, so one thing is never notified twice to one person
    subject: Mapped[str] = mapped_column(String(128))
    #: only rows made before messages were kept (migration 0014): their sentence as written
    text: Mapped[str] = mapped_column(String(500), default="")
    #: the sentence as its message and parameters (app.notifications.messages), rendered in
    #: the reader's language when shown or pushed
    message: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    url: Mapped[str] = mapped_column(String(500))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    read_at: Mapped[dt.datetime | None]

    def sentence(self, html: bool = True) -> Any:
        """The sentence in the current language (``Markup`` with names in ``<bdi>``)."""

        if self.message:
            return render(self.message, html)
        return self.text

    __table_args__ = (
        Index("ix_notifications_user_unread", "user_id", "read_at", "id"),
        Index("uq_notifications_user_kind_subject", "user_id", "kind", "subject", unique=True),
        {"sqlite_autoincrement": True},
    )
