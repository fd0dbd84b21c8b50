"""Forums models: forums, topics, numbered posts, revisions, reactions, flags, reading state,
watches and forum moderators.

Counters on forums and topics are denormalized so that the forum index and a topic page run a
constant number of queries; :func:`forums.services.refresh_counters` recomputes them after any
change that hides, deletes or moves posts.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.db import Model, Versioned, utcnow

NAME_MAX = 120
DESCRIPTION_MAX = 2000
TITLE_MIN = 3
TITLE_MAX = 200
BODY_MAX = 20_000
REASON_MAX = 1000
#: The fixed set of reactions: code -> emoji.
REACTIONS: dict[str, str] = {
    "like": "👍",
    "love": "❤️",
    "laugh": "😂",
    "wow": "😮",
    "thanks": "🙏",
    "celebrate": "🎉",
}
FLAG_REASONS = ("spam", "offensive", "off_topic", "other")


class Forum(Model):
    """A themed forum; ``field_id`` ties it to a directory field of activity (or none)."""

    __tablename__ = "forums"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    field_id: Mapped[int | None] = mapped_column(
        ForeignKey("fields.id", ondelete="SET NULL"), index=True
    )
    name_ar: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    name_fr: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    name_en: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    description_ar: Mapped[str] = mapped_column(Text, default="")
    description_fr: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    topic_count: Mapped[int] = mapped_column(default=0)
    post_count: Mapped[int] = mapped_column(default=0)
    #: Denormalized pointer (no foreign key: forums and topics would reference each other);
    #: refresh_counters() keeps it right, and readers outer-join it.
    last_topic_id: Mapped[int | None]
    last_post_at: Mapped[dt.datetime | None]

    __table_args__ = ({"sqlite_autoincrement": True},)

    def label(self, locale: str | None) -> str:
        return _pick(locale, self.name_ar, self.name_fr, self.name_en)

    def description(self, locale: str | None) -> str:
        return _pick(locale, self.description_ar, self.description_fr, self.description_en)


def _pick(locale: str | None, ar: str, fr: str, en: str) -> str:
    """The text in ``locale``, else the first non-empty one (en, fr, ar)."""
    preferred = {"ar": ar, "fr": fr, "en": en}.get((locale or "en")[:2], "")
    return preferred or en or fr or ar


class ForumModerator(Model):
    __tablename__ = "forum_moderators"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("forum_id", "user_id"), {"sqlite_autoincrement": True})


class Topic(Model):
    """A discussion. ``pending``: its first post waits for approval; ``hidden``: by a moderator."""

    __tablename__ = "forum_topics"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    pinned: Mapped[bool] = mapped_column(default=False)
    locked: Mapped[bool] = mapped_column(default=False)
    hidden: Mapped[bool] = mapped_column(default=False)
    pending: Mapped[bool] = mapped_column(default=False)
    deleted: Mapped[bool] = mapped_column(default=False)
    #: Highest post number handed out (numbers are never reused).
    last_number: Mapped[int] = mapped_column(default=0)
    #: Visible posts (not hidden, deleted or pending).
    post_count: Mapped[int] = mapped_column(default=0)
    last_post_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_poster_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    forum: Mapped[Forum] = relationship(foreign_keys=[forum_id], lazy="raise")
    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="raise")
    last_poster: Mapped[User | None] = relationship(foreign_keys=[last_poster_id], lazy="raise")

    __table_args__ = (
        Index("ix_forum_topics_listing", "forum_id", "pinned", "last_post_at"),
        {"sqlite_autoincrement": True},
    )

    @property
    def publicly_visible(self) -> bool:
        return not (self.hidden or self.pending or self.deleted)


class Post(Versioned, Model):
    """A numbered message in a topic (number 1 opens it). Deletion is soft."""

    __tablename__ = "forum_posts"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("forum_topics.id", ondelete="CASCADE"))
    number: Mapped[int]
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    quote_post_id: Mapped[int | None] = mapped_column(
        ForeignKey("forum_posts.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[dt.datetime | None]
    edit_count: Mapped[int] = mapped_column(default=0)
    deleted_at: Mapped[dt.datetime | None]
    hidden: Mapped[bool] = mapped_column(default=False)
    pending: Mapped[bool] = mapped_column(default=False)
    flag_count: Mapped[int] = mapped_column(default=0)

    topic: Mapped[Topic] = relationship(foreign_keys=[topic_id], lazy="raise")
    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="raise")

    __table_args__ = (
        UniqueConstraint("topic_id", "number"),
        Index("ix_forum_posts_pending", "pending"),
        {"sqlite_autoincrement": True},
    )

    @property
    def publicly_visible(self) -> bool:
        return not (self.hidden or self.pending or self.deleted_at is not None)


class PostRevision(Model):
    """The body a post had before an edit (the visible edit history)."""

    __tablename__ = "forum_post_revisions"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    post_id: Mapped[int] = mapped_column(
        ForeignKey("forum_posts.id", ondelete="CASCADE"), index=True
    )
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    #: The HTML the post showed with this body (None for revisions older than 0009).
    body_html: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    editor: Mapped[User | None] = relationship(lazy="raise")

    __table_args__ = ({"sqlite_autoincrement": True},)


class Reaction(Model):
    __tablename__ = "forum_reactions"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("forum_posts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("post_id", "user_id", "kind"),
        {"sqlite_autoincrement": True},
    )


class Flag(Model):
    """A report of a post; open until a moderator resolves it."""

    __tablename__ = "forum_flags"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("forum_posts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    details: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[dt.datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolution: Mapped[str | None] = mapped_column(String(20))

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="raise")

    __table_args__ = (
        UniqueConstraint("post_id", "user_id"),
        Index("ix_forum_flags_open", "resolved_at"),
        {"sqlite_autoincrement": True},
    )


class TopicRead(Model):
    """How far a user has read a topic (highest post number seen)."""

    __tablename__ = "forum_topic_reads"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    topic_id: Mapped[int] = mapped_column(
        ForeignKey("forum_topics.id", ondelete="CASCADE"), index=True
    )
    last_read_number: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "topic_id"), {"sqlite_autoincrement": True})


class Watch(Model):
    """A user follows a topic or a whole forum (exactly one of the two is set)."""

    __tablename__ = "forum_watches"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    topic_id: Mapped[int | None] = mapped_column(
        ForeignKey("forum_topics.id", ondelete="CASCADE"), index=True
    )
    forum_id: Mapped[int | None] = mapped_column(
        ForeignKey("forums.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    # One of topic_id and forum_id is NULL, and NULLs are distinct in a unique key: one
    # partial unique index for each kind of watch.
    __table_args__ = (
        Index(
            "uq_forum_watches_user_topic",
            "user_id",
            "topic_id",
            unique=True,
            sqlite_where=text("topic_id IS NOT NULL"),
            postgresql_where=text("topic_id IS NOT NULL"),
        ),
        Index(
            "uq_forum_watches_user_forum",
            "user_id",
            "forum_id",
            unique=True,
            sqlite_where=text("forum_id IS NOT NULL"),
            postgresql_where=text("forum_id IS NOT NULL"),
        ),
        {"sqlite_autoincrement": True},
    )
