"""Writing activity reports (services flush; the edge commits) and who may read or write them.

Admins and coordinators of the association write its reports; its members read them; platform
administrators do both. A report the actor may not read answers 404.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import User
from app.api import ApiError, check_version, not_found
from app.db import db
from app.text import clean_name, clean_text
from directory import membership_role
from library.access import may_view
from library.models import LibraryDocument
from library.reports.models import AGE_BANDS, SEXES, ActivityReport

EDITOR_ROLES = ("admin", "coordinator")


def may_write(actor: User | None, association_id: int) -> bool:
    if actor is None:
        return False
    return actor.is_admin or membership_role(actor.id, association_id) in EDITOR_ROLES


def may_read(actor: User | None, association_id: int) -> bool:
    if actor is None:
        return False
    return actor.is_admin or membership_role(actor.id, association_id) is not None


def access_report(actor: User | None, report_id: int, need: str = "view") -> ActivityReport:
    report = db.session.get(ActivityReport, report_id)
    if report is None or not may_read(actor, report.association_id):
        raise not_found()
    if need == "edit" and not may_write(actor, report.association_id):
        raise ApiError(403, "forbidden", _("You may not edit this report."))
    return report


def reports_of(association_id: int) -> list[ActivityReport]:
    return list(
        db.session.scalars(
            select(ActivityReport)
            .where(ActivityReport.association_id == association_id)
            .order_by(ActivityReport.held_on.desc(), ActivityReport.id.desc())
        )
    )


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
            raise ApiError(
                422, "invalid", _("A title is required."), fields={"title": ["required"]}
            )
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
        message = _("Choose photos from this association's library.")
        raise ApiError(422, "invalid", message, fields={"photo_document_ids": [message]})
    return wanted


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


def serialize_report(report: ActivityReport) -> dict[str, Any]:
    return {
        "id": report.id,
        "association_id": report.association_id,
        "activity_id": report.activity_id,
        "title": report.title,
        "held_on": report.held_on,
        "attendance": report.attendance,
        "total": report.total,
        "outputs": report.outputs,
        "lessons": report.lessons,
        "photo_document_ids": report.photo_document_ids or [],
        "version": report.version,
        "created_at": report.created_at,
    }
