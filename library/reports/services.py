"""Writing activity reports (services flush; the edge commits). Who may read or write them is
in :mod:`library.reports.access`, reads in ``queries``, dictionaries in ``serialize``.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import User
from app.api import check_version, invalid
from app.db import db
from app.text import clean_name, clean_text
from library.models import LibraryDocument
from library.reports.models import AGE_BANDS, SEXES, ActivityReport


def _attendance(value: dict[str, dict[str, int]] | None) -> dict[str, dict[str, int]]:
    """Every band and sex, zeros filled in (the schema already refused unknown keys and
    negative or oversize counts)."""
    given = value or {}
    return {
        band: {sex: int(given.get(band, {}).get(sex, 0)) for sex in SEXES} for band in AGE_BANDS
    }


def _apply(report: ActivityReport, data: dict[str, Any]) -> None:
    if "title" in data:
        title = clean_name(data["title"])
        if not title:
            raise invalid(_("A title is required."), "title", "invalid")
        report.title = title
    if "attendance" in data:
        report.attendance = _attendance(data["attendance"])
    for key in ("outputs", "lessons"):
        if key in data:
            setattr(report, key, clean_text(data[key]))
    for key in ("held_on", "activity_id"):
        if key in data:
            setattr(report, key, data[key])
    if "photo_document_ids" in data:
        report.photo_document_ids = _photos(report.association_id, data["photo_document_ids"])


def _photos(association_id: int, ids: list[int] | None) -> list[int]:
    """The ids kept in order, once each; each must be a photo of the report's association."""
    wanted = list(dict.fromkeys(ids or []))
    if not wanted:
        return []
    found = set(
        db.session.scalars(
            select(LibraryDocument.id).where(
                LibraryDocument.id.in_(wanted),
                LibraryDocument.association_id == association_id,
                LibraryDocument.kind == "photo",
            )
        )
    )
    if len(found) != len(wanted):
        raise invalid(
            _("Choose photos from this association's library."), "photo_document_ids", "invalid"
        )
    return wanted


def create_report(actor: User, association_id: int, data: dict[str, Any]) -> ActivityReport:
    report = ActivityReport(
        association_id=association_id, attendance=_attendance(None), created_by_id=actor.id
    )
    _apply(report, data)
    db.session.add(report)
    db.session.flush()
    return report


def update_report(
    report: ActivityReport, data: dict[str, Any], expected: int | None
) -> ActivityReport:
    check_version(report.version, expected)
    _apply(report, data)
    report.bump_version()
    db.session.flush()
    return report
