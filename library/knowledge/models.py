"""Knowledge pages and their append-only revisions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Versioned, db, utcnow

TITLE_MAX = 200
BODY_MAX = 100_000
VISIBILITIES = ("public", "network", "members", "admins")
DIRECTIONS = ("auto", "rtl", "ltr")
LANGS = ("ar", "fr", "en", "ary")


class KnowledgePage(Versioned, db.Model):  # type: ignore[name-defined]
    """A page: network-wide (``association_id`` None) or of one association.

    ``body`` is the Markdown source, ``body_html`` its rendering (rendered once on save).
    ``template``: the page is offered as a model to start new pages from.
    """

    __tablename__ = "knowledge_pages"
    __table_args__ = (CheckConstraint("direction IN ('auto', 'rtl', 'ltr')", name="direction"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    association_id: Mapped[int | None] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    lang: Mapped[str] = mapped_column(String(5), default="ar")
    direction: Mapped[str] = mapped_column(String(4), default="auto")
    visibility: Mapped[str] = mapped_column(String(10), default="members", index=True)
    template: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: a page published by another feature through ``publish_knowledge`` (``expert:12``):
    #: once per source; ``expert_domain`` the field of an expert's answer (its code)
    source_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    expert_domain: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class KnowledgeRevision(db.Model):  # type: ignore[name-defined]
    """One saved state of a page (never updated nor deleted on its own)."""

    __tablename__ = "knowledge_revisions"
    __table_args__ = (
        UniqueConstraint("page_id", "number", name="uq_knowledge_revisions_page_id_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("knowledge_pages.id", ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
