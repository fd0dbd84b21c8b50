"""Reads of the library shared by its pages and its JSON API."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.db import db, utcnow
from library import access
from library.models import Authorization, LibraryDocument


def documents_of(actor: Any, association_id: int | None) -> list[LibraryDocument]:
    return list(
        db.session.scalars(
            select(LibraryDocument)
            .where(
                LibraryDocument.association_id == association_id
                if association_id is not None
                else LibraryDocument.association_id.is_(None),
                LibraryDocument.visibility.in_(access.visible_levels(actor, association_id)),
            )
            .order_by(LibraryDocument.kind, LibraryDocument.title, LibraryDocument.id)
        )
    )


def serialize_authorization(a: Authorization) -> dict[str, Any]:
    return {
        "id": a.id,
        "association_id": a.association_id,
        "kind": a.kind,
        "authority": a.authority,
        "reference": a.reference,
        "scope": a.scope,
        "valid_from": a.valid_from,
        "valid_to": a.valid_to,
        "document_id": a.document_id,
        "valid_today": a.valid_from <= utcnow().date() <= a.valid_to,
    }
