"""Aid objects to API dictionaries: never a personal field, unless read through
:func:`aid.services.read_household_personal` and added by the caller."""

from __future__ import annotations

from typing import Any

from aid.cards import format_token
from aid.models import Distribution, DuplicateCase, Household, Slot, StockMovement


def household_item(row: Household) -> dict[str, Any]:
    return {
        "id": row.id,
        "number": row.number,
        "status": row.status,
        "commune": row.commune,
        "province_id": row.province_id,
        "size": row.size,
    }


def household(row: Household, cases: list[int] | None = None) -> dict[str, Any]:
    return {
        **household_item(row),
        "association_id": row.association_id,
        "origin": row.origin,
        "douar": row.douar,
        "composition": row.composition,
        "vulnerabilities": row.vulnerabilities,
        "registry_status": row.registry_status,
        "consent": {
            "mode": row.consent_mode,
            "purposes": row.consent_purposes,
            "language": row.consent_language,
            "at": row.consent_at.isoformat(),
        },
        "needs": row.needs,
        "verify_method": row.verify_method,
        "has_national_id": row.national_id_token is not None,
        "created_at": row.created_at,
        "duplicate_cases": cases or [],
    }


def case(row: DuplicateCase, new: Household | None, old: Household | None) -> dict[str, Any]:
    return {
        "id": row.id,
        "association_id": row.association_id,
        "household_id": row.household_id,
        "other_id": row.other_id,
        "matched": row.matched,
        "status": row.status,
        "decision": row.decision,
        "reason": row.reason,
        "decided_by_id": row.decided_by_id,
        "decided_at": row.decided_at,
        "household": household(new) if new is not None else {},
        "other": household(old) if old is not None else {},
    }


def movement(row: StockMovement) -> dict[str, Any]:
    return {
        "id": row.id,
        "item_id": row.item_id,
        "location_id": row.location_id,
        "kind": row.kind,
        "quantity": row.quantity,
        "note": row.note,
        "frozen": row.frozen,
        "created_at": row.created_at,
    }


def slot(row: Slot) -> dict[str, Any]:
    return {
        "id": row.id,
        "starts_at": row.starts_at,
        "capacity": row.capacity,
        "assigned": row.assigned,
        "collected": row.collected,
    }


def distribution(row: Distribution, slots: list[Slot]) -> dict[str, Any]:
    return {
        "id": row.id,
        "association_id": row.association_id,
        "title": row.title,
        "category": row.category,
        "place_kind": row.place_kind,
        "place": row.place,
        "starts_at": row.starts_at,
        "slots": [slot(s) for s in slots],
    }


def card(row: Any, token: str | None = None, pin: str | None = None) -> dict[str, Any]:
    """A card's state; the token and PIN only in the answer that issued it."""
    data: dict[str, Any] = {
        "id": row.id,
        "household_id": row.household_id,
        "status": row.status,
        "locked": row.locked_at is not None,
        "issued_at": row.issued_at,
    }
    if token is not None:
        data["token"] = format_token(token)
        data["pin"] = pin
    return data


def delivery(row: Any, household: Any, readable: bool, code: str | None = None) -> dict[str, Any]:
    """A delivery task: the household's number and place, never its name or address."""
    return {
        "id": row.id,
        "number": row.number,
        "association_id": row.association_id,
        "distribution_id": row.distribution_id,
        "household_id": row.household_id,
        "household_number": household.number if household else "",
        "commune": household.commune if household else "",
        "douar": household.douar if household else "",
        "assignee_id": row.assignee_id,
        "scheduled_at": row.scheduled_at,
        "status": row.status,
        "proof": row.proof,
        "closed_at": row.closed_at,
        "address_readable": readable,
        "code": code,
    }
