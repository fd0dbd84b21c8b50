"""Home delivery: a distribution's line taken to a household that cannot come (elderly living
alone, disability), by a member of the association assigned to it.

The member reads the first name and the address (the read logged, purpose ``delivery``) only
while the task is open and within :data:`~aid.models.DELIVERY_WINDOW_HOURS` hours of the
scheduled time; once delivered or failed, the task is closed and the address is no longer
theirs to read. Proof of delivery (the household's PIN, or a second member as witness)
writes what a collection writes: the entitlement collected, the served fact, the ledger's out
lines. Like :mod:`aid.services`: explicit ``actor``, flush, never commit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from aid import cards, kits, services
from aid.models import (
    DELIVERY_WINDOW_HOURS,
    HOME_DELIVERY_CODES,
    Delivery,
    Distribution,
    Entitlement,
    Household,
)
from app.api import ApiError, invalid
from app.db import db, insert_once, utcnow
from app.privacy import read_personal

PURPOSE = "delivery"


def eligible(household: Household) -> bool:
    """Verified, and a vulnerability that keeps the household from coming."""
    return household.status == "verified" and bool(
        set(household.vulnerabilities or []) & set(HOME_DELIVERY_CODES)
    )


def window_open(delivery: Delivery, now: dt.datetime | None = None) -> bool:
    when = now or utcnow()
    half = dt.timedelta(hours=DELIVERY_WINDOW_HOURS)
    return delivery.status == "scheduled" and abs(when - delivery.scheduled_at) <= half


def create_delivery(
    actor: Any, distribution: Distribution, data: dict[str, Any]
) -> tuple[Delivery, str | None]:
    """A delivery task of this distribution for an eligible household, assigned to a member
    of the association; the household's place is given now when it has none (its one-time
    code returned, else None)."""
    household = db.session.get(Household, data["household_id"])
    if household is None or household.association_id != distribution.association_id:
        raise invalid(_("Choose a household of this association."), "household_id")
    if not eligible(household):
        raise ApiError(
            422,
            "not_home_delivery",
            _("Home delivery is for verified households of elderly or disabled people."),
            {"household_id": [_("This household can come to the distribution.")]},
        )
    if not cards.is_team_member(data["assignee_id"], distribution.association_id):
        raise invalid(_("Choose a member of the association's team."), "assignee_id")
    when = data["scheduled_at"]
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    code = None
    entitlement = db.session.scalar(
        select(Entitlement).where(
            Entitlement.distribution_id == distribution.id,
            Entitlement.household_id == household.id,
        )
    )
    if entitlement is None:
        entitlement, code = kits.entitle(actor, distribution, household.id)
    elif entitlement.status != "issued":
        raise ApiError(409, "already_collected", _("This entitlement was already collected."))
    row = Delivery(
        association_id=distribution.association_id,
        distribution_id=distribution.id,
        household_id=household.id,
        entitlement_id=entitlement.id,
        assignee_id=data["assignee_id"],
        scheduled_at=when.astimezone(dt.UTC),
        status="scheduled",
        note=(data.get("note") or "").strip(),
        created_by_id=actor.id,
    )
    if not insert_once(row):
        raise ApiError(409, "conflict", _("This household's delivery is already planned."))
    db.session.flush()
    return row, code


def _assignee_only(actor: Any, delivery: Delivery) -> None:
    if delivery.assignee_id != actor.id:
        raise ApiError(
            403, "not_assignee", _("Only the member assigned to this delivery can do this.")
        )


def _outside_window(delivery: Delivery) -> ApiError:
    if delivery.status != "scheduled":
        return ApiError(409, "delivery_closed", _("This delivery is closed."))
    return ApiError(
        403,
        "outside_window",
        _(
            "The address can be read only from %(hours)d hours before to %(hours)d hours "
            "after the scheduled delivery.",
            hours=DELIVERY_WINDOW_HOURS,
        ),
    )


def read_address(actor: Any, delivery: Delivery) -> dict[str, Any]:
    """The first name and the address, for the assigned member within the window (logged
    with the purpose ``delivery``)."""
    _assignee_only(actor, delivery)
    if not window_open(delivery):
        raise _outside_window(delivery)
    household = db.session.get(Household, delivery.household_id)
    assert household is not None
    values = read_personal(actor, household, ["head_name", "address"], PURPOSE)
    name = (values.get("head_name") or "").split()
    return {"first_name": name[0] if name else "", "address": values.get("address") or ""}


def deliver(
    actor: Any, delivery: Delivery, data: dict[str, Any]
) -> tuple[Delivery | None, ApiError | None]:
    """Delivered, with proof: the household's PIN (its card's count of wrong PINs applies:
    a wrong one is returned as the refusal, counted) or a second member as witness."""
    _assignee_only(actor, delivery)
    if not window_open(delivery):
        raise _outside_window(delivery)
    witness_id = None
    card_id = None
    if data["proof"] == "pin":
        card = cards.current_card(delivery.household_id)
        if card is None:
            raise invalid(_("This household has no card: ask a witness."), "pin")
        refusal = cards.check_pin(card, data.get("pin") or "")
        if refusal is not None:
            return None, refusal
        card_id = card.id
    else:
        witness_id = cards.check_witness(actor, delivery.association_id, data.get("witness_id"))
    entitlement = db.session.get(Entitlement, delivery.entitlement_id)
    distribution = db.session.get(Distribution, delivery.distribution_id)
    assert entitlement is not None and distribution is not None
    kits.check_frequency(distribution, delivery.household_id, ("collected",))
    row = services.hand_over(
        actor, entitlement, witness_id=witness_id, card_id=card_id, at_site=False
    )
    kits.take_out(actor, distribution, row)
    delivery.status = "delivered"
    delivery.proof = data["proof"]
    delivery.witness_id = witness_id
    delivery.closed_at = utcnow()
    db.session.flush()
    return delivery, None


def fail(actor: Any, delivery: Delivery, note: str, staff: bool) -> Delivery:
    """Nobody home, or the household moved: the task is closed without delivery (by the
    member assigned or a coordinator)."""
    if not staff:
        _assignee_only(actor, delivery)
    if delivery.status != "scheduled":
        raise ApiError(409, "delivery_closed", _("This delivery is closed."))
    delivery.status = "failed"
    delivery.note = (note or "").strip()[:300]
    delivery.closed_at = utcnow()
    db.session.flush()
    return delivery
