"""Reads of the library shared by its pages, its JSON API and its services (each a fixed
number of queries)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.api import ApiError, invalid
from app.db import db, utcnow
from library import access
from library.models import (
    MEDIA_KINDS,
    VISIBILITIES,
    Authorization,
    DocumentVersion,
    LibraryDocument,
    Obligation,
)
from library.storage import sha256, storage

log = logging.getLogger("jam3ia.library")


def level(visibility: str) -> int:
    """The rank of a visibility: the higher, the wider the audience."""
    return VISIBILITIES.index(visibility)


def documents_of(actor: Any, association_id: int | None) -> list[LibraryDocument]:
    """The documents ``actor`` may see, with their versions (two queries, however many)."""
    return list(
        db.session.scalars(
            select(LibraryDocument)
            .where(
                LibraryDocument.association_id == association_id
                if association_id is not None
                else LibraryDocument.association_id.is_(None),
                LibraryDocument.visibility.in_(access.visible_levels(actor, association_id)),
            )
            .options(selectinload(LibraryDocument.versions))
            .order_by(LibraryDocument.kind, LibraryDocument.title, LibraryDocument.id)
        )
    )


def read_version(doc: LibraryDocument, number: int) -> tuple[DocumentVersion, bytes]:
    """A version and its bytes, checked against the recorded SHA-256: a tampered or missing
    file is refused (409 ``integrity_failed``) and logged, never served."""
    version = next((v for v in doc.versions if v.number == number), None)
    if version is None:
        raise ApiError(404, "not_found", _("No such version."))
    try:
        data = storage().get(version.storage_key)
    except OSError:
        data = None
    if data is None or sha256(data) != version.sha256:
        log.error(
            "library file integrity check failed: document %s version %s key %s",
            doc.id,
            number,
            version.storage_key,
        )
        raise ApiError(
            409,
            "integrity_failed",
            _(
                "This file was changed or lost in storage; it cannot be served. "
                "The administrators were told."
            ),
        )
    return version, data


def consent_covers(doc: LibraryDocument, visibility: str) -> bool:
    """Whether the standing consents of a photo or video all cover ``visibility``."""
    standing = [c for c in doc.consents if c.withdrawn_at is None]
    return bool(standing) and all(level(c.scope) >= level(visibility) for c in standing)


def public_media_consent(association_id: int, document_id: int) -> bool:
    """A photo or video of the association whose standing consents all allow the public."""
    doc = db.session.get(LibraryDocument, document_id)
    return (
        doc is not None
        and doc.association_id == association_id
        and doc.kind in MEDIA_KINDS
        and consent_covers(doc, "public")
    )


def public_photos(association_id: int, limit: int = 50) -> list[tuple[int, str]]:
    """The association's photos whose standing consents all allow the public."""
    docs = db.session.scalars(
        select(LibraryDocument)
        .where(LibraryDocument.association_id == association_id, LibraryDocument.kind == "photo")
        .options(selectinload(LibraryDocument.consents))
        .order_by(LibraryDocument.id.desc())
        .limit(limit)
    )
    return [(d.id, d.title) for d in docs if consent_covers(d, "public")]


def public_photo(association_id: int, document_id: int) -> tuple[bytes, str] | None:
    """The latest bytes of a photo of the association shown publicly (see
    :func:`public_media_consent`), or None."""
    if not public_media_consent(association_id, document_id):
        return None
    doc = db.session.get(LibraryDocument, document_id)
    if doc is None or doc.kind != "photo" or not doc.versions:
        return None
    version, data = read_version(doc, doc.versions[-1].number)
    return data, version.mime


def own_document(
    association_id: int, document_id: Any, field: str = "document_id"
) -> LibraryDocument:
    """One of the association's own documents, or a 422 on ``field`` (``wrong_association``)."""
    doc = db.session.get(LibraryDocument, document_id) if document_id else None
    if doc is None or doc.association_id != association_id:
        raise invalid(
            _("The document must be one of this association's own documents."),
            field,
            "wrong_association",
        )
    return doc


def authorizations_of(association_id: int) -> list[Authorization]:
    """The association's authorisations, the longest valid first."""
    return list(
        db.session.scalars(
            select(Authorization)
            .where(Authorization.association_id == association_id)
            .order_by(Authorization.valid_to.desc(), Authorization.id)
        )
    )


def valid_authorization(association_id: int, kind: str, on: dt.date | None = None) -> bool:
    """Whether the association holds an authorisation of ``kind`` valid on ``on`` (today)."""
    day = on or utcnow().date()
    return (
        db.session.scalar(
            select(Authorization.id)
            .where(
                Authorization.association_id == association_id,
                Authorization.kind == kind,
                Authorization.valid_from <= day,
                Authorization.valid_to >= day,
            )
            .limit(1)
        )
        is not None
    )


def obligations_of(association_id: int) -> list[Obligation]:
    """The association's legal calendar, the soonest first."""
    return list(
        db.session.scalars(
            select(Obligation)
            .where(Obligation.association_id == association_id)
            .order_by(Obligation.due_at, Obligation.id)
        )
    )


def overdue_of(association_id: int, on: dt.date) -> list[Obligation]:
    """The association's obligations overdue on ``on``."""
    return [o for o in obligations_of(association_id) if o.state(on) == "overdue"]


def open_obligations_due(
    association_ids: Sequence[int], until: dt.date, limit: int
) -> Sequence[Obligation]:
    """The open legal obligations of these associations due by ``until`` (overdue ones
    included), soonest first."""
    return db.session.scalars(
        select(Obligation)
        .where(
            Obligation.association_id.in_(association_ids),
            Obligation.status == "open",
            Obligation.due_at <= until,
        )
        .order_by(Obligation.due_at, Obligation.id)
        .limit(limit)
    ).all()
