"""Activity reports as API dictionaries."""

from __future__ import annotations

from typing import Any

from library.reports.models import ActivityReport


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
