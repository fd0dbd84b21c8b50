"""HTML pages of activity reports: an association's reports, a report (attendance by age
band and sex, outputs, lessons, photos under consent, PDF) and its form (new, from a project
activity, edit with a stale-version guard). Same rights and rate limit as the API."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from app.accounts.auth import get_current_user, login_required, require_user
from app.api import expected_version
from app.db import utcnow
from app.edge import form_status, submit
from app.limits import rate_limit
from directory import get_association
from library.labels import SEX_LABELS
from library.reports import access, queries, services
from library.reports.forms import ReportEditForm, ReportForm, count_name
from library.reports.models import AGE_BANDS, SEXES, ActivityReport

bp = Blueprint("reports", __name__, template_folder="templates")


def _association_or_404(association_id: int) -> Any:
    association = get_association(association_id)
    if association is None:
        abort(404)
    return association


def _form(
    association_id: int,
    report: ActivityReport | None,
    form: ReportForm,
    status: int = 200,
) -> ResponseReturnValue:
    actor = get_current_user()
    return render_template(
        "reports/form.html",
        association=_association_or_404(association_id),
        report=report,
        form=form,
        photos=queries.photo_choices(actor, association_id),
        bands=AGE_BANDS,
        sexes=SEXES,
        sex_labels=SEX_LABELS,
        count_name=count_name,
    ), status


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
        prefilled = ReportForm(
            title=request.args.get("title", "")[:200],
            held_on=request.args.get("held_on", "") or utcnow().date().isoformat(),
            activity_id=request.args.get("activity_id", type=int) or "",
        )
        return _form(association_id, None, prefilled)
    form = ReportForm()
    created = submit(form, lambda: services.create_report(actor, association_id, form.changes))
    if created and created.value is not None:
        flash(_("Report saved."), "success")
        return redirect(url_for("reports.show", report_id=created.value.id), code=303)
    return _form(association_id, None, form, form_status(form, created))


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
        return _form(report.association_id, report, ReportEditForm(obj=report))
    form = ReportEditForm()
    saved = submit(
        form,
        lambda: services.update_report(report, form.changes, expected_version(form.version.data)),
    )
    if saved and saved.ok:
        flash(_("Report saved."), "success")
        return redirect(url_for("reports.show", report_id=report.id), code=303)
    if saved and saved.conflict:
        # saved by someone else: the page says so above the kept figures
        form.version.errors = [saved.conflict.message or ""]
    report = access.access_report(actor, report_id, "edit")  # as stored: the edit undone
    return _form(report.association_id, report, form, form_status(form, saved))
