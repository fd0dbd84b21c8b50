"""Reads of activity reports shared by their pages and their JSON API."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.accounts.models import User
from app.db import db
from library.access import may_view
from library.models import LibraryDocument
from library.reports.models import ActivityReport


def reports_of(association_id: int) -> list[ActivityReport]:
    return list(
        db.session.scalars(
            select(ActivityReport)
            .where(ActivityReport.association_id == association_id)
            .order_by(ActivityReport.held_on.desc(), ActivityReport.id.desc())
        )
    )


def visible_photos(actor: User | None, report: ActivityReport) -> list[LibraryDocument]:
    """The report's photos ``actor`` may see (each by its own visibility and consent)."""
    ids = report.photo_document_ids or []
    if not ids:
        return []
    docs = {
        d.id: d
        for d in db.session.scalars(select(LibraryDocument).where(LibraryDocument.id.in_(ids)))
    }
    return [docs[i] for i in ids if i in docs and may_view(actor, docs[i]) and docs[i].current]


def photo_choices(actor: Any, association_id: int) -> list[LibraryDocument]:
    """The association's photos the editor may see, newest first."""
    docs = db.session.scalars(
        select(LibraryDocument)
        .where(LibraryDocument.association_id == association_id, LibraryDocument.kind == "photo")
        .order_by(LibraryDocument.id.desc())
    )
    return [d for d in docs if may_view(actor, d) and d.current is not None]
