"""HTML pages of volunteering: the opportunities (filters, mobile first), an opportunity with
its roles and shifts, my volunteering, the volunteer profile, an association's applications
queue, certificates and their public verification, a volunteer's portfolio. Same services,
rights and rate limits as the API."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from markupsafe import Markup, escape

from app.accounts.auth import get_current_user, login_required, require_user
from app.api import ApiError
from app.edge import attempt, flash_refusal, form_action
from app.i18n import local_input_to_utc, reader_zone
from app.limits import rate_limit
from directory import get_association, user_memberships
from volunteering import access, caravans, contracts, labels, queries, services
from volunteering.certificates import certificate_pdf as render_certificate
from volunteering.models import (
    COMPONENT_KINDS,
    LANGUAGES,
    LOAD_KINDS,
    QUOTA_MAX,
    ROLES_MAX,
    SHIFTS_MAX,
    SKILLS,
)

bp = Blueprint(
    "volunteering",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/volunteering",
)


def _lang() -> str:
    return str(get_locale() or "ar")


def _or_404(load: Any) -> Any:
    try:
        return load()
    except ApiError:
        abort(404)


def _filters() -> dict[str, Any]:
    args: dict[str, Any] = {"page": max(1, request.args.get("page", 1, type=int) or 1)}
    q = (request.args.get("q") or "").strip()[:200]
    if q:
        args["q"] = q
    if request.args.get("skill") in SKILLS:
        args["skill"] = request.args["skill"]
    province = request.args.get("province", type=int)
    if province:
        args["province"] = province
    remote = request.args.get("remote")
    if remote in ("yes", "no"):
        args["remote"] = remote == "yes"
    try:
        if request.args.get("date"):
            args["date"] = dt.date.fromisoformat(request.args["date"])
    except ValueError:
        pass
    return args


@bp.route("/volunteering")
def listing() -> ResponseReturnValue:
    args = _filters()
    page = queries.search_opportunities(args)
    items = page["items"]
    return render_template(
        "volunteering/list.html",
        page=page,
        args=args,
        raw=request.args,
        places=queries.place_labels(items, _lang()),
        names=queries.association_names(items),
        provinces=queries.provinces(),
        skills=SKILLS,
        labels=labels,
        lang=_lang(),
        manages=[
            m
            for m in user_memberships(getattr(get_current_user(), "id", 0) or 0)
            if m.role in access.MANAGER_ROLES
        ],
    )


def _show(opportunity_id: int) -> ResponseReturnValue:
    actor = get_current_user()
    opportunity = _or_404(lambda: access.get_opportunity(opportunity_id))
    roles, shifts = queries.roles_and_shifts([opportunity.id])
    shift_ids = [s.id for s in shifts[opportunity.id]]
    mine = None
    my_signups: dict[int, Any] = {}
    if actor is not None:
        mine = queries.application_of(opportunity.id, actor.id)
        my_signups = queries.signups_of_in(actor.id, shift_ids)
    manager = access.manages(actor, opportunity.association_id)
    return render_template(
        "volunteering/show.html",
        opportunity=opportunity,
        roles=roles[opportunity.id],
        shifts=shifts[opportunity.id],
        place=queries.place_labels([opportunity], _lang()).get(opportunity.id, ""),
        association=get_association(opportunity.association_id),
        mine=mine,
        my_signups=my_signups,
        manager=manager,
        signups=queries.shift_signups(shift_ids) if manager else [],
        labels=labels,
        now=dt.datetime.now(dt.UTC),
        actor=actor,
    )


@bp.route("/volunteering/<int:opportunity_id>")
def show(opportunity_id: int) -> ResponseReturnValue:
    return _show(opportunity_id)


@bp.route("/volunteering/<int:opportunity_id>/apply", methods=["POST"])
@login_required
@rate_limit("volunteer_write")
def apply(opportunity_id: int) -> ResponseReturnValue:
    actor = require_user()
    opportunity = _or_404(lambda: access.get_opportunity(opportunity_id))
    data = {
        "role_id": request.form.get("role_id", type=int),
        "message": (request.form.get("message") or "")[:1000],
    }
    form_action(
        lambda: services.apply(actor, opportunity, data),
        _("Your application is sent. The association answers within two weeks."),
    )
    return redirect(url_for("volunteering.show", opportunity_id=opportunity_id))


@bp.route("/volunteering/shifts/<int:shift_id>/signup", methods=["POST"])
@login_required
@rate_limit("volunteer_shift")
def sign_up(shift_id: int) -> ResponseReturnValue:
    actor = require_user()
    shift, opportunity = _or_404(lambda: access.get_shift(shift_id))
    form_action(
        lambda: services.sign_up(actor, shift, opportunity), _("You are signed up for this shift.")
    )
    return redirect(url_for("volunteering.show", opportunity_id=opportunity.id))


@bp.route("/volunteering/signups/<int:signup_id>/<action>", methods=["POST"])
@login_required
@rate_limit("volunteer_shift")
def signup_action(signup_id: int, action: str) -> ResponseReturnValue:
    """One-click cancel, check-in and check-out from a phone, no-show by the association."""
    if action not in ("cancel", "check-in", "check-out", "no-show"):
        abort(404)
    actor = require_user()
    row, shift, opportunity = _or_404(lambda: access.get_signup(signup_id, actor))
    done = {
        "cancel": _("Cancelled: your place is free for someone else."),
        "check-in": _("Checked in. Thank you for coming!"),
        "check-out": _("Checked out. Your hours wait for the association's verification."),
        "no-show": _("Marked as not come."),
    }[action]
    if action == "cancel":
        form_action(lambda: services.cancel(actor, row, shift), done)
    else:
        form_action(lambda: services.signup_action(actor, row, shift, opportunity, action), done)
    back = request.form.get("next") or ""
    if back == "mine":
        return redirect(url_for("volunteering.mine"))
    return redirect(url_for("volunteering.show", opportunity_id=opportunity.id))


@bp.route("/volunteering/mine")
@login_required
def mine() -> ResponseReturnValue:
    actor = require_user()
    data = queries.my_volunteering(actor.id)
    return render_template(
        "volunteering/mine.html",
        labels=labels,
        now=dt.datetime.now(dt.UTC),
        check_in_from=dt.datetime.now(dt.UTC) + services.CHECK_IN_EARLY,
        profile=queries.profile_of(actor.id),
        managed=[m for m in user_memberships(actor.id) if m.role in access.MANAGER_ROLES],
        **data,
    )


def _profile_data() -> dict[str, Any]:
    form = request.form
    year = (form.get("birth_year") or "").strip()
    data: dict[str, Any] = {
        "skills": [s for s in form.getlist("skills") if s in SKILLS],
        "languages": [code for code in form.getlist("languages") if code in LANGUAGES],
        "region_ids": [int(r) for r in form.getlist("region_ids") if r.isdigit()],
        "availability": (form.get("availability") or "")[:300],
        "visibility": form.get("visibility")
        if form.get("visibility") in ("network", "served")
        else "served",
        "birth_year": int(year) if year.isdigit() else None,
        "adult_declared": form.get("adult_declared") == "1",
    }
    if form.get("emergency_contact_change") == "1":
        data["emergency_contact"] = (form.get("emergency_contact") or "")[:300]
    return data


@bp.route("/volunteering/profile", methods=["GET", "POST"])
@login_required
@rate_limit("volunteer_write", methods=["POST"])
def profile() -> ResponseReturnValue:
    actor = require_user()
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data = _profile_data()
        outcome = attempt(lambda: services.save_profile(actor, data))
        if outcome.error is None:
            flash(_("Your volunteer profile is saved."), "success")
            return redirect(url_for("volunteering.profile"))
        errors = {k: [str(m) for m in v] for k, v in outcome.error.fields.items()}
        flash_refusal(outcome.error)
    row = queries.profile_of(actor.id)
    return render_template(
        "volunteering/profile.html",
        profile=row,
        has_contact=row is not None and row.emergency_contact is not None,
        regions=queries.regions(),
        skills=SKILLS,
        languages=LANGUAGES,
        labels=labels,
        errors=errors,
        lang=_lang(),
    ), (422 if errors else 200)


@bp.route("/volunteering/associations/<int:association_id>/queue")
@login_required
def queue(association_id: int) -> ResponseReturnValue:
    """The association's applications waiting for an answer and hours to verify."""
    actor = require_user()
    association = get_association(association_id)
    if association is None:
        abort(404)
    if not access.manages(actor, association_id):
        abort(403)
    opportunities = queries.opportunities_of(association_id)
    ids = [o.id for o in opportunities]
    return render_template(
        "volunteering/queue.html",
        association=association,
        opportunities={o.id: o for o in opportunities},
        applications=queries.applications_for(ids, "pending") if ids else [],
        hours=queries.pending_hours(association_id),
        contracts=queries.contracts_by_volunteer([o.id for o in opportunities if o.contractual]),
        today=dt.datetime.now(dt.UTC).date(),
        labels=labels,
        now=dt.datetime.now(dt.UTC),
    )


@bp.route("/volunteering/applications/<int:application_id>/<action>", methods=["POST"])
@login_required
@rate_limit("volunteer_write")
def answer(application_id: int, action: str) -> ResponseReturnValue:
    if action not in ("accept", "decline"):
        abort(404)
    actor = require_user()
    row, opportunity = _or_404(lambda: access.get_application(application_id, actor))
    done = (
        _("Accepted: the volunteer is told.")
        if action == "accept"
        else _("Declined: the volunteer is told politely.")
    )
    form_action(lambda: services.answer(actor, row, opportunity, action), done)
    return redirect(url_for("volunteering.queue", association_id=opportunity.association_id))


@bp.route("/volunteering/hours/<int:hours_id>/verify", methods=["POST"])
@login_required
@rate_limit("volunteer_write")
def verify_hours(hours_id: int) -> ResponseReturnValue:
    actor = require_user()
    row = _or_404(lambda: access.get_hours(hours_id, actor))
    form_action(lambda: services.verify_hours(actor, row), _("Hours verified."))
    return redirect(url_for("volunteering.queue", association_id=row.association_id))


@bp.route("/volunteering/certificates", methods=["POST"])
@login_required
@rate_limit("volunteer_write")
def issue_certificate() -> ResponseReturnValue:
    actor = require_user()
    association_id = request.form.get("association_id", type=int) or 0
    form_action(
        lambda: services.issue_certificate(actor, association_id),
        _("Your certificate is ready."),
    )
    return redirect(url_for("volunteering.mine"))


@bp.route("/volunteering/certificates/<int:certificate_id>.pdf")
@login_required
def certificate_pdf(certificate_id: int) -> ResponseReturnValue:
    actor = require_user()
    row = _or_404(lambda: access.get_certificate(certificate_id, actor))
    body = render_certificate(row, url_for("volunteering.verify", code=row.code, _external=True))
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="certificate-{row.code}.pdf"'},
    )


@bp.route("/volunteering/verify/<code>")
def verify(code: str) -> ResponseReturnValue:
    """Public: name, association, hours, period. Nothing else."""
    row = queries.certificate_by_code(code[:40])
    return render_template("volunteering/verify.html", certificate=row, code=code[:40]), (
        200 if row is not None else 404
    )


@bp.route("/volunteering/people/<int:user_id>")
@login_required
def portfolio(user_id: int) -> ResponseReturnValue:
    """A volunteer's portfolio, as their visibility allows."""
    actor = require_user()
    person = queries.user(user_id)
    row = queries.profile_of(user_id)
    if person is None or row is None or not access.may_see_portfolio(actor, person, row.visibility):
        abort(404)
    return render_template(
        "volunteering/portfolio.html",
        person=person,
        profile=row,
        labels=labels,
        **queries.portfolio(user_id),
    )


# --- contracts and hours entered by hand ------------------------------------------------------


def _date(name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat((request.form.get(name) or "").strip())
    except ValueError:
        return None


def _isolated(text: str, values: list[str]) -> Markup:
    """The contract's plain text, escaped, with each of the people's values in it (names,
    title, terms) isolated in a ``<bdi>``: mixed Arabic and Latin text does not reorder the
    sentence around it."""
    escaped = str(escape(text))
    wanted = sorted({str(escape(v)) for v in values if v and v.strip()}, key=len, reverse=True)
    if not wanted:
        return Markup(escaped)  # noqa: S704 - escaped above
    pattern = re.compile("|".join(re.escape(v) for v in wanted))
    return Markup(pattern.sub(lambda m: f"<bdi>{m.group(0)}</bdi>", escaped))  # noqa: S704


def _contract_terms() -> dict[str, Any]:
    data: dict[str, Any] = {
        key: (request.form.get(key) or "")[:2000]
        for key in ("tasks", "expenses", "insurance_reference")
    }
    for key in ("period_start", "period_end"):
        day = _date(key)
        if day is not None:
            data[key] = day
    return data


@bp.route("/volunteering/applications/<int:application_id>/contract", methods=["POST"])
@login_required
@rate_limit("volunteer_write")
def create_contract(application_id: int) -> ResponseReturnValue:
    """A coordinator drafts the contract of an applicant (from the queue)."""
    actor = require_user()
    row, opportunity = _or_404(lambda: access.get_application(application_id, actor))
    outcome = attempt(lambda: contracts.create(actor, row, opportunity, _contract_terms()))
    if outcome.error is not None:
        flash_refusal(outcome.error)
        return redirect(url_for("volunteering.queue", association_id=opportunity.association_id))
    flash(_("The contract is drafted: the volunteer is told it is ready to sign."), "success")
    assert outcome.value is not None
    return redirect(url_for("volunteering.contract", contract_id=outcome.value.id))


@bp.route("/volunteering/contracts/<int:contract_id>", methods=["GET", "POST"])
@login_required
@rate_limit("volunteer_write", methods=["POST"])
def contract(contract_id: int) -> ResponseReturnValue:
    """The contract in Arabic and French; the coordinators change a draft's terms here."""
    actor = require_user()
    row, opportunity = _or_404(lambda: access.get_contract(contract_id, actor))
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        outcome = attempt(lambda: contracts.edit(actor, row, opportunity, _contract_terms()))
        if outcome.error is None:
            flash(_("The contract's terms are saved."), "success")
            return redirect(url_for("volunteering.contract", contract_id=row.id))
        flash_refusal(outcome.error)
        if not outcome.error.fields:  # refused (rights, signed): nothing to correct here
            return redirect(url_for("volunteering.contract", contract_id=row.id))
        errors = {k: [str(m) for m in v] for k, v in outcome.error.fields.items()}
    text_ar, text_fr = contracts.texts(row)
    manager = access.manages(actor, row.association_id)
    mine = actor.id == row.volunteer_id
    association = get_association(row.association_id)
    volunteer = queries.user(row.volunteer_id)
    values = [
        association.name if association else "",
        volunteer.display_name if volunteer else "",
        opportunity.title,
        row.tasks,
        row.expenses,
        row.insurance_reference,
    ]
    return render_template(
        "volunteering/contract.html",
        contract=row,
        opportunity=opportunity,
        association=association,
        volunteer=volunteer,
        text_ar=_isolated(text_ar, values),
        text_fr=_isolated(text_fr, values),
        manager=manager,
        may_sign=(mine and row.volunteer_signed_at is None)
        or (manager and not mine and row.coordinator_signed_at is None),
        editable=manager and row.volunteer_signed_at is None and row.coordinator_signed_at is None,
        may_end=row.status == "signed" and row.ended_at is None and (manager or mine),
        ended_by=queries.user(row.ended_by_id) if row.ended_by_id else None,
        errors=errors,
    ), (422 if errors else 200)


@bp.route("/volunteering/contracts/<int:contract_id>/sign", methods=["POST"])
@login_required
@rate_limit("volunteer_write")
def sign_contract(contract_id: int) -> ResponseReturnValue:
    actor = require_user()
    row, _opportunity = _or_404(lambda: access.get_contract(contract_id, actor))
    form_action(lambda: contracts.sign(actor, row), _("Signed."))
    return redirect(url_for("volunteering.contract", contract_id=row.id))


@bp.route("/volunteering/contracts/<int:contract_id>/end", methods=["POST"])
@login_required
@rate_limit("volunteer_write")
def end_contract(contract_id: int) -> ResponseReturnValue:
    """End a signed contract early, with a reason (law 06-18: either side, with notice)."""
    actor = require_user()
    row, _opportunity = _or_404(lambda: access.get_contract(contract_id, actor))
    reason = (request.form.get("reason") or "")[:4000]
    form_action(
        lambda: contracts.end(actor, row, reason),
        _("The contract is ended: the other side is told."),
    )
    return redirect(url_for("volunteering.contract", contract_id=row.id))


@bp.route("/volunteering/contracts/<int:contract_id>.pdf")
@login_required
def contract_pdf(contract_id: int) -> ResponseReturnValue:
    actor = require_user()
    row, _opportunity = _or_404(lambda: access.get_contract(contract_id, actor))
    return Response(
        contracts.contract_pdf(row),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="contract-{row.id}.pdf"'},
    )


@bp.route("/volunteering/<int:opportunity_id>/hours", methods=["POST"])
@login_required
@rate_limit("volunteer_write")
def enter_hours(opportunity_id: int) -> ResponseReturnValue:
    """Hours entered by hand (an accepted volunteer, or a coordinator for one)."""
    actor = require_user()
    opportunity = _or_404(lambda: access.get_opportunity(opportunity_id))
    hours = request.form.get("hours", type=float)
    data: dict[str, Any] = {
        "minutes": round(hours * 60) if hours is not None and 0 <= hours <= 24 else -1,
        "worked_on": _date("worked_on") or dt.date.min,
        "volunteer_id": request.form.get("volunteer_id", type=int),
    }
    form_action(
        lambda: services.enter_hours(actor, opportunity, data),
        _("Your hours are entered: they wait for the association's verification."),
    )
    return redirect(url_for("volunteering.show", opportunity_id=opportunity.id))


# --- the page to publish and edit a call for volunteers ---------------------------------------


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 9 else None


def _instant(value: str) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat(local_input_to_utc(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _opportunity_form(errors: dict[str, list[str]]) -> dict[str, Any]:
    """The opportunity form as the API's payload; what does not parse is said in ``errors``."""
    form = request.form
    data: dict[str, Any] = {
        "title": (form.get("title") or "")[:160],
        "description": (form.get("description") or "")[:5000],
        "skills": [s for s in form.getlist("skills") if s in SKILLS],
        "city_id": _int(form.get("city_id")),
        "remote": form.get("remote") == "1",
        "min_age": _int(form.get("min_age")) or 18,
        "contractual": form.get("contractual") == "1",
        "association_id": _int(form.get("association_id")),
    }
    for key in ("starts_on", "ends_on"):
        day = _date(key)
        if day is None:
            errors[key] = [_("Give a date.")]
        data[key] = day
    if not 12 <= data["min_age"] <= 99:
        errors["min_age"] = [_("Between 12 and 99 years.")]
    roles = []
    for role_id, title, quota in zip(
        form.getlist("role_id"),
        form.getlist("role_title"),
        form.getlist("role_quota"),
        strict=False,
    ):
        if not title.strip() and not quota.strip():
            continue  # an empty row of the form
        roles.append({"id": _int(role_id), "title": title[:160], "quota": _int(quota) or 0})
    shifts = []
    for shift_id, starts, ends, capacity in zip(
        form.getlist("shift_id"),
        form.getlist("shift_starts"),
        form.getlist("shift_ends"),
        form.getlist("shift_capacity"),
        strict=False,
    ):
        if not starts.strip() and not ends.strip() and not capacity.strip():
            continue
        start, end = _instant(starts), _instant(ends)
        if start is None or end is None:
            errors["shifts"] = [_("Give each shift a start and an end.")]
            continue
        shifts.append(
            {
                "id": _int(shift_id),
                "starts_at": start,
                "ends_at": end,
                "capacity": _int(capacity) or 0,
            }
        )
    data["roles"], data["shifts"] = roles[:ROLES_MAX], shifts[:SHIFTS_MAX]
    return data


def _local(value: dt.datetime) -> str:
    return value.astimezone(reader_zone()).strftime("%Y-%m-%dT%H:%M")


def _form_page(
    opportunity: Any,
    data: dict[str, Any],
    errors: dict[str, list[str]],
    hits: list[Any],
    status: int,
) -> ResponseReturnValue:
    actor = require_user()
    return render_template(
        "volunteering/form.html",
        opportunity=opportunity,
        data=data,
        errors=errors,
        hits=hits,
        associations=[m for m in user_memberships(actor.id) if m.role in access.MANAGER_ROLES],
        cities=queries.cities(),
        skills=SKILLS,
        labels=labels,
        lang=_lang(),
        local=_local,
        quota_max=QUOTA_MAX,
    ), status


def _refused(error: ApiError, errors: dict[str, list[str]]) -> list[Any]:
    """The rules' hits of a refusal (listed with their excerpt); its other reasons by field."""
    hits = list(error.fields.get("hits") or [])
    for key, messages in error.fields.items():
        if key != "hits":
            errors[key] = [str(m) for m in messages]
    if not hits and not errors:
        flash_refusal(error)
    return hits


@bp.route("/volunteering/new", methods=["GET", "POST"])
@login_required
@rate_limit("volunteer_write", methods=["POST"])
def new() -> ResponseReturnValue:
    """Publish a call for volunteers, with its roles and shifts (an association's
    coordinators and administrators); the rules' hits shown with their excerpt."""
    actor = require_user()
    managed = [m for m in user_memberships(actor.id) if m.role in access.MANAGER_ROLES]
    if not managed:
        abort(403)
    errors: dict[str, list[str]] = {}
    if request.method == "GET":
        today = dt.datetime.now(dt.UTC).date()
        data: dict[str, Any] = {
            "association_id": request.args.get("association_id", type=int)
            or managed[0].association_id,
            "starts_on": today + dt.timedelta(days=7),
            "ends_on": today + dt.timedelta(days=7),
            "min_age": 18,
            "roles": [],
            "shifts": [],
            "skills": [],
        }
        return _form_page(None, data, errors, [], 200)
    data = _opportunity_form(errors)
    if errors:
        return _form_page(None, data, errors, [], 422)
    payload = dict(data, roles=[{k: v for k, v in r.items() if k != "id"} for r in data["roles"]])
    payload["shifts"] = [{k: v for k, v in s.items() if k != "id"} for s in data["shifts"]]
    outcome = attempt(lambda: services.publish(actor, payload))
    if outcome.error is not None:
        hits = _refused(outcome.error, errors)
        return _form_page(None, data, errors, hits, outcome.error.code or 422)
    assert outcome.value is not None
    flash(_("Your call for volunteers is published."), "success")
    return redirect(url_for("volunteering.show", opportunity_id=outcome.value.id))


@bp.route("/volunteering/<int:opportunity_id>/edit", methods=["GET", "POST"])
@login_required
@rate_limit("volunteer_write", methods=["POST"])
def edit(opportunity_id: int) -> ResponseReturnValue:
    """Change the text, skills, roles and shifts of an open call (its association)."""
    actor = require_user()
    opportunity = _or_404(lambda: access.get_opportunity(opportunity_id))
    if not access.manages(actor, opportunity.association_id):
        abort(403)
    if opportunity.status != "open":
        flash(_("This opportunity is closed."), "error")
        return redirect(url_for("volunteering.show", opportunity_id=opportunity.id))
    roles, shifts = queries.roles_and_shifts([opportunity.id])
    errors: dict[str, list[str]] = {}
    if request.method == "GET":
        data: dict[str, Any] = {
            "association_id": opportunity.association_id,
            "title": opportunity.title,
            "description": opportunity.description,
            "skills": list(opportunity.skills or []),
            "roles": [
                {"id": r.id, "title": r.title, "quota": r.quota, "accepted": r.accepted}
                for r in roles[opportunity.id]
            ],
            "shifts": [
                {
                    "id": s.id,
                    "starts_at": s.starts_at,
                    "ends_at": s.ends_at,
                    "capacity": s.capacity,
                    "taken": s.taken,
                }
                for s in shifts[opportunity.id]
            ],
        }
        return _form_page(opportunity, data, errors, [], 200)
    data = _opportunity_form(errors)
    errors = {k: v for k, v in errors.items() if k not in ("starts_on", "ends_on", "min_age")}
    if errors:
        return _form_page(opportunity, data, errors, [], 422)
    changes = {k: data[k] for k in ("title", "description", "skills", "roles", "shifts")}
    outcome = attempt(lambda: services.edit(actor, opportunity, changes))
    if outcome.error is not None:
        hits = _refused(outcome.error, errors)
        return _form_page(opportunity, data, errors, hits, outcome.error.code or 422)
    flash(_("Your changes are saved."), "success")
    return redirect(url_for("volunteering.show", opportunity_id=opportunity.id))


# --- caravans ---------------------------------------------------------------------------------

CARAVAN_STEPS = {
    "planning": "planning",
    "ready": "ready",
    "under-way": "under_way",
    "done": "done",
    "cancel": "cancelled",
}


def _caravan_or_404(caravan_id: int) -> Any:
    actor = require_user()
    return _or_404(lambda: caravans.get_caravan(caravan_id, actor))


def _to_caravan(caravan_id: int, anchor: str = "") -> ResponseReturnValue:
    return redirect(url_for("volunteering.caravan", caravan_id=caravan_id) + anchor, code=303)


@bp.route("/volunteering/caravans")
@login_required
def caravan_list() -> ResponseReturnValue:
    """The caravans (drafts: only their associations' managers see them)."""
    actor = require_user()
    page = caravans.visible_caravans(actor, max(1, request.args.get("page", 1, type=int) or 1), 20)
    managed = [m for m in user_memberships(actor.id) if m.role in access.MANAGER_ROLES]
    return render_template(
        "volunteering/caravans.html",
        page=page,
        places=caravans.place_labels(page["items"], _lang()),
        names=caravans.names_of({c.lead_association_id for c in page["items"]}),
        labels=labels,
        may_create=bool(managed) or actor.is_admin,
    )


@bp.route("/volunteering/caravans/<int:caravan_id>")
@login_required
def caravan(caravan_id: int) -> ResponseReturnValue:
    """The plan: partners, components with their roles (sign up), the load, what keeps it
    from being ready; the actions of the lead and of each association's coordinators."""
    actor = require_user()
    row = _caravan_or_404(caravan_id)
    data = caravans.detail(row, actor, _lang())
    managed = [m for m in user_memberships(actor.id) if m.role in access.MANAGER_ROLES]
    mine_ids = {m.association_id for m in managed}
    taking_part = set(caravans.association_ids(row))
    return render_template(
        "volunteering/caravan.html",
        caravan=row,
        data=data,
        labels=labels,
        lead=caravans.leads(actor, row),
        # the associations the reader may add a component for
        component_for=[m for m in managed if m.association_id in taking_part],
        invitations=[
            p
            for p in data["partners"]
            if p["status"] == "invited" and p["association_id"] in mine_ids
        ],
        runs={c["id"] for c in data["components"] if access.manages(actor, c["association_id"])},
        applied=caravans.my_applications(actor, caravans.components_of(row.id)),
        pending_hours=caravans.pending_hours(row) if row.status in ("under_way", "done") else 0,
        certificates=caravans.certificates_of(row.id),
        invitable=caravans.invitable(row) if caravans.leads(actor, row) else [],
        kinds=COMPONENT_KINDS,
        load_kinds=LOAD_KINDS,
        today=dt.datetime.now(dt.UTC).date(),
    )


def _caravan_data(errors: dict[str, list[str]]) -> dict[str, Any]:
    form = request.form
    data: dict[str, Any] = {
        "lead_association_id": _int(form.get("lead_association_id")),
        "title": (form.get("title") or "")[:160],
        "description": (form.get("description") or "")[:5000],
        "city_id": _int(form.get("city_id")),
        "douar": (form.get("douar") or "")[:160],
        "campaign_id": _int(form.get("campaign_id")),
        "story_ar": (form.get("story_ar") or "")[:3000],
        "story_fr": (form.get("story_fr") or "")[:3000],
        "people_reached": _int(form.get("people_reached")),
    }
    for key in ("starts_on", "ends_on"):
        day = _date(key)
        if day is None:
            errors[key] = [_("Give a date.")]
        data[key] = day
    return data


def _caravan_form(
    row: Any, data: dict[str, Any], errors: dict[str, list[str]], status: int
) -> ResponseReturnValue:
    actor = require_user()
    return render_template(
        "volunteering/caravan_form.html",
        caravan=row,
        data=data,
        errors=errors,
        associations=[m for m in user_memberships(actor.id) if m.role in access.MANAGER_ROLES],
        cities=queries.cities(),
        lang=_lang(),
    ), status


def _refusal_fields(error: ApiError, errors: dict[str, list[str]]) -> None:
    for key, messages in error.fields.items():
        errors[key] = [str(m) for m in messages]
    if not errors:
        flash_refusal(error)


@bp.route("/volunteering/caravans/new", methods=["GET", "POST"])
@login_required
@rate_limit("volunteer_write", methods=["POST"])
def caravan_new() -> ResponseReturnValue:
    """A new caravan (draft), led by one of the reader's associations."""
    actor = require_user()
    managed = [m for m in user_memberships(actor.id) if m.role in access.MANAGER_ROLES]
    if not managed:
        abort(403)
    errors: dict[str, list[str]] = {}
    if request.method == "GET":
        today = dt.datetime.now(dt.UTC).date()
        data: dict[str, Any] = {
            "lead_association_id": managed[0].association_id,
            "starts_on": today + dt.timedelta(days=30),
            "ends_on": today + dt.timedelta(days=32),
        }
        return _caravan_form(None, data, errors, 200)
    data = _caravan_data(errors)
    if errors:
        return _caravan_form(None, data, errors, 422)
    outcome = attempt(lambda: caravans.create(actor, data))
    if outcome.error is not None:
        _refusal_fields(outcome.error, errors)
        return _caravan_form(None, data, errors, outcome.error.code or 422)
    assert outcome.value is not None
    flash(_("The caravan is drafted: invite partners and add its components."), "success")
    return _to_caravan(outcome.value.id)


@bp.route("/volunteering/caravans/<int:caravan_id>/edit", methods=["GET", "POST"])
@login_required
@rate_limit("volunteer_write", methods=["POST"])
def caravan_edit(caravan_id: int) -> ResponseReturnValue:
    """The lead edits the plan while it is planned, and the showcase at any time."""
    actor = require_user()
    row = _caravan_or_404(caravan_id)
    if not caravans.leads(actor, row):
        abort(403)
    errors: dict[str, list[str]] = {}
    if request.method == "GET":
        data = {
            k: getattr(row, k)
            for k in (
                "title",
                "description",
                "city_id",
                "douar",
                "starts_on",
                "ends_on",
                "campaign_id",
                "story_ar",
                "story_fr",
                "people_reached",
            )
        }
        return _caravan_form(row, data, errors, 200)
    data = _caravan_data(errors)
    if errors:
        return _caravan_form(row, data, errors, 422)
    if row.status not in caravans.PLANNING:
        data = {k: data[k] for k in ("story_ar", "story_fr", "people_reached")}
    data.pop("lead_association_id", None)
    outcome = attempt(lambda: caravans.edit(actor, row, data))
    if outcome.error is not None:
        _refusal_fields(outcome.error, errors)
        return _caravan_form(row, data, errors, outcome.error.code or 422)
    flash(_("Your changes are saved."), "success")
    return _to_caravan(row.id)


@bp.route("/volunteering/caravans/<int:caravan_id>/<step>", methods=["POST"])
@login_required
@rate_limit("volunteer_write")
def caravan_move(caravan_id: int, step: str) -> ResponseReturnValue:
    """The lead moves the caravan; a refusal to be ready lists each missing condition."""
    if step not in CARAVAN_STEPS:
        abort(404)
    actor = require_user()
    row = _caravan_or_404(caravan_id)
    form_action(
        lambda: caravans.move(actor, row, CARAVAN_STEPS[step]),
        _("The caravan is now: %(state)s.", state=labels.CARAVAN_STATUS[CARAVAN_STEPS[step]]),
    )
    return _to_caravan(caravan_id)


@bp.route("/volunteering/caravans/<int:caravan_id>/partners", methods=["POST"])
@login_required
@rate_limit("volunteer_write")
def caravan_invite(caravan_id: int) -> ResponseReturnValue:
    actor = require_user()
    row = _caravan_or_404(caravan_id)
    association_id = _int(request.form.get("association_id")) or 0
    form_action(
        lambda: caravans.invite(actor, row, association_id),
        _("The association is invited: its coordinators are told."),
    )
    return _to_caravan(caravan_id, "#partners")


@bp.route(
    "/volunteering/caravans/<int:caravan_id>/partners/<int:association_id>/<answer>",
    methods=["POST"],
)
@login_required
@rate_limit("volunteer_write")
def caravan_answer(caravan_id: int, association_id: int, answer: str) -> ResponseReturnValue:
    if answer not in ("accept", "decline"):
        abort(404)
    actor = require_user()
    row = _caravan_or_404(caravan_id)
    form_action(
        lambda: caravans.answer_invitation(actor, row, association_id, answer == "accept"),
        _("Your answer is recorded."),
    )
    return _to_caravan(caravan_id, "#partners")


def _component_data() -> dict[str, Any]:
    form = request.form
    day = _date("day")
    data: dict[str, Any] = {
        "association_id": _int(form.get("association_id")),
        "kind": form.get("kind") or "",
        "title": (form.get("title") or "")[:160],
        "place": (form.get("place") or "")[:200],
        "start_time": (form.get("start_time") or "")[:5],
        "end_time": (form.get("end_time") or "")[:5],
        "contractual": form.get("contractual") == "1",
        "roles": [],
    }
    if day is not None:
        data["day"] = day
    for title, quota in zip(form.getlist("role_title"), form.getlist("role_quota"), strict=False):
        if title.strip() or quota.strip():
            data["roles"].append({"title": title[:160], "quota": _int(quota) or 0})
    return data


@bp.route("/volunteering/caravans/<int:caravan_id>/components", methods=["POST"])
@login_required
@rate_limit("volunteer_write")
def caravan_component(caravan_id: int) -> ResponseReturnValue:
    """A component of one of the reader's associations, with its roles and quotas."""
    actor = require_user()
    row = _caravan_or_404(caravan_id)
    data = _component_data()
    form_action(
        lambda: caravans.add_component(actor, row, data),
        _("The component is added: volunteers can sign up for its roles."),
    )
    return _to_caravan(caravan_id, "#components")


@bp.route("/volunteering/caravans/<int:caravan_id>/loads", methods=["POST"])
@login_required
@rate_limit("volunteer_write")
def caravan_load(caravan_id: int) -> ResponseReturnValue:
    actor = require_user()
    row = _caravan_or_404(caravan_id)
    data = {
        "kind": request.form.get("kind") or "",
        "ref_id": _int(request.form.get("ref_id")),
        "label": (request.form.get("label") or "")[:200],
        "quantity": _int(request.form.get("quantity")) or 1,
        "component_id": _int(request.form.get("component_id")),
    }
    form_action(lambda: caravans.add_load(actor, row, data), _("Added to the load."))
    return _to_caravan(caravan_id, "#load")


@bp.route("/volunteering/caravans/<int:caravan_id>/hours/verify", methods=["POST"])
@login_required
@rate_limit("volunteer_write")
def caravan_verify_hours(caravan_id: int) -> ResponseReturnValue:
    actor = require_user()
    row = _caravan_or_404(caravan_id)
    outcome = attempt(lambda: caravans.verify_hours(actor, row))
    if outcome.error is not None:
        flash_refusal(outcome.error)
    else:
        flash(
            ngettext(
                "%(num)d entry of hours verified.",
                "%(num)d entries of hours verified.",
                outcome.value or 0,
            ),
            "success",
        )
    return _to_caravan(caravan_id, "#end")


@bp.route("/volunteering/caravans/<int:caravan_id>/certificates", methods=["POST"])
@login_required
@rate_limit("volunteer_write")
def caravan_certificates(caravan_id: int) -> ResponseReturnValue:
    actor = require_user()
    row = _caravan_or_404(caravan_id)
    outcome = attempt(lambda: caravans.issue_certificates(actor, row))
    if outcome.error is not None:
        flash_refusal(outcome.error)
    else:
        flash(
            ngettext(
                "%(num)d certificate issued.", "%(num)d certificates issued.", outcome.value or 0
            ),
            "success",
        )
    return _to_caravan(caravan_id, "#end")


@bp.route("/volunteering/caravans/<int:caravan_id>/schedule")
def caravan_schedule(caravan_id: int) -> ResponseReturnValue:
    """Public: the schedule for the douar, day by day (what, where, when; never who)."""
    row = _or_404(lambda: caravans.get_public(caravan_id))
    data = caravans.schedule(row, _lang())
    days: dict[Any, list[dict[str, Any]]] = {}
    for item in data["items"]:
        days.setdefault(item["day"], []).append(item)
    return render_template(
        "volunteering/caravan_schedule.html", caravan=row, data=data, days=days, labels=labels
    )


@bp.route("/volunteering/caravans/<int:caravan_id>/showcase")
def caravan_showcase(caravan_id: int) -> ResponseReturnValue:
    """Public once done: the figures and the story (Arabic and French), no names."""
    row = _or_404(lambda: caravans.get_public(caravan_id, showcase=True))
    return render_template(
        "volunteering/caravan_showcase.html",
        caravan=row,
        data=caravans.showcase_data(row, _lang()),
        signed_in=get_current_user() is not None,
    )
