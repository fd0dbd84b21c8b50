"""JSON endpoints of activity reports, and their PDF export."""

from __future__ import annotations

from typing import Any

from flask import Response

from app.accounts.auth import get_current_user, require_user
from app.api import ApiError, expected_version, make_blueprint, not_found
from app.db import transactional
from app.limits import rate_limit
from directory import get_association
from library.reports import access, queries, serialize, services
from library.reports.pdf import report_pdf
from library.reports.schemas import (
    ReportCreateSchema,
    ReportListSchema,
    ReportPatchSchema,
    ReportSchema,
)

blp = make_blueprint("activity_reports", __name__, "Activity reports: attendance, outputs, PDF")


@blp.route("/associations/<int:association_id>/activity-reports")
@blp.response(200, ReportListSchema)
def list_reports(association_id: int) -> dict[str, Any]:
    """The association's reports (its members), most recent activity first."""
    if get_association(association_id) is None or not access.may_read(
        get_current_user(), association_id
    ):
        raise not_found()
    return {"items": [serialize.serialize_report(r) for r in queries.reports_of(association_id)]}


@blp.route("/associations/<int:association_id>/activity-reports", methods=["POST"])
@rate_limit("knowledge_write")
@blp.arguments(ReportCreateSchema)
@blp.response(201, ReportSchema)
@transactional
def create_report(data: dict[str, Any], association_id: int) -> dict[str, Any]:
    """Write a report (admins and coordinators): counts by age band and sex, never names."""
    actor = require_user()
    if get_association(association_id) is None or not access.may_read(actor, association_id):
        raise not_found()
    if not access.may_write(actor, association_id):
        raise ApiError(403, "forbidden", None)
    report = services.create_report(actor, association_id, data)
    return serialize.serialize_report(report)


@blp.route("/activity-reports/<int:report_id>")
@blp.response(200, ReportSchema)
def get_report(report_id: int) -> dict[str, Any]:
    return serialize.serialize_report(access.access_report(get_current_user(), report_id))


@blp.route("/activity-reports/<int:report_id>", methods=["PATCH"])
@rate_limit("knowledge_write")
@blp.arguments(ReportPatchSchema)
@blp.response(200, ReportSchema)
@blp.alt_response(409, description="edit_conflict: saved by someone else since `version`")
@transactional
def patch_report(data: dict[str, Any], report_id: int) -> dict[str, Any]:
    report = access.access_report(require_user(), report_id, "edit")
    services.update_report(report, data, expected_version(data.pop("version", None)))
    return serialize.serialize_report(report)


@blp.route("/activity-reports/<int:report_id>/pdf")
def report_pdf_file(report_id: int) -> Response:
    """The report as a PDF (Arabic shaped right to left)."""
    actor = get_current_user()
    report = access.access_report(actor, report_id)
    association = get_association(report.association_id)
    photos = [doc.title for doc in queries.visible_photos(actor, report)]
    data = report_pdf(
        serialize.serialize_report(report), association.name if association else "", photos
    )
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="activity-report-{report.id}.pdf"'},
    )
