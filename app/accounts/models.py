"""Accounts: users and their credentials (browser sessions and API tokens)."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext
from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, false, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Model, utcnow
from app.urls import site_path

USERNAME_MAX = 32
DISPLAY_NAME_MAX = 64
EMAIL_MAX = 254
BIO_MAX = 2000
SKILLS_MAX = 12
SKILL_MAX = 40
LOCALES = ("ar", "fr", "en")


class User(Model):
    """A person with an account. ``is_admin`` marks platform administrators."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(USERNAME_MAX))
    email: Mapped[str] = mapped_column(String(EMAIL_MAX))
    display_name: Mapped[str] = mapped_column(String(DISPLAY_NAME_MAX))
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(5))
    #: IANA zone the person reads and enters times in (None: the platform's default zone)
    timezone: Mapped[str | None] = mapped_column(String(64))
    bio: Mapped[str] = mapped_column(Text, default="")
    #: What the person can do for an association ("comptabilité", "design", "droit")
    skills: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    #: The file name of the uploaded picture under ``instance/uploads/avatars`` (None: initials)
    avatar: Mapped[str | None] = mapped_column(String(64))
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: Set by a platform administrator (``is_active`` is then false): sign-in is refused.
    suspended_at: Mapped[dt.datetime | None]
    #: The person deleted their account: personal data erased, authored content anonymised.
    deleted_at: Mapped[dt.datetime | None]
    #: others never see whether this person is online
    hide_presence: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: When the person opened the link of their verification mail (``JAM3IA_VERIFY_EMAIL``).
    email_verified_at: Mapped[dt.datetime | None]
    #: Opted in to a daily mail of their unread notifications (``jam3ia send-digests``).
    email_digest: Mapped[bool] = mapped_column(default=False, server_default=false())
    digest_sent_at: Mapped[dt.datetime | None]

    credentials: Mapped[list[Credential]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        Index("uq_users_username_lower", func.lower(username), unique=True),
        Index("uq_users_email_lower", func.lower(email), unique=True),
        {"sqlite_autoincrement": True},
    )

    @property
    def public_name(self) -> str:
        """The name shown beside what the person wrote: once the account is deleted, "Deleted
        user" in the reader's language."""
        if self.deleted_at is not None:
            return str(gettext("Deleted user"))
        return self.display_name

    @property
    def avatar_url(self) -> str | None:
        """The address of the person's picture, or None (pages show the initials). The name
        changes with each upload, so the address can be cached for long."""
        if not self.avatar:
            return None
        return site_path("accounts.avatar", user_id=self.id, name=self.avatar)

    @property
    def suspended(self) -> bool:
        return self.suspended_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username!r}>"


class Credential(Model):
    """A server-side session or API token; only the SHA-256 of its secret is stored.

    Revoking the row ends the session everywhere at once, even for a copied cookie.
    """

    __tablename__ = "credentials"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # "session" | "token"
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship(back_populates="credentials")

    __table_args__ = ({"sqlite_autoincrement": True},)

    def is_live(self, now: dt.datetime | None = None) -> bool:
        """Not revoked and not expired."""
        now = now or utcnow()
        return self.revoked_at is None and self.expires_at > now


class AppState(Model):
    """Small key/value facts about the instance (e.g. that demo data was loaded)."""

    __tablename__ = "app_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Block(Model):
    """``blocker`` blocked ``blocked``: no direct messages between them either way, neither
    sees the other's presence, and the blocker gets no mentions from the blocked person."""

    __tablename__ = "user_blocks"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    blocker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    blocked_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("blocker_id", "blocked_id"), {"sqlite_autoincrement": True})
