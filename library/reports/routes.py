"""HTML pages of activity reports: an association's reports, a report (attendance by age
band and sex, outputs, lessons, photos under consent, PDF) and its form (new, from a project
activity, edit with a stale-version guard). Same rights and rate limit as the API."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from app.accounts.auth import get_current_user, login_required, require_user
from app.api import invalid
from app.db import utcnow
from app.edge import attempt, reasons_beside
from app.limits import rate_limit
from directory import get_association
from library.labels import SEX_LABELS
from library.reports import access, queries, services
from library.reports.models import AGE_BANDS, COUNT_MAX, SEXES, ActivityReport
from library.reports.schemas import ReportCreateSchema, ReportPatchSchema
from library.schemas import load

bp = Blueprint("reports", __name__, template_folder="templates")


def _association_or_404(association_id: int) -> Any:
    association = get_association(association_id)
    if association is None:
        abort(404)
    return association


def _posted() -> tuple[dict[str, Any], dict[str, Any]]:
    """The form as the API's data, and the raw values to show again."""
    raw: dict[str, Any] = {
        key: request.form.get(key, "") for key in ("title", "held_on", "outputs", "lessons")
    }
    data: dict[str, Any] = dict(raw)
    if not raw["title"].strip():
        raise invalid(_("A title is required."), "title", "invalid")
    attendance: dict[str, dict[str, int]] = {}
    for band in AGE_BANDS:
        for sex in SEXES:
            name = f"count-{band}-{sex}"
            text = (request.form.get(name) or "0").strip()
            raw[name] = text
            if not text.isdigit() or int(text) > COUNT_MAX:
                message = _("Write a whole number between 0 and %(max)d.", max=COUNT_MAX)
                raise invalid(message, "attendance", "invalid")
            attendance.setdefault(band, {})[sex] = int(text)
    data["attendance"] = attendance
    data["photo_document_ids"] = [int(i) for i in request.form.getlist("photos") if i.isdigit()]
    activity = request.form.get("activity_id", "")
    if activity.isdigit():
        data["activity_id"] = int(activity)
    return data, raw


#: the fields the report form shows a reason beside (any other reason is flashed)
SHOWN = ("title", "held_on", "attendance", "photo_document_ids")


def _form(
    association_id: int,
    report: ActivityReport | None,
    values: dict[str, Any],
    chosen: list[int],
    status: int = 200,
    errors: dict[str, Any] | None = None,
) -> ResponseReturnValue:
    actor = get_current_user()
    return render_template(
        "reports/form.html",
        association=_association_or_404(association_id),
        report=report,
        values=values,
        chosen=chosen,
        errors=errors or {},
        photos=queries.photo_choices(actor, association_id),
        bands=AGE_BANDS,
        sexes=SEXES,
        sex_labels=SEX_LABELS,
    ), status


def _values_of(report: ActivityReport) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": report.title,
        "held_on": report.held_on.isoformat(),
        "outputs": report.outputs,
        "lessons": report.lessons,
        "activity_id": report.activity_id or "",
        "version": report.version,
    }
    for band in AGE_BANDS:
        for sex in SEXES:
            values[f"count-{band}-{sex}"] = (report.attendance or {}).get(band, {}).get(sex, 0)
    return values


@bp.route("/associations/<int:association_id>/library/reports")
def index(association_id: int) -> str:
    actor = get_current_user()
    association = _association_or_404(association_id)
    if not access.may_read(actor, association_id):
        abort(404)
    return render_template(
        "reports/list.html",
        association=association,
        reports=queries.reports_of(association_id),
        can_write=access.may_write(actor, association_id),
    )


@bp.route("/associations/<int:association_id>/library/reports/new", methods=["GET", "POST"])
@rate_limit("knowledge_write", methods=["POST"])
@login_required
def new(association_id: int) -> ResponseReturnValue:
    actor = require_user()
    _association_or_404(association_id)
    if not access.may_write(actor, association_id):
        abort(403 if access.may_read(actor, association_id) else 404)  # as the API does
    if request.method == "GET":
        values: dict[str, Any] = {
            "title": request.args.get("title", "")[:200],
            "held_on": request.args.get("held_on", "") or utcnow().date().isoformat(),
            "activity_id": request.args.get("activity_id", type=int) or "",
        }
        return _form(association_id, None, values, [])
    raw: dict[str, Any] = dict(request.form)
    chosen = [int(i) for i in request.form.getlist("photos") if i.isdigit()]

    def write() -> ActivityReport:
        nonlocal raw
        data, raw = _posted()
        raw["activity_id"] = request.form.get("activity_id", "")
        return services.create_report(actor, association_id, load(ReportCreateSchema, data))

    created = attempt(write)
    if created.error is not None:
        return _form(association_id, None, raw, chosen, 422, reasons_beside(created.error, SHOWN))
    assert created.value is not None
    flash(_("Report saved."), "success")
    return redirect(url_for("reports.show", report_id=created.value.id), code=303)


@bp.route("/library/reports/<int:report_id>")
def show(report_id: int) -> str:
    actor = get_current_user()
    report = access.access_report(actor, report_id)
    totals = {
        sex: sum((report.attendance or {}).get(b, {}).get(sex, 0) for b in AGE_BANDS)
        for sex in SEXES
    }
    return render_template(
        "reports/show.html",
        report=report,
        association=get_association(report.association_id),
        photos=queries.visible_photos(actor, report),
        can_write=access.may_write(actor, report.association_id),
        bands=AGE_BANDS,
        sexes=SEXES,
        sex_labels=SEX_LABELS,
        totals=totals,
    )


@bp.route("/library/reports/<int:report_id>/edit", methods=["GET", "POST"])
@rate_limit("knowledge_write", methods=["POST"])
@login_required
def edit(report_id: int) -> ResponseReturnValue:
    actor = require_user()
    report = access.access_report(actor, report_id, "edit")
    if request.method == "GET":
        return _form(
            report.association_id, report, _values_of(report), list(report.photo_document_ids or [])
        )
    raw: dict[str, Any] = dict(request.form)
    chosen = [int(i) for i in request.form.getlist("photos") if i.isdigit()]
    expected = request.form.get("version", type=int)

    def save() -> None:
        nonlocal raw
        data, raw = _posted()
        raw["version"] = expected or ""
        raw["activity_id"] = request.form.get("activity_id", "")
        services.update_report(report, load(ReportPatchSchema, data), expected)

    error = attempt(save).error
    if error is not None:
        if error.code == 409:  # saved by someone else: the page says so above the kept figures
            errors = {"version": [error.message or ""]}
        else:
            errors = reasons_beside(error, SHOWN)
        status = 409 if error.code == 409 else 422
        report = access.access_report(actor, report_id, "edit")
        return _form(report.association_id, report, raw, chosen, status, errors)
    flash(_("Report saved."), "success")
    return redirect(url_for("reports.show", report_id=report.id), code=303)
