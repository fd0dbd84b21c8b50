"""Reads of the library shared by its pages and its JSON API."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.db import db
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


def authorizations_of(association_id: int) -> list[Authorization]:
    """The association's authorisations, the longest valid first."""
    return list(
        db.session.scalars(
            select(Authorization)
            .where(Authorization.association_id == association_id)
            .order_by(Authorization.valid_to.desc(), Authorization.id)
        )
    )
