"""More aid pages, on the same blueprint as :mod:`aid.routes`: kits and frequency limits, what
a distribution gives, the public needs board, reports and grievances. Same services, rights
and rate limits as the API."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from aid import access, board, grievances, kits, queries, reports
from aid.models import (
    GRIEVANCE_DUE_DAYS,
    GRIEVANCE_KINDS,
    GRIEVANCE_STATUSES,
    NEEDS,
    DistributionLine,
    FrequencyLimit,
    Grievance,
    Household,
    Kit,
)
from aid.routes import _errors, _provinces, _render, bp
from aid.schemas import (
    AidGrievanceAnswerSchema,
    AidGrievanceInSchema,
    AidKitInSchema,
    AidLimitInSchema,
    AidLineInSchema,
    ConsentSchema,
    load,
)
from app.accounts.auth import get_current_user, login_required, require_user
from app.api import invalid
from app.db import utcnow
from app.edge import attempt, flash_refusal
from app.limits import rate_limit
from directory import get_association

KIT_ROWS = 6


@bp.route("/associations/<int:association_id>/kits", methods=["GET", "POST"], endpoint="kits")
@login_required
@rate_limit("aid_write", methods=["POST"])
def kits_page(association_id: int) -> ResponseReturnValue:
    """The association's kits (and a form to compose one) and its frequency limits."""
    actor = require_user()
    association = access.staff_association(actor, association_id)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        components = []
        for n in range(KIT_ROWS):
            item, quantity = request.form.get(f"item_{n}"), request.form.get(f"qty_{n}")
            if item:
                components.append({"item_id": item, "quantity": quantity or None})
        body = {
            "name": request.form.get("name", ""),
            "category": request.form.get("category") or "food_basket",
            "components": components,
        }

        def act() -> Kit:
            return kits.create_kit(actor, association, load(AidKitInSchema(), body))

        outcome = attempt(act)
        if outcome.ok:
            flash(_("Kit saved."), "success")
            return redirect(url_for("aid.kits", association_id=association_id))
        assert outcome.error is not None
        errors = _errors(outcome.error)
        for key in [k for k in errors if k.startswith("components_")]:
            errors.setdefault("components", []).extend(errors.pop(key))
    return _render(
        "aid/kits.html",
        association=association,
        kits=kits.kits_of(association_id),
        items=queries.items_of(association_id),
        limits=kits.limits_of(association_id),
        rows=KIT_ROWS,
        errors=errors,
        form=request.form,
    ), (422 if errors else 200)


@bp.route("/associations/<int:association_id>/limits", methods=["POST"])
@login_required
@rate_limit("aid_write")
def limits(association_id: int) -> ResponseReturnValue:
    """Set (or, empty, remove) the minimum interval of a category."""
    actor = require_user()
    association = access.staff_association(actor, association_id)

    def act() -> FrequencyLimit | None:
        category = request.form.get("category") or ""
        if category not in NEEDS:
            raise invalid(_("Choose a category from the list."), "category")
        raw = (request.form.get("min_days") or "").strip()
        days = load(AidLimitInSchema(), {"min_days": raw})["min_days"] if raw else None
        return kits.set_limit(actor, association, category, days)

    outcome = attempt(act)
    if outcome.ok:
        flash(_("Frequency limit saved."), "success")
    else:
        assert outcome.error is not None
        flash_refusal(outcome.error)
    return redirect(url_for("aid.kits", association_id=association_id) + "#limits")


@bp.route("/distributions/<int:distribution_id>/lines", methods=["POST"])
@login_required
@rate_limit("aid_write")
def add_line(distribution_id: int) -> ResponseReturnValue:
    """Declare an item or a kit that each household of the distribution receives."""
    actor = require_user()
    access.get_distribution(actor, distribution_id)
    kind, _sep, ident = (request.form.get("what") or "").partition(":")
    body: dict[str, Any] = {
        "quantity": request.form.get("quantity") or None,
        "location_id": request.form.get("location_id") or None,
    }
    if kind in ("item", "kit"):
        body[f"{kind}_id"] = ident or None

    def act() -> DistributionLine:
        data = load(AidLineInSchema(), body)
        return kits.add_line(actor, access.get_distribution(actor, distribution_id), data)

    outcome = attempt(act)
    if outcome.ok:
        flash(_("Added to what each household receives."), "success")
    else:
        assert outcome.error is not None
        flash_refusal(outcome.error)
    return redirect(url_for("aid.distribution", distribution_id=distribution_id))


__all__ = ["bp"]


# ------------------------------------------------------------------ the public needs board


@bp.route("/needs")
def needs() -> ResponseReturnValue:
    """The public needs board: cards per place and category with a fill bar; no personal
    data, small cells said "fewer than 3"."""
    province_id = request.args.get("province_id", type=int)
    category = request.args.get("category") or None
    if category not in NEEDS:
        category = None
    provinces = _provinces()
    if province_id not in dict(provinces):
        province_id = None
    found = board.cells(None, province_id, category)
    return _render(
        "aid/needs.html",
        cells=[c.public() for c in found],
        totals=board.totals(found),
        provinces=provinces,
        province_names=dict(provinces),
        province_id=province_id,
        category=category,
        min_cell=board.MIN_CELL,
    )


# ------------------------------------------------------------------ reports


@bp.route("/associations/<int:association_id>/reports", endpoint="reports")
@login_required
def reports_page(association_id: int) -> ResponseReturnValue:
    """Families and people served, stock in and out: computed, never typed in."""
    association = access.staff_association(require_user(), association_id)
    return _render(
        "aid/reports.html",
        association=association,
        served=reports.served(association_id),
        flows=reports.stock_flows(association_id),
        provinces=dict(_provinces()),
    )


@bp.route("/associations/<int:association_id>/reports/<table>.csv")
@login_required
def report_csv(association_id: int, table: str) -> ResponseReturnValue:
    access.staff_association(require_user(), association_id)
    if table == "served":
        text = reports.served_csv(association_id, dict(_provinces()))
    elif table == "stock":
        text = reports.stock_csv(association_id)
    else:
        abort(404)
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="aid-{table}-{association_id}.csv"'},
    )


@bp.route("/associations/<int:association_id>/reports.pdf")
@login_required
def report_pdf(association_id: int) -> ResponseReturnValue:
    association = access.staff_association(require_user(), association_id)
    data = reports.report_pdf(association.name, association_id, dict(_provinces()))
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="aid-report-{association_id}.pdf"'},
    )


@bp.route("/associations/<int:association_id>/summary")
def summary(association_id: int) -> ResponseReturnValue:
    """What anyone may see of an association's aid (counts below 3 suppressed)."""
    association = get_association(association_id)
    if association is None or association.status != "approved":
        abort(404)
    return _render(
        "aid/summary.html",
        association=association,
        summary=reports.public_summary(association_id),
    )


# ------------------------------------------------------------------ grievances


def _grievance_body(form: Any) -> dict[str, Any]:
    return {
        "kind": form.get("kind") or None,
        "body": form.get("body", ""),
        "contact": form.get("contact") or None,
        "household_id": form.get("household_id") or None,
    }


@bp.route("/associations/<int:association_id>/grievances/new", methods=["GET", "POST"])
@rate_limit("aid_grievance", methods=["POST"])
def file_grievance(association_id: int) -> ResponseReturnValue:
    """File a grievance about the association's aid: signed in, or leaving a contact."""
    association = get_association(association_id)
    if association is None or association.status != "approved":
        abort(404)
    actor = get_current_user()
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        body = _grievance_body(request.form)

        def act() -> Grievance:
            return grievances.file(actor, association, load(AidGrievanceInSchema(), body))

        outcome = attempt(act)
        if outcome.ok and outcome.value is not None:
            flash(
                _(
                    "Grievance %(number)s filed: the association answers within %(days)d days.",
                    number=outcome.value.number,
                    days=GRIEVANCE_DUE_DAYS,
                ),
                "success",
            )
            if actor is not None:
                return redirect(url_for("aid.grievance", grievance_id=outcome.value.id))
            return redirect(url_for("aid.file_grievance", association_id=association_id))
        assert outcome.error is not None
        errors = _errors(outcome.error)
    return _render(
        "aid/grievance_new.html",
        association=association,
        actor=actor,
        households=[
            h for h in grievances.own_households(actor) if h.association_id == association_id
        ],
        kinds=GRIEVANCE_KINDS,
        errors=errors,
        form=request.form,
    ), (422 if errors else 200)


@bp.route("/associations/<int:association_id>/grievances", endpoint="grievances")
@login_required
def grievances_page(association_id: int) -> ResponseReturnValue:
    """The association's grievances, soonest due first (coordinators)."""
    association = access.staff_association(require_user(), association_id)
    status = request.args.get("status") or None
    if status not in GRIEVANCE_STATUSES:
        status = None
    return _render(
        "aid/grievances.html",
        association=association,
        rows=grievances.list_for(association_id, status),
        status=status,
        now=utcnow(),
    )


@bp.route("/grievances/mine")
@login_required
def my_grievances() -> ResponseReturnValue:
    return _render("aid/grievances_mine.html", rows=grievances.list_mine(require_user()))


def _grievance_page(
    row: Grievance, contact: dict[str, Any] | None = None, stored: dict[str, Any] | None = None
) -> ResponseReturnValue:
    actor = require_user()
    return _render(
        "aid/grievance.html",
        row=row,
        association=get_association(row.association_id),
        staff=access.is_staff(actor, row.association_id),
        mine=row.author_id == actor.id,
        contact=contact,
        has_contact=row.contact is not None,
        stored=stored,
        now=utcnow(),
    )


@bp.route("/grievances/<int:grievance_id>")
@login_required
def grievance(grievance_id: int) -> ResponseReturnValue:
    return _grievance_page(grievances.get(require_user(), grievance_id))


@bp.route("/grievances/<int:grievance_id>/answer", methods=["POST"])
@login_required
@rate_limit("aid_write")
def answer_grievance(grievance_id: int) -> ResponseReturnValue:
    actor = require_user()
    grievances.get_managed(actor, grievance_id)

    def act() -> Grievance:
        data = load(AidGrievanceAnswerSchema(), {"answer": request.form.get("answer", "")})
        return grievances.answer(actor, grievances.get_managed(actor, grievance_id), data["answer"])

    outcome = attempt(act)
    if outcome.ok:
        flash(_("Answer sent."), "success")
    else:
        assert outcome.error is not None
        flash_refusal(outcome.error)
    return redirect(url_for("aid.grievance", grievance_id=grievance_id))


@bp.route("/grievances/<int:grievance_id>/close", methods=["POST"])
@login_required
@rate_limit("aid_write")
def close_grievance(grievance_id: int) -> ResponseReturnValue:
    actor = require_user()
    grievances.get(actor, grievance_id)
    outcome = attempt(lambda: grievances.close(actor, grievances.get(actor, grievance_id)))
    if outcome.ok:
        flash(_("Grievance closed."), "success")
    else:
        assert outcome.error is not None
        flash_refusal(outcome.error)
    return redirect(url_for("aid.grievance", grievance_id=grievance_id))


@bp.route("/grievances/<int:grievance_id>/my-data", methods=["POST"])
@login_required
@rate_limit("aid_personal_read")
def grievance_my_data(grievance_id: int) -> ResponseReturnValue:
    """Show its author the household's stored fields once (the read is logged)."""
    actor = require_user()
    grievances.get(actor, grievance_id)
    outcome = attempt(lambda: grievances.my_data(actor, grievances.get(actor, grievance_id)))
    if not outcome.ok:
        assert outcome.error is not None
        if outcome.error.code == 404:
            abort(404)
        flash_refusal(outcome.error)
        return redirect(url_for("aid.grievance", grievance_id=grievance_id))
    return _grievance_page(grievances.get(actor, grievance_id), stored=outcome.value)


@bp.route("/grievances/<int:grievance_id>/contact", methods=["POST"])
@login_required
@rate_limit("aid_personal_read")
def grievance_contact(grievance_id: int) -> ResponseReturnValue:
    """A coordinator reads a visitor's contact, for a purpose (the read is logged)."""
    actor = require_user()
    grievances.get_managed(actor, grievance_id)
    purpose = request.form.get("purpose", "")
    outcome = attempt(
        lambda: grievances.read_contact(actor, grievances.get_managed(actor, grievance_id), purpose)
    )
    if not outcome.ok:
        assert outcome.error is not None
        flash_refusal(outcome.error)
        return redirect(url_for("aid.grievance", grievance_id=grievance_id))
    return _grievance_page(grievances.get_managed(actor, grievance_id), contact=outcome.value)


@bp.route("/households/<int:household_id>/consent", methods=["POST"])
@login_required
@rate_limit("aid_write")
def renew_consent(household_id: int) -> ResponseReturnValue:
    """Record the household's consent again (restarts the erasure clock)."""
    actor = require_user()
    access.get_household(actor, household_id)
    body = {
        "mode": request.form.get("consent_mode") or None,
        "purposes": request.form.getlist("consent_purposes"),
        "language": request.form.get("consent_language") or None,
    }

    def act() -> Household:
        data = load(ConsentSchema(), body)
        return kits.renew_consent(actor, access.get_household(actor, household_id), data)

    outcome = attempt(act)
    if outcome.ok:
        flash(_("Consent renewed: the personal details are kept 24 more months."), "success")
    else:
        assert outcome.error is not None
        flash_refusal(outcome.error)
    return redirect(url_for("aid.household", household_id=household_id))
