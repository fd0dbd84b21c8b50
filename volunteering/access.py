"""Who may see and change what in volunteering. The ``get_*`` functions are the only way to load
an object for an actor: one they may not see answers 404 (its existence does not leak), one they
see but may not change answers 403 from the services.

- Opportunities are public (open or closed); their association's coordinators and
  administrators (directory roles) manage them, answer applications and verify hours.
- An application, a sign-up, a contract or an hours entry is seen by its volunteer and by the
  managers of the opportunity's association, nobody else.
- A volunteer's portfolio follows their visibility: ``network`` anyone signed in, ``served``
  only the managers of the associations that accepted them.
"""

from __future__ import annotations

from typing import Any

from app.accounts.models import User
from app.api import not_found
from app.db import db
from directory import membership_role
from volunteering.models import (
    Application,
    Certificate,
    Contract,
    Hours,
    Opportunity,
    Shift,
    Signup,
)
from volunteering.queries import served_association_ids

MANAGER_ROLES = ("admin", "coordinator")


def manages(actor: User | None, association_id: int) -> bool:
    """A coordinator or administrator of the association (or a platform administrator)."""
    if actor is None:
        return False
    return actor.is_admin or membership_role(actor.id, association_id) in MANAGER_ROLES


def get_opportunity(opportunity_id: int, actor: User | None = None) -> Opportunity:  # noqa: ARG001
    row = db.session.get(Opportunity, opportunity_id)
    if row is None:
        raise not_found()
    return row


def get_shift(shift_id: int) -> tuple[Shift, Opportunity]:
    shift = db.session.get(Shift, shift_id)
    if shift is None:
        raise not_found()
    return shift, get_opportunity(shift.opportunity_id)


def _own_or_managed(volunteer_id: int, association_id: int, actor: User) -> bool:
    return volunteer_id == actor.id or manages(actor, association_id)


def get_application(application_id: int, actor: User) -> tuple[Application, Opportunity]:
    row = db.session.get(Application, application_id)
    if row is None:
        raise not_found()
    opportunity = get_opportunity(row.opportunity_id)
    if not _own_or_managed(row.volunteer_id, opportunity.association_id, actor):
        raise not_found()
    return row, opportunity


def get_signup(signup_id: int, actor: User) -> tuple[Signup, Shift, Opportunity]:
    row = db.session.get(Signup, signup_id)
    if row is None:
        raise not_found()
    shift, opportunity = get_shift(row.shift_id)
    if not _own_or_managed(row.volunteer_id, opportunity.association_id, actor):
        raise not_found()
    return row, shift, opportunity


def get_hours(hours_id: int, actor: User) -> Hours:
    row = db.session.get(Hours, hours_id)
    if row is None or not _own_or_managed(row.volunteer_id, row.association_id, actor):
        raise not_found()
    return row


def get_contract(contract_id: int, actor: User) -> tuple[Contract, Opportunity]:
    """A contract: its volunteer and the association's managers, nobody else (404)."""
    row = db.session.get(Contract, contract_id)
    if row is None or not _own_or_managed(row.volunteer_id, row.association_id, actor):
        raise not_found()
    return row, get_opportunity(row.opportunity_id)


def get_certificate(certificate_id: int, actor: User) -> Certificate:
    row = db.session.get(Certificate, certificate_id)
    if row is None or not _own_or_managed(row.volunteer_id, row.association_id, actor):
        raise not_found()
    return row


def may_see_portfolio(actor: User | None, volunteer: Any, visibility: str) -> bool:
    if actor is None:
        return False
    if actor.id == volunteer.id or actor.is_admin:
        return True
    if visibility == "network":
        return True
    return any(manages(actor, aid) for aid in served_association_ids(volunteer.id))
