"""JSON endpoints of aid (paths in API.md). Each write is one transaction; access first
(:mod:`aid.access`), then the service; the page and the API of an action share its limit."""

from __future__ import annotations

from typing import Any

from flask_babel import format_datetime
from flask_babel import gettext as _

from aid import (
    access,
    board,
    grievances,
    kits,
    labels,
    notices,
    queries,
    reports,
    serialize,
    services,
)
from aid.models import NEEDS, Distribution
from aid.schemas import (
    AidFieldsSchema,
    AidGrievanceAnswerSchema,
    AidGrievanceArgsSchema,
    AidGrievanceInSchema,
    AidGrievanceListSchema,
    AidGrievanceOutSchema,
    AidKitInSchema,
    AidKitListSchema,
    AidKitOutSchema,
    AidLimitInSchema,
    AidLimitListSchema,
    AidLimitOutSchema,
    AidLineInSchema,
    AidLineListSchema,
    AidLineOutSchema,
    AidNeedsArgsSchema,
    AidNeedsSchema,
    AidPersonalReadArgsSchema,
    AidPublicSummarySchema,
    AidReportSchema,
    CaseListArgsSchema,
    CaseListSchema,
    CaseOutSchema,
    CollectSchema,
    ConsentSchema,
    DecideSchema,
    DistributionInSchema,
    DistributionListSchema,
    DistributionOutSchema,
    EntitlementInSchema,
    EntitlementOutSchema,
    HouseholdInSchema,
    HouseholdListArgsSchema,
    HouseholdListSchema,
    HouseholdOutSchema,
    HouseholdPatchSchema,
    HouseholdReadArgsSchema,
    MovementInSchema,
    MovementListSchema,
    MovementsOutSchema,
    NetworkInSchema,
    NetworkOutSchema,
    SelfRegisterSchema,
    StockSchema,
    VerifySchema,
)
from app.accounts.auth import get_current_user, require_user
from app.api import ApiError, PageArgsSchema, make_blueprint, not_found
from app.db import transactional
from app.limits import check, rate_limit
from directory import get_association

blp = make_blueprint("aid", __name__, "Aid: households, stock and distributions")


def slot_message(distribution: Distribution, starts_at: Any, code: str) -> str:
    """The SMS-ready text telling a household its slot and code."""
    return str(
        _(
            "%(title)s: come on %(when)s at %(place)s with the code %(code)s.",
            title=distribution.title,
            when=format_datetime(starts_at, "short"),
            place=distribution.place,
            code=code,
        )
    )


def _network(result: dict[str, str]) -> dict[str, str]:
    message = labels.network_message(result)
    return {**result, "message": message} if message else result


@blp.route("/associations/<int:association_id>/network", methods=["PUT"])
@rate_limit("aid_write")
@blp.arguments(NetworkInSchema)
@blp.response(200, NetworkOutSchema)
@transactional
def set_network(data: dict[str, Any], association_id: int) -> dict[str, Any]:
    """Join or leave the cross-association check (it asks and answers, by tokens only)."""
    actor = require_user()
    association = access.staff_association(actor, association_id)
    return {"opt_in": services.set_network(actor, association, data["opt_in"])}


@blp.route("/associations/<int:association_id>/households", methods=["GET"])
@blp.arguments(HouseholdListArgsSchema, location="query")
@blp.response(200, HouseholdListSchema)
def list_households(args: dict[str, Any], association_id: int) -> dict[str, Any]:
    """The association's households: number, commune, size and status (no personal field)."""
    access.staff_association(require_user(), association_id)
    page = queries.households_page(
        association_id, args.get("status"), args["page"], args["per_page"]
    )
    page["items"] = [serialize.household_item(h) for h in page["items"]]
    return page


@blp.route("/associations/<int:association_id>/households", methods=["POST"])
@rate_limit("aid_register")
@blp.arguments(HouseholdInSchema)
@blp.response(201, HouseholdOutSchema)
@transactional
def register_household(data: dict[str, Any], association_id: int) -> dict[str, Any]:
    """Register a household for the association (assisted); it waits for verification."""
    actor = require_user()
    association = access.staff_association(actor, association_id)
    row = services.register_household(actor, association, data, "assisted")
    out = serialize.household(row, services.open_cases(row.id))
    out["network_check"] = _network(services.network_check(actor, row, "registration"))
    return out


@blp.route("/households/self-register", methods=["POST"])
@rate_limit("aid_self_register")
@blp.arguments(SelfRegisterSchema)
@blp.response(201, HouseholdOutSchema)
@transactional
def self_register(data: dict[str, Any]) -> dict[str, Any]:
    """A person registers their own household with an association; it waits until someone
    of the association verifies it."""
    actor = require_user()
    association = get_association(data.pop("association_id"))
    if association is None:
        raise not_found()
    row = services.register_household(actor, association, data, "self")
    return {"id": row.id, "number": row.number, "status": row.status}


@blp.route("/households/<int:household_id>", methods=["GET"])
@blp.arguments(HouseholdReadArgsSchema, location="query")
@blp.response(200, HouseholdOutSchema)
@transactional
def get_household(args: dict[str, Any], household_id: int) -> dict[str, Any]:
    """A household; personal fields only with ``include=personal&purpose=...`` (logged)."""
    actor = require_user()
    row = access.get_household(actor, household_id)
    data = serialize.household(row, services.open_cases(row.id))
    if args.get("include") == "personal":
        check("aid_personal_read", actor.id)
        data["personal"] = services.read_household_personal(actor, row, args.get("purpose", ""))
    return data


@blp.route("/households/<int:household_id>/verify", methods=["POST"])
@rate_limit("aid_write")
@blp.arguments(VerifySchema)
@blp.response(200, HouseholdOutSchema)
@transactional
def verify_household(data: dict[str, Any], household_id: int) -> dict[str, Any]:
    actor = require_user()
    row = services.verify(actor, access.get_household(actor, household_id), data["method"])
    return serialize.household(row, services.open_cases(row.id))


@blp.route("/duplicate-cases", methods=["GET"])
@blp.arguments(CaseListArgsSchema, location="query")
@blp.response(200, CaseListSchema)
def list_cases(args: dict[str, Any]) -> dict[str, Any]:
    """The association's adjudication queue, each case side by side (no personal field)."""
    access.staff_association(require_user(), args["association_id"])
    page = queries.cases_page(
        args["association_id"], args["status"], args["page"], args["per_page"]
    )
    found = queries.households_by_id(
        {c.household_id for c in page["items"]} | {c.other_id for c in page["items"]}
    )
    page["items"] = [
        serialize.case(c, found.get(c.household_id), found.get(c.other_id)) for c in page["items"]
    ]
    return page


@blp.route("/duplicate-cases/<int:case_id>/decide", methods=["POST"])
@rate_limit("aid_write")
@blp.arguments(DecideSchema)
@blp.response(200, CaseOutSchema)
@transactional
def decide_case(data: dict[str, Any], case_id: int) -> dict[str, Any]:
    actor = require_user()
    row = services.decide(actor, access.get_case(actor, case_id), data["decision"], data["reason"])
    found = queries.households_by_id([row.household_id, row.other_id])
    return serialize.case(row, found.get(row.household_id), found.get(row.other_id))


@blp.route("/associations/<int:association_id>/stock-movements", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, MovementListSchema)
def list_movements(args: dict[str, Any], association_id: int) -> dict[str, Any]:
    """The ledger, newest first."""
    access.staff_association(require_user(), association_id)
    page = queries.movements_page(association_id, args["page"], args["per_page"])
    page["items"] = [serialize.movement(m) for m in page["items"]]
    return page


@blp.route("/associations/<int:association_id>/stock-movements", methods=["POST"])
@rate_limit("aid_write")
@blp.arguments(MovementInSchema)
@blp.response(201, MovementsOutSchema)
@transactional
def add_movement(data: dict[str, Any], association_id: int) -> dict[str, Any]:
    """Append to the ledger; 409 ``insufficient_stock`` when it would go below zero."""
    actor = require_user()
    association = access.staff_association(actor, association_id)
    made = services.record_movement(actor, association, data)
    return {"items": [serialize.movement(m) for m in made]}


@blp.route("/associations/<int:association_id>/stock", methods=["GET"])
@blp.response(200, StockSchema)
def stock(association_id: int) -> dict[str, Any]:
    """On-hand per item and location: the sums of the ledger."""
    access.staff_association(require_user(), association_id)
    return {"items": services.stock_lines(association_id)}


@blp.route("/associations/<int:association_id>/distributions", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, DistributionListSchema)
def list_distributions(args: dict[str, Any], association_id: int) -> dict[str, Any]:
    access.staff_association(require_user(), association_id)
    page = queries.distributions_page(association_id, args["page"], args["per_page"])
    page["items"] = [serialize.distribution(d, services.slots_of(d.id)) for d in page["items"]]
    return page


@blp.route("/associations/<int:association_id>/distributions", methods=["POST"])
@rate_limit("aid_write")
@blp.arguments(DistributionInSchema)
@blp.response(201, DistributionOutSchema)
@transactional
def schedule(data: dict[str, Any], association_id: int) -> dict[str, Any]:
    """Plan a distribution with its slots (409 ``authorization_required`` on a public site
    without a valid distribution authorisation)."""
    actor = require_user()
    association = access.staff_association(actor, association_id)
    row = services.schedule(actor, association, data)
    return serialize.distribution(row, services.slots_of(row.id))


@blp.route("/distributions/<int:distribution_id>/entitlements", methods=["POST"])
@rate_limit("aid_write")
@blp.arguments(EntitlementInSchema)
@blp.response(201, EntitlementOutSchema)
@transactional
def entitle(data: dict[str, Any], distribution_id: int) -> dict[str, Any]:
    """A household's place in a slot and its one-time code (returned once)."""
    actor = require_user()
    distribution = access.get_distribution(actor, distribution_id)
    row, code = kits.entitle(actor, distribution, data["household_id"])
    household = access.get_household(actor, row.household_id)
    check_result = services.network_check(actor, household, "entitlement", distribution.category)
    slot = next(s for s in services.slots_of(distribution.id) if s.id == row.slot_id)
    notices.notify_slot(actor, distribution, household, row)
    return {
        "id": row.id,
        "distribution_id": row.distribution_id,
        "household_id": row.household_id,
        "slot_id": row.slot_id,
        "slot_starts_at": slot.starts_at,
        "status": row.status,
        "code": code,
        "message": slot_message(distribution, slot.starts_at, code),
        "network_check": _network(check_result),
        "sms": notices.slot_sms(distribution, household, slot.starts_at, code),
    }


@blp.route("/entitlements/<int:entitlement_id>/collect", methods=["POST"])
@rate_limit("aid_write")
@blp.arguments(CollectSchema)
@blp.response(200, EntitlementOutSchema)
@transactional
def collect(data: dict[str, Any], entitlement_id: int) -> dict[str, Any]:
    """Hand over against the code: 409 ``already_collected`` the second time, 409
    ``slot_full`` past the slot's capacity."""
    actor = require_user()
    row = kits.collect(
        actor, access.get_entitlement(actor, entitlement_id), data["proof"], data["proxy_name"]
    )
    return {
        "id": row.id,
        "distribution_id": row.distribution_id,
        "household_id": row.household_id,
        "slot_id": row.slot_id,
        "status": row.status,
    }


__all__ = ["ApiError", "blp"]


# ------------------------------------------------------------------ kits, distribution lines,
# frequency limits


def _kit_out(kit: Any, parts: list[Any]) -> dict[str, Any]:
    return {
        "id": kit.id,
        "name": kit.name,
        "category": kit.category,
        "components": [
            {"item_id": item.id, "item": item.name, "quantity": quantity}
            for item, quantity in parts
        ],
    }


@blp.route("/associations/<int:association_id>/kits", methods=["GET"])
@blp.response(200, AidKitListSchema)
def list_kits(association_id: int) -> dict[str, Any]:
    """The association's kits with their components."""
    access.staff_association(require_user(), association_id)
    return {"items": [_kit_out(k, parts) for k, parts in kits.kits_of(association_id)]}


@blp.route("/associations/<int:association_id>/kits", methods=["POST"])
@rate_limit("aid_write")
@blp.arguments(AidKitInSchema)
@blp.response(201, AidKitOutSchema)
@transactional
def create_kit(data: dict[str, Any], association_id: int) -> dict[str, Any]:
    """A named bundle of items; handing it out writes one ledger line per component."""
    actor = require_user()
    association = access.staff_association(actor, association_id)
    kit = kits.create_kit(actor, association, data)
    found = {k.id: parts for k, parts in kits.kits_of(association_id)}
    return _kit_out(kit, found.get(kit.id, []))


@blp.route("/distributions/<int:distribution_id>/lines", methods=["GET"])
@blp.response(200, AidLineListSchema)
def list_lines(distribution_id: int) -> dict[str, Any]:
    """What each household of the distribution receives."""
    access.get_distribution(require_user(), distribution_id)
    return {"items": kits.lines_of(distribution_id)}


@blp.route("/distributions/<int:distribution_id>/lines", methods=["POST"])
@rate_limit("aid_write")
@blp.arguments(AidLineInSchema)
@blp.response(201, AidLineOutSchema)
@transactional
def add_line(data: dict[str, Any], distribution_id: int) -> dict[str, Any]:
    """Declare an item or a kit per household; each collection then takes it out of the
    ledger (409 ``collections_started`` once households collected)."""
    actor = require_user()
    line = kits.add_line(actor, access.get_distribution(actor, distribution_id), data)
    return next(x for x in kits.lines_of(distribution_id) if x["id"] == line.id)


@blp.route("/associations/<int:association_id>/frequency-limits", methods=["GET"])
@blp.response(200, AidLimitListSchema)
def list_limits(association_id: int) -> dict[str, Any]:
    access.staff_association(require_user(), association_id)
    return {
        "items": [
            {"category": row.category, "min_days": row.min_days}
            for row in kits.limits_of(association_id)
        ]
    }


def _category(category: str) -> str:
    if category not in NEEDS:
        raise not_found()
    return category


@blp.route("/associations/<int:association_id>/frequency-limits/<category>", methods=["PUT"])
@rate_limit("aid_write")
@blp.arguments(AidLimitInSchema)
@blp.response(200, AidLimitOutSchema)
@transactional
def set_limit(data: dict[str, Any], association_id: int, category: str) -> dict[str, Any]:
    """At most one entitlement of the category per household every ``min_days`` days."""
    actor = require_user()
    association = access.staff_association(actor, association_id)
    row = kits.set_limit(actor, association, _category(category), data["min_days"])
    assert row is not None
    return {"category": row.category, "min_days": row.min_days}


@blp.route("/associations/<int:association_id>/frequency-limits/<category>", methods=["DELETE"])
@rate_limit("aid_write")
@blp.response(204)
@transactional
def remove_limit(association_id: int, category: str) -> None:
    actor = require_user()
    association = access.staff_association(actor, association_id)
    kits.set_limit(actor, association, _category(category), None)


# ------------------------------------------------------------------ the needs board, reports


@blp.route("/aid/needs", methods=["GET"])
@blp.arguments(AidNeedsArgsSchema, location="query")
@blp.response(200, AidNeedsSchema)
def needs(args: dict[str, Any]) -> dict[str, Any]:
    """The public needs board: open needs of verified households per place and category,
    with how many planned distributions cover; cells of fewer than 3 households are
    ``suppressed`` (no count). Anyone may read it."""
    found = board.cells(
        args.get("association_id"), args.get("province_id"), args.get("category"), args["level"]
    )
    return {"items": [c.public() for c in found], **board.totals(found)}


@blp.route("/associations/<int:association_id>/aid-report", methods=["GET"])
@blp.response(200, AidReportSchema)
def report(association_id: int) -> dict[str, Any]:
    """Families and people served per month, category and place, and stock in and out per
    item and month, from collections and the ledger (coordinators)."""
    access.staff_association(require_user(), association_id)
    return {
        "served": reports.served(association_id),
        "stock": reports.stock_flows(association_id),
    }


@blp.route("/associations/<int:association_id>/aid-summary", methods=["GET"])
@blp.response(200, AidPublicSummarySchema)
def public_summary(association_id: int) -> dict[str, Any]:
    """What anyone may see of an association's aid (counts below 3 are null)."""
    association = get_association(association_id)
    if association is None or association.status != "approved":
        raise not_found()
    return reports.public_summary(association_id)


# ------------------------------------------------------------------ grievances


@blp.route("/associations/<int:association_id>/grievances", methods=["POST"])
@rate_limit("aid_grievance")
@blp.arguments(AidGrievanceInSchema)
@blp.response(201, AidGrievanceOutSchema)
@transactional
def file_grievance(data: dict[str, Any], association_id: int) -> dict[str, Any]:
    """File a grievance about the association's aid (signed in, or a visitor leaving a
    contact); due in 15 days."""
    row = grievances.file(get_current_user(), get_association(association_id), data)
    return grievances.serialize(row)


@blp.route("/associations/<int:association_id>/grievances", methods=["GET"])
@blp.arguments(AidGrievanceArgsSchema, location="query")
@blp.response(200, AidGrievanceListSchema)
def list_grievances(args: dict[str, Any], association_id: int) -> dict[str, Any]:
    """The association's grievances, soonest due first (coordinators)."""
    access.staff_association(require_user(), association_id)
    rows = grievances.list_for(association_id, args.get("status"))
    return {"items": [grievances.serialize(g) for g in rows]}


@blp.route("/grievances/<int:grievance_id>", methods=["GET"])
@blp.response(200, AidGrievanceOutSchema)
def get_grievance(grievance_id: int) -> dict[str, Any]:
    """A grievance, for its author and the association's coordinators."""
    return grievances.serialize(grievances.get(require_user(), grievance_id))


@blp.route("/grievances/<int:grievance_id>/answer", methods=["POST"])
@rate_limit("aid_write")
@blp.arguments(AidGrievanceAnswerSchema)
@blp.response(200, AidGrievanceOutSchema)
@transactional
def answer_grievance(data: dict[str, Any], grievance_id: int) -> dict[str, Any]:
    actor = require_user()
    row = grievances.answer(actor, grievances.get_managed(actor, grievance_id), data["answer"])
    return grievances.serialize(row)


@blp.route("/grievances/<int:grievance_id>/close", methods=["POST"])
@rate_limit("aid_write")
@blp.response(200, AidGrievanceOutSchema)
@transactional
def close_grievance(grievance_id: int) -> dict[str, Any]:
    """Close an answered grievance (its author or a coordinator)."""
    actor = require_user()
    return grievances.serialize(grievances.close(actor, grievances.get(actor, grievance_id)))


@blp.route("/grievances/<int:grievance_id>/my-data", methods=["GET"])
@rate_limit("aid_personal_read")
@blp.response(200, AidFieldsSchema)
@transactional
def grievance_my_data(grievance_id: int) -> dict[str, Any]:
    """A data-access grievance: its author sees the stored fields of the household they
    registered themselves (the read is logged)."""
    actor = require_user()
    return {"fields": grievances.my_data(actor, grievances.get(actor, grievance_id))}


@blp.route("/grievances/<int:grievance_id>/contact", methods=["GET"])
@rate_limit("aid_personal_read")
@blp.arguments(AidPersonalReadArgsSchema, location="query")
@blp.response(200, AidFieldsSchema)
@transactional
def grievance_contact(args: dict[str, Any], grievance_id: int) -> dict[str, Any]:
    """The contact a visitor left, for a coordinator, with a purpose (the read is logged)."""
    actor = require_user()
    row = grievances.get_managed(actor, grievance_id)
    return {"fields": grievances.read_contact(actor, row, args["purpose"])}


@blp.route("/households/<int:household_id>/consent", methods=["POST"])
@rate_limit("aid_write")
@blp.arguments(ConsentSchema)
@blp.response(200, HouseholdOutSchema)
@transactional
def renew_consent(data: dict[str, Any], household_id: int) -> dict[str, Any]:
    """Record the consent again: restarts the 24-month erasure clock (409 ``erased`` once
    the personal fields were erased)."""
    actor = require_user()
    row = kits.renew_consent(actor, access.get_household(actor, household_id), data)
    return serialize.household(row, services.open_cases(row.id))


@blp.route("/households/<int:household_id>", methods=["PATCH"])
@rate_limit("aid_write")
@blp.arguments(HouseholdPatchSchema)
@blp.response(200, HouseholdOutSchema)
@transactional
def update_household(data: dict[str, Any], household_id: int) -> dict[str, Any]:
    """Correct a household (coordinators): personal fields stay encrypted, who changed which
    fields is kept (names only)."""
    actor = require_user()
    row = kits.update_household(actor, access.get_household(actor, household_id), data)
    return serialize.household(row, services.open_cases(row.id))


# ------------------------------------------------------------------ cards, proxies, deliveries

from aid import cards, deliveries  # noqa: E402
from aid.schemas import (  # noqa: E402
    CardCollectedSchema,
    CardCollectSchema,
    CardOutSchema,
    CardStateSchema,
    DeliveryAddressSchema,
    DeliveryFailSchema,
    DeliveryInSchema,
    DeliveryListSchema,
    DeliveryOutSchema,
    DeliveryProofSchema,
)
from app.db import transaction  # noqa: E402


@blp.route("/households/<int:household_id>/card", methods=["GET"])
@blp.response(200, CardStateSchema)
def household_card(household_id: int) -> dict[str, Any]:
    """The household's card in use (no token, no PIN) and its collections by a proxy."""
    actor = require_user()
    row = access.get_household(actor, household_id)
    card = cards.current_card(row.id)
    return {
        "card": serialize.card(card) if card else None,
        "proxy_collections": queries.proxy_count(row.id),
    }


@blp.route("/households/<int:household_id>/card", methods=["POST"])
@rate_limit("aid_write")
@blp.response(201, CardOutSchema)
@transactional
def issue_card(household_id: int) -> dict[str, Any]:
    """Issue (or reissue) the card: the token and PIN are in this answer only; the card
    before it stops working."""
    actor = require_user()
    card, token, pin = cards.issue_card(actor, access.get_household(actor, household_id))
    return serialize.card(card, token, pin)


@blp.route("/distributions/<int:distribution_id>/card-collections", methods=["POST"])
@rate_limit("aid_card")
@blp.arguments(CardCollectSchema)
@blp.response(200, CardCollectedSchema)
def collect_with_card(data: dict[str, Any], distribution_id: int) -> dict[str, Any]:
    """Hand over to the card's holder (token and PIN), or to a proxy witnessed by a second
    member: 422 ``wrong_pin`` (counted), 409 ``card_locked`` after five,
    ``card_revoked``, ``already_collected``, ``too_soon``, ``insufficient_stock``."""
    actor = require_user()
    with transaction():  # a wrong PIN's count is kept, then refused
        distribution = access.get_distribution(actor, distribution_id)
        proxy = {
            "name": data["proxy_name"],
            "relation": data["proxy_relation"],
            "witness_id": data["witness_id"],
        }
        row, refusal = cards.collect_with_card(
            actor, distribution, data["token"], data["pin"], proxy
        )
        number = access.get_household(actor, row.household_id).number if row else ""
    if refusal is not None or row is None:
        raise refusal or not_found()
    return {
        "id": row.id,
        "distribution_id": row.distribution_id,
        "household_id": row.household_id,
        "household_number": number,
        "status": row.status,
        "proxy": row.proxy_relation is not None,
    }


def _delivery_out(row: Any, code: str | None = None) -> dict[str, Any]:
    household = queries.households_by_id([row.household_id]).get(row.household_id)
    return serialize.delivery(row, household, deliveries.window_open(row), code)


@blp.route("/distributions/<int:distribution_id>/deliveries", methods=["GET"])
@blp.response(200, DeliveryListSchema)
def list_deliveries(distribution_id: int) -> dict[str, Any]:
    actor = require_user()
    distribution = access.get_distribution(actor, distribution_id)
    return {"items": [_delivery_out(d) for d in queries.deliveries_of(distribution.id)]}


@blp.route("/distributions/<int:distribution_id>/deliveries", methods=["POST"])
@rate_limit("aid_write")
@blp.arguments(DeliveryInSchema)
@blp.response(201, DeliveryOutSchema)
@transactional
def create_delivery(data: dict[str, Any], distribution_id: int) -> dict[str, Any]:
    """A home delivery task for a household that cannot come, assigned to a member."""
    actor = require_user()
    distribution = access.get_distribution(actor, distribution_id)
    row, code = deliveries.create_delivery(actor, distribution, data)
    return _delivery_out(row, code)


@blp.route("/deliveries", methods=["GET"])
@blp.response(200, DeliveryListSchema)
def my_deliveries() -> dict[str, Any]:
    """The caller's delivery tasks, and all those of the associations they run."""
    actor = require_user()
    rows = queries.my_deliveries(actor.id, access.staff_associations(actor))
    return {"items": [_delivery_out(d) for d in rows]}


@blp.route("/deliveries/<int:delivery_id>", methods=["GET"])
@blp.response(200, DeliveryOutSchema)
def get_delivery(delivery_id: int) -> dict[str, Any]:
    actor = require_user()
    return _delivery_out(access.get_delivery(actor, delivery_id))


@blp.route("/deliveries/<int:delivery_id>/address", methods=["GET"])
@rate_limit("aid_personal_read")
@blp.response(200, DeliveryAddressSchema)
@transactional
def delivery_address(delivery_id: int) -> dict[str, Any]:
    """The first name and address, for the member assigned, from 12 h before to 12 h after
    the scheduled time while the task is open (logged, purpose ``delivery``); else 403."""
    actor = require_user()
    return deliveries.read_address(actor, access.get_delivery(actor, delivery_id))


@blp.route("/deliveries/<int:delivery_id>/deliver", methods=["POST"])
@rate_limit("aid_card")
@blp.arguments(DeliveryProofSchema)
@blp.response(200, DeliveryOutSchema)
def deliver(data: dict[str, Any], delivery_id: int) -> dict[str, Any]:
    """Delivered, proved by the household's PIN or a witness: the same ledger lines as a
    collection."""
    actor = require_user()
    with transaction():  # a wrong PIN's count is kept, then refused
        row, refusal = deliveries.deliver(actor, access.get_delivery(actor, delivery_id), data)
        out = _delivery_out(row) if row is not None else None
    if refusal is not None or out is None:
        raise refusal or not_found()
    return out


@blp.route("/deliveries/<int:delivery_id>/fail", methods=["POST"])
@rate_limit("aid_write")
@blp.arguments(DeliveryFailSchema)
@blp.response(200, DeliveryOutSchema)
@transactional
def fail_delivery(data: dict[str, Any], delivery_id: int) -> dict[str, Any]:
    actor = require_user()
    row = access.get_delivery(actor, delivery_id)
    done = deliveries.fail(actor, row, data["note"], access.is_staff(actor, row.association_id))
    return _delivery_out(done)
