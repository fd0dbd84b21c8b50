"""Who may see and change aid data: an association's coordinators and administrators, and
nobody else (platform administrators included: beneficiaries' data stays with the
association that serves them). :func:`staff_association` and :func:`get_household` are the
only ways to load them; anything the actor may not see answers 404, so its existence does not
leak."""

from __future__ import annotations

from typing import Any

from aid.models import Delivery, Distribution, DuplicateCase, Entitlement, Household
from app.api import ApiError, not_found
from app.db import db
from directory import Association, get_association, membership_role, user_memberships

STAFF_ROLES = ("coordinator", "admin")


def is_staff(actor: Any, association_id: int) -> bool:
    return actor is not None and membership_role(actor.id, association_id) in STAFF_ROLES


def staff_associations(actor: Any) -> list[int]:
    """The approved memberships where ``actor`` is a coordinator or an administrator."""
    if actor is None:
        return []
    return [m.association_id for m in user_memberships(actor.id) if m.role in STAFF_ROLES]


def staff_association(actor: Any, association_id: int) -> Association:
    """The association, if ``actor`` coordinates or administers it (else 401/404)."""
    if actor is None:
        raise ApiError(401, "unauthorized", None)
    association = get_association(association_id)
    if association is None or not is_staff(actor, association_id):
        raise not_found()
    return association


def get_household(actor: Any, household_id: int) -> Household:
    row = db.session.get(Household, household_id)
    if row is None or not is_staff(actor, row.association_id):
        raise not_found()
    return row


def get_case(actor: Any, case_id: int) -> DuplicateCase:
    row = db.session.get(DuplicateCase, case_id)
    if row is None or not is_staff(actor, row.association_id):
        raise not_found()
    return row


def get_distribution(actor: Any, distribution_id: int) -> Distribution:
    row = db.session.get(Distribution, distribution_id)
    if row is None or not is_staff(actor, row.association_id):
        raise not_found()
    return row


def get_entitlement(actor: Any, entitlement_id: int) -> Entitlement:
    row = db.session.get(Entitlement, entitlement_id)
    if row is None:
        raise not_found()
    distribution = db.session.get(Distribution, row.distribution_id)
    if distribution is None or not is_staff(actor, distribution.association_id):
        raise not_found()
    return row


def get_delivery(actor: Any, delivery_id: int) -> Delivery:
    """A home delivery task: the association's coordinators and administrators, and the
    member assigned to it."""
    row = db.session.get(Delivery, delivery_id)
    if row is None or actor is None:
        raise not_found()
    if row.assignee_id != actor.id and not is_staff(actor, row.association_id):
        raise not_found()
    return row
