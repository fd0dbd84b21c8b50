"""Aid pages: the association's households (no personal field in lists; reading a name is an
explicit, logged action with a purpose), the register and self-registration forms, the
duplicate cases, the stock ledger and the distributions with their slots. Same services,
rights and rate limits as the API."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _

from aid import access, cards, kits, labels, notices, queries, services
from aid.models import (
    AGE_BANDS,
    CLOTHING_SIZES,
    CONSENT_LANGUAGES,
    CONSENT_MODES,
    CONSENT_PURPOSES,
    DECISIONS,
    MOVEMENT_KINDS,
    NEEDS,
    PLACE_KINDS,
    REGISTRY_STATUSES,
    VERIFY_METHODS,
    VULNERABILITIES,
    Distribution,
    DuplicateCase,
    Entitlement,
    Household,
    StockMovement,
)
from aid.schemas import (
    CollectSchema,
    DecideSchema,
    DistributionInSchema,
    EntitlementInSchema,
    HouseholdInSchema,
    MovementInSchema,
    SelfRegisterSchema,
    VerifySchema,
    load,
)
from app.accounts.auth import login_required, require_user
from app.api import ApiError, not_found
from app.edge import attempt, flash_refusal
from app.limits import check as check_limit
from app.limits import rate_limit
from directory import get_association, get_associations

bp = Blueprint(
    "aid", __name__, template_folder="templates", static_folder="static", url_prefix="/aid"
)
PER_PAGE = 30
CHOICES = {
    "age_bands": AGE_BANDS,
    "vulnerabilities": VULNERABILITIES,
    "registry_statuses": REGISTRY_STATUSES,
    "consent_modes": CONSENT_MODES,
    "consent_purposes": CONSENT_PURPOSES,
    "consent_languages": CONSENT_LANGUAGES,
    "needs": NEEDS,
    "sizes": CLOTHING_SIZES,
    "verify_methods": VERIFY_METHODS,
    "decisions": DECISIONS,
    "movement_kinds": MOVEMENT_KINDS,
    "place_kinds": PLACE_KINDS,
}


def _provinces() -> list[tuple[int, str]]:
    return queries.provinces(str(get_locale() or "ar"))


def _render(template: str, **context: Any) -> str:
    return render_template(template, labels=labels, choices=CHOICES, **context)


def _household_input(form: Any) -> dict[str, Any]:
    """The register form as the API's body."""
    needs = []
    for code in form.getlist("needs"):
        need: dict[str, Any] = {"code": code}
        if code == "clothing" and form.get("clothing_size"):
            need["size"] = form.get("clothing_size")
        needs.append(need)
    composition = {}
    for band in AGE_BANDS:
        raw = (form.get(f"band_{band}") or "").strip()
        if raw:
            composition[band] = raw
    body: dict[str, Any] = {
        "head_name": form.get("head_name", ""),
        "phone": form.get("phone") or None,
        "address": form.get("address") or None,
        "national_id": form.get("national_id") or None,
        "birth_year": form.get("birth_year") or None,
        "province_id": form.get("province_id") or None,
        "commune": form.get("commune", ""),
        "douar": form.get("douar", ""),
        "size": form.get("size") or None,
        "composition": composition,
        "vulnerabilities": form.getlist("vulnerabilities"),
        "registry_status": form.get("registry_status") or "unknown",
        "consent": {
            "mode": form.get("consent_mode") or None,
            "purposes": form.getlist("consent_purposes"),
            "language": form.get("consent_language") or None,
        },
        "needs": needs,
    }
    if "association_id" in form:
        body["association_id"] = form.get("association_id") or None
    return body


def _errors(error: ApiError) -> dict[str, list[str]]:
    """A refusal's reasons per field (nested ones flattened: ``consent.mode`` ->
    ``consent_mode``); what no field shows is flashed."""
    found: dict[str, list[str]] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}_{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            found.setdefault(prefix, []).extend(value)
        elif isinstance(value, list):
            for inner in value:
                walk(prefix, inner)

    walk("", error.fields or {})
    if not found:
        flash_refusal(error)
    return found


# ------------------------------------------------------------------ households


@bp.route("/")
@login_required
def index() -> ResponseReturnValue:
    """Where aid starts: the associations the person coordinates, and self-registration."""
    actor = require_user()
    ids = access.staff_associations(actor)
    associations = sorted(get_associations(ids).values(), key=lambda a: a.name)
    return _render("aid/index.html", associations=associations)


@bp.route("/associations/<int:association_id>/households")
@login_required
def households(association_id: int) -> ResponseReturnValue:
    actor = require_user()
    association = access.staff_association(actor, association_id)
    status = request.args.get("status") or None
    if status not in labels.STATUS:
        status = None
    page_no = max(1, request.args.get("page", 1, type=int) or 1)
    page = queries.households_page(association_id, status, page_no, PER_PAGE)
    return _render(
        "aid/households.html",
        association=association,
        page=page,
        pages=max(1, -(-page["total"] // PER_PAGE)),
        status=status,
        open_cases=queries.open_case_count(association_id),
        in_network=services.opted_in(association_id),
        provinces=dict(_provinces()),
        page_url=lambda n: url_for(
            "aid.households", association_id=association_id, status=status, page=n
        ),
    )


@bp.route("/associations/<int:association_id>/households/new", methods=["GET", "POST"])
@login_required
@rate_limit("aid_register", methods=["POST"])
def register(association_id: int) -> ResponseReturnValue:
    actor = require_user()
    association = access.staff_association(actor, association_id)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        body = _household_input(request.form)

        def act() -> tuple[Household, dict[str, str]]:
            data = load(HouseholdInSchema(), body)
            row = services.register_household(actor, association, data, "assisted")
            return row, services.network_check(actor, row, "registration")

        outcome = attempt(act)
        if outcome.ok and outcome.value is not None:
            row, network = outcome.value
            flash(_("Household %(number)s registered.", number=row.number), "success")
            if network.get("status") in ("served", "limit_reached"):
                flash(labels.network_message(network), "warning")
            return redirect(url_for("aid.household", household_id=row.id))
        assert outcome.error is not None
        errors = _errors(outcome.error)
    return _render(
        "aid/register.html",
        association=association,
        provinces=_provinces(),
        errors=errors,
        form=request.form,
        authorised=services.may_keep_national_ids(association.id),
        action=url_for("aid.register", association_id=association.id),
        self_registration=False,
    ), (422 if errors else 200)


@bp.route("/register", methods=["GET", "POST"])
@login_required
@rate_limit("aid_self_register", methods=["POST"])
def self_register() -> ResponseReturnValue:
    """A person registers their own household with an association of the directory."""
    actor = require_user()
    errors: dict[str, list[str]] = {}
    done = None
    if request.method == "POST":
        body = _household_input(request.form)
        body.pop("national_id", None)  # a person's own form never asks for it

        def act() -> Household:
            data = load(SelfRegisterSchema(), body)
            association = get_association(data.pop("association_id"))
            if association is None:
                raise not_found()
            return services.register_household(actor, association, data, "self")

        outcome = attempt(act)
        if outcome.ok and outcome.value is not None:
            done = outcome.value
        else:
            assert outcome.error is not None
            errors = _errors(outcome.error)
    chosen = request.values.get("association_id", type=int)
    association = get_association(chosen) if chosen else None
    if association is not None and association.status != "approved":
        association = None
    return _render(
        "aid/register.html",
        association=association,
        provinces=_provinces(),
        errors=errors,
        form=request.form,
        authorised=False,
        action=url_for("aid.self_register"),
        self_registration=True,
        done=done,
    ), (422 if errors else 200)


@bp.route("/households/<int:household_id>")
@login_required
def household(household_id: int) -> ResponseReturnValue:
    actor = require_user()
    row = access.get_household(actor, household_id)
    return _household_page(row, None)


def _household_page(row: Household, personal: dict[str, Any] | None) -> ResponseReturnValue:
    actor = require_user()
    cases = queries.cases_of_household(row.id)
    return _render(
        "aid/household.html",
        household=row,
        association=get_association(row.association_id),
        personal=personal,
        cases=cases,
        province=dict(_provinces()).get(row.province_id, ""),
        may_verify=row.status == "pending"
        and not (row.origin == "self" and row.registrar_id == actor.id),
        card=cards.current_card(row.id),
        proxy_count=queries.proxy_count(row.id),
    )


@bp.route("/households/<int:household_id>/personal", methods=["POST"])
@login_required
@rate_limit("aid_personal_read")
def read_personal(household_id: int) -> ResponseReturnValue:
    """Show the name, phone and address once, for the purpose given (the read is logged)."""
    actor = require_user()
    row = access.get_household(actor, household_id)
    outcome = attempt(
        lambda: services.read_household_personal(actor, row, request.form.get("purpose", ""))
    )
    if not outcome.ok:
        assert outcome.error is not None
        flash_refusal(outcome.error)
        return redirect(url_for("aid.household", household_id=household_id))
    row = access.get_household(actor, household_id)
    return _household_page(row, outcome.value)


@bp.route("/households/<int:household_id>/verify", methods=["POST"])
@login_required
@rate_limit("aid_write")
def verify(household_id: int) -> ResponseReturnValue:
    actor = require_user()

    def act() -> Household:
        data = load(VerifySchema(), {"method": request.form.get("method") or None})
        return services.verify(actor, access.get_household(actor, household_id), data["method"])

    outcome = attempt(act)
    if outcome.ok:
        flash(_("Household verified: it can now receive aid."), "success")
    else:
        assert outcome.error is not None
        if outcome.error.code == 404:
            abort(404)
        flash_refusal(outcome.error)
    return redirect(url_for("aid.household", household_id=household_id))


@bp.route("/associations/<int:association_id>/network", methods=["POST"])
@login_required
@rate_limit("aid_write")
def network(association_id: int) -> ResponseReturnValue:
    """Join or leave the cross-association check."""
    actor = require_user()
    association = access.staff_association(actor, association_id)
    wanted = request.form.get("opt_in") == "1"
    outcome = attempt(lambda: services.set_network(actor, association, wanted))
    if outcome.ok:
        flash(
            _("The association takes part in the network check.")
            if outcome.value
            else _("The association left the network check."),
            "success",
        )
    else:
        assert outcome.error is not None
        flash_refusal(outcome.error)
    return redirect(url_for("aid.households", association_id=association_id))


@bp.route("/associations/<int:association_id>/duplicates")
@login_required
def duplicates(association_id: int) -> ResponseReturnValue:
    actor = require_user()
    association = access.staff_association(actor, association_id)
    cases = queries.recent_cases(association_id)
    ids = {c.household_id for c in cases} | {c.other_id for c in cases}
    return _render(
        "aid/duplicates.html",
        association=association,
        cases=cases,
        households=queries.households_by_id(ids),
    )


@bp.route("/duplicate-cases/<int:case_id>/decide", methods=["POST"])
@login_required
@rate_limit("aid_write")
def decide(case_id: int) -> ResponseReturnValue:
    actor = require_user()
    case = access.get_case(actor, case_id)
    association_id = case.association_id

    def act() -> DuplicateCase:
        data = load(
            DecideSchema(),
            {
                "decision": request.form.get("decision") or None,
                "reason": request.form.get("reason", ""),
            },
        )
        return services.decide(
            actor, access.get_case(actor, case_id), data["decision"], data["reason"]
        )

    outcome = attempt(act)
    if outcome.ok:
        flash(_("Decision recorded."), "success")
    else:
        assert outcome.error is not None
        flash_refusal(outcome.error)
    return redirect(url_for("aid.duplicates", association_id=association_id))


# ------------------------------------------------------------------ stock


@bp.route("/associations/<int:association_id>/stock", methods=["GET", "POST"])
@login_required
@rate_limit("aid_write", methods=["POST"])
def stock(association_id: int) -> ResponseReturnValue:
    actor = require_user()
    association = access.staff_association(actor, association_id)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        body = {k: v for k, v in request.form.items() if k != "csrf_token" and v != ""}

        def act() -> list[StockMovement]:
            return services.record_movement(actor, association, load(MovementInSchema(), body))

        outcome = attempt(act)
        if outcome.ok:
            flash(_("Movement recorded in the ledger."), "success")
            return redirect(url_for("aid.stock", association_id=association_id))
        assert outcome.error is not None
        errors = _errors(outcome.error)
    items = queries.items_of(association_id)
    locations = queries.locations_of(association_id)
    movements = queries.movements_page(association_id, 1, 50)["items"]
    return _render(
        "aid/stock.html",
        association=association,
        lines=services.stock_lines(association_id),
        items=items,
        locations=locations,
        item_names={i.id: i.name for i in items},
        location_names={loc.id: loc.name for loc in locations},
        movements=movements,
        errors=errors,
        form=request.form,
    ), (422 if errors else 200)


# ------------------------------------------------------------------ distributions


@bp.route("/associations/<int:association_id>/distributions", methods=["GET", "POST"])
@login_required
@rate_limit("aid_write", methods=["POST"])
def distributions(association_id: int) -> ResponseReturnValue:
    actor = require_user()
    association = access.staff_association(actor, association_id)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        body = {k: v for k, v in request.form.items() if k != "csrf_token" and v != ""}
        if body.get("starts_at") and len(body["starts_at"]) == 16:  # datetime-local, UTC
            body["starts_at"] += ":00+00:00"

        def act() -> Distribution:
            return services.schedule(actor, association, load(DistributionInSchema(), body))

        outcome = attempt(act)
        if outcome.ok and outcome.value is not None:
            flash(_("Distribution scheduled."), "success")
            return redirect(url_for("aid.distribution", distribution_id=outcome.value.id))
        assert outcome.error is not None
        errors = _errors(outcome.error)
    rows = queries.distributions_page(association_id, 1, 50)["items"]
    return _render(
        "aid/distributions.html",
        association=association,
        distributions=rows,
        errors=errors,
        form=request.form,
    ), (422 if errors else 200)


@bp.route("/distributions/<int:distribution_id>")
@login_required
def distribution(distribution_id: int) -> ResponseReturnValue:
    actor = require_user()
    row = access.get_distribution(actor, distribution_id)
    return _distribution_page(row, None)


def _distribution_page(row: Distribution, issued: dict[str, Any] | None) -> ResponseReturnValue:
    entitlements = queries.entitlements_of(row.id)
    waiting = queries.waiting_households(row)
    placed = queries.households_by_id([e.household_id for e in entitlements])
    planned = queries.deliveries_of(row.id)
    return _render(
        "aid/distribution.html",
        distribution=row,
        association=get_association(row.association_id),
        slots=services.slots_of(row.id),
        entitlements=entitlements,
        numbers={h.id: h.number for h in placed.values()},
        waiting=waiting,
        issued=issued,
        supply=kits.distribution_supply(row),
        deliveries=planned,
        numbers_all={h.id: h.number for h in placed.values()},
        home_households=queries.home_delivery_households(row),
        team=queries.team(row.association_id),
    )


@bp.route("/distributions/<int:distribution_id>/entitlements", methods=["POST"])
@login_required
@rate_limit("aid_write")
def entitle(distribution_id: int) -> ResponseReturnValue:
    actor = require_user()
    row = access.get_distribution(actor, distribution_id)

    def act() -> tuple[Entitlement, str, dict[str, str]]:
        data = load(
            EntitlementInSchema(), {"household_id": request.form.get("household_id") or None}
        )
        distribution = access.get_distribution(actor, distribution_id)
        entitlement, code = kits.entitle(actor, distribution, data["household_id"])
        household = access.get_household(actor, entitlement.household_id)
        network = services.network_check(actor, household, "entitlement", distribution.category)
        notices.notify_slot(actor, distribution, household, entitlement)
        return entitlement, code, network

    outcome = attempt(act)
    if not outcome.ok or outcome.value is None:
        assert outcome.error is not None
        flash_refusal(outcome.error)
        return redirect(url_for("aid.distribution", distribution_id=distribution_id))
    entitlement, code, network = outcome.value
    row = access.get_distribution(actor, distribution_id)
    slot = next(s for s in services.slots_of(row.id) if s.id == entitlement.slot_id)
    household = queries.households_by_id([entitlement.household_id]).get(entitlement.household_id)
    return _distribution_page(
        row,
        {
            "number": household.number if household else "",
            "code": code,
            "slot": slot.starts_at,
            "message": _(
                "%(title)s: come on %(when)s at %(place)s with the code %(code)s.",
                title=row.title,
                when=format_datetime(slot.starts_at, "short"),
                place=row.place,
                code=code,
            ),
            "network": labels.network_message(network)
            if network.get("status") in ("served", "limit_reached")
            else "",
            "sms": notices.slot_sms(row, household, slot.starts_at, code) if household else None,
        },
    )


@bp.route("/entitlements/<int:entitlement_id>/collect", methods=["POST"])
@login_required
@rate_limit("aid_write")
def collect(entitlement_id: int) -> ResponseReturnValue:
    actor = require_user()
    entitlement = access.get_entitlement(actor, entitlement_id)
    distribution_id = entitlement.distribution_id

    def act() -> Entitlement:
        data = load(
            CollectSchema(),
            {
                "proof": request.form.get("proof", ""),
                "proxy_name": request.form.get("proxy_name") or None,
            },
        )
        return kits.collect(
            actor, access.get_entitlement(actor, entitlement_id), data["proof"], data["proxy_name"]
        )

    outcome = attempt(act)
    if outcome.ok:
        flash(_("Handed over: collection recorded."), "success")
    else:
        assert outcome.error is not None
        flash_refusal(outcome.error)
    return redirect(url_for("aid.distribution", distribution_id=distribution_id))


__all__ = ["bp", "check_limit"]
