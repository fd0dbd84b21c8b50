"""Library tables: documents and their append-only versions, media consents, authorisations
and the legal calendar's obligations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import db, utcnow
from app.privacy import EncryptedText

KINDS = (
    "statutes",
    "provisional_receipt",
    "final_receipt",
    "board_list",
    "general_assembly_minutes",
    "financial_report",
    "activity_report",
    "authorization",
    "contract",
    "receipt",
    "photo",
    "video",
    "template",
    "guide",
    "handover_pack",
)
#: Kinds built by jam3ia itself, never uploaded.
BUILT_KINDS = ("handover_pack",)
UPLOAD_KINDS = tuple(kind for kind in KINDS if kind not in BUILT_KINDS)
MEDIA_KINDS = ("photo", "video")
#: Narrowest first: ``admins`` is the association's administrators only (private).
VISIBILITIES = ("admins", "members", "network", "public")
AUTHORIZATION_KINDS = (
    "public_appeal",
    "distribution",
    "contractual_volunteering",
    "data_protection",
    "medical_campaign",
)
OBLIGATION_STATUSES = ("open", "done", "waived")
TITLE_MAX = 200


class LibraryDocument(db.Model):  # type: ignore[name-defined]
    """A document of an association (``association_id``) or of the whole network (None)."""

    __tablename__ = "library_documents"
    __table_args__ = (
        # one handover pack per association: a second build adds a version to it
        Index(
            "uq_library_documents_handover_pack",
            "association_id",
            unique=True,
            sqlite_where=text("kind = 'handover_pack'"),
            postgresql_where=text("kind = 'handover_pack'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    association_id: Mapped[int | None] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    language: Mapped[str] = mapped_column(String(5), default="ar")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    visibility: Mapped[str] = mapped_column(String(10), default="admins")
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    expires_at: Mapped[dt.date | None] = mapped_column(Date)
    retention_until: Mapped[dt.date | None] = mapped_column(Date, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="DocumentVersion.number",
    )
    consents: Mapped[list[MediaConsent]] = relationship(
        back_populates="document",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="MediaConsent.id",
    )

    @property
    def current(self) -> DocumentVersion | None:
        return self.versions[-1] if self.versions else None


class DocumentVersion(db.Model):  # type: ignore[name-defined]
    """One stored file of a document; never changed once written (append-only)."""

    __tablename__ = "library_document_versions"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("library_documents.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    storage_key: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    mime: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    document: Mapped[LibraryDocument] = relationship(back_populates="versions")


class MediaConsent(db.Model):  # type: ignore[name-defined]
    """Consent of a person shown in a photo or video, up to ``scope`` (a visibility)."""

    __tablename__ = "library_media_consents"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("library_documents.id", ondelete="CASCADE"), index=True
    )
    subject_label: Mapped[str] = mapped_column(EncryptedText)
    minor: Mapped[bool] = mapped_column(Boolean, default=False)
    guardian_label: Mapped[str | None] = mapped_column(EncryptedText)
    scope: Mapped[str] = mapped_column(String(10))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column()

    document: Mapped[LibraryDocument] = relationship(back_populates="consents")


class Authorization(db.Model):  # type: ignore[name-defined]
    """An authorisation an association holds (public appeal, distribution, volunteering)."""

    __tablename__ = "library_authorizations"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    authority: Mapped[str] = mapped_column(String(200))
    reference: Mapped[str] = mapped_column(String(100))
    scope: Mapped[str] = mapped_column(String(500), default="")
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date] = mapped_column(Date)
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("library_documents.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Obligation(db.Model):  # type: ignore[name-defined]
    """A dated duty of an association in its legal calendar; closed by one of its documents.

    ``source``: what it was derived from (``document:12``, ``authorization:3``, ...), unique
    per kind and association so re-deriving never duplicates it.
    """

    __tablename__ = "library_obligations"
    __table_args__ = (UniqueConstraint("association_id", "kind", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(TITLE_MAX), default="")
    due_at: Mapped[dt.date] = mapped_column(Date, index=True)
    #: Days before ``due_at`` at which the admins get a reminder.
    remind_days: Mapped[list[int]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("library_documents.id", ondelete="SET NULL")
    )
    closed_at: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def state(self, on: dt.date) -> str:
        """``open | done | overdue | waived`` as of ``on``."""
        if self.status == "open" and on > self.due_at:
            return "overdue"
        return self.status


def as_dict(row: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in fields}
