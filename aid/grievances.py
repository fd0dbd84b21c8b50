"""Grievances about an association's aid: anyone files one (a beneficiary, a member, a
visitor who leaves a contact), the association's coordinators answer it before it is due
(open -> answered -> closed), a periodic job reminds them of overdue ones. A data-access
grievance shows its author the household's stored fields, once it is sure the household is
theirs (registered by that very account), and the read is logged."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from aid.access import STAFF_ROLES, is_staff
from aid.models import GRIEVANCE_DUE_DAYS, Grievance, Household
from app.api import ApiError, invalid, not_found
from app.db import db, utcnow
from app.notifications.services import notify
from app.privacy import read_personal
from directory import Association, association_member_ids

#: what a data-access grievance shows its author (the household's stored fields)
STORED = ("head_name", "phone", "address", "birth_year")


def grievance_path(grievance_id: int) -> str:
    return f"/aid/grievances/{grievance_id}"


def file(actor: Any, association: Association | None, data: dict[str, Any]) -> Grievance:
    """File a grievance. A visitor (``actor`` None) leaves a contact; a data-access or
    correction grievance about a household names one the author registered themselves."""
    if association is None or association.status != "approved":
        raise not_found()
    contact = (data.get("contact") or "").strip() or None
    if actor is None and not contact:
        raise invalid(
            _("Leave a phone number or an address so the association can answer."), "contact"
        )
    household_id = data.get("household_id")
    if data["kind"] == "data_access" and not household_id:
        raise invalid(_("Choose the household whose data you ask for."), "household_id")
    if household_id:
        own = _own_household(actor, household_id)
        if own is None or own.association_id != association.id:
            raise invalid(
                _("Choose a household you registered yourself with this association."),
                "household_id",
            )
    now = utcnow()
    row = Grievance(
        association_id=association.id,
        author_id=actor.id if actor is not None else None,
        household_id=household_id,
        kind=data["kind"],
        body=data["body"].strip(),
        contact=contact,
        status="open",
        due_at=now + dt.timedelta(days=GRIEVANCE_DUE_DAYS),
        created_at=now,
    )
    db.session.add(row)
    db.session.flush()
    notify(
        association_member_ids(association.id, STAFF_ROLES),
        kind="aid_grievance",
        subject=f"aid_grievance:{row.id}:new",
        text=_l("A new grievance (%(number)s) about the association's aid", number=row.number),
        url=grievance_path(row.id),
        actor_id=row.author_id,
    )
    return row


def _own_household(actor: Any, household_id: int) -> Household | None:
    """The household if ``actor`` registered it themselves (a self-registration)."""
    if actor is None:
        return None
    row = db.session.get(Household, household_id)
    if row is None or row.origin != "self" or row.registrar_id != actor.id:
        return None
    return row


def own_households(actor: Any) -> list[Household]:
    if actor is None:
        return []
    return list(
        db.session.scalars(
            select(Household)
            .where(Household.origin == "self", Household.registrar_id == actor.id)
            .order_by(Household.id)
        )
    )


def get(actor: Any, grievance_id: int) -> Grievance:
    """A grievance its author or the association's coordinators may see (else 401/404)."""
    if actor is None:
        raise ApiError(401, "unauthorized", None)
    row = db.session.get(Grievance, grievance_id)
    if row is None or not (row.author_id == actor.id or is_staff(actor, row.association_id)):
        raise not_found()
    return row


def get_managed(actor: Any, grievance_id: int) -> Grievance:
    row = get(actor, grievance_id)
    if not is_staff(actor, row.association_id):
        raise not_found()
    return row


def answer(actor: Any, row: Grievance, text: str) -> Grievance:
    """The association's answer (again while not closed: the latest one counts)."""
    if row.status == "closed":
        raise ApiError(409, "closed", _("This grievance is closed."))
    now = utcnow()
    done = db.session.execute(
        update(Grievance)
        .where(Grievance.id == row.id, Grievance.status != "closed")
        .values(status="answered", answer=text.strip(), answered_by_id=actor.id, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise ApiError(409, "closed", _("This grievance is closed."))
    db.session.refresh(row)
    if row.author_id is not None:
        notify(
            [row.author_id],
            kind="aid_grievance",
            subject=f"aid_grievance:{row.id}:answered:{now.isoformat()}",
            text=_l("Your grievance %(number)s was answered", number=row.number),
            url=grievance_path(row.id),
            actor_id=actor.id,
        )
    return row


def close(_actor: Any, row: Grievance) -> Grievance:
    """Close an answered grievance (its author or a coordinator)."""
    if row.status != "answered":
        raise ApiError(
            409,
            "not_answered" if row.status == "open" else "closed",
            _("Only an answered grievance can be closed.")
            if row.status == "open"
            else _("This grievance is closed."),
        )
    done = db.session.execute(
        update(Grievance)
        .where(Grievance.id == row.id, Grievance.status == "answered")
        .values(status="closed", closed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise ApiError(409, "closed", _("This grievance is closed."))
    db.session.refresh(row)
    return row


def my_data(actor: Any, row: Grievance) -> dict[str, Any]:
    """The stored fields of the household a data-access grievance is about, for its author
    only and only if they registered it themselves; the read is logged."""
    if row.kind != "data_access" or row.author_id != actor.id or row.household_id is None:
        raise not_found()
    household = _own_household(actor, row.household_id)
    if household is None:
        raise not_found()
    return read_personal(actor, household, STORED, f"data access request {row.number}")


def read_contact(actor: Any, row: Grievance, purpose: str) -> dict[str, Any]:
    """A coordinator reads a visitor's contact to answer; the read is logged."""
    return read_personal(actor, row, ("contact",), purpose)


def list_for(association_id: int, status: str | None = None) -> list[Grievance]:
    query = select(Grievance).where(Grievance.association_id == association_id)
    if status:
        query = query.where(Grievance.status == status)
    return list(db.session.scalars(query.order_by(Grievance.due_at, Grievance.id).limit(200)))


def list_mine(actor: Any) -> list[Grievance]:
    return list(
        db.session.scalars(
            select(Grievance)
            .where(Grievance.author_id == actor.id)
            .order_by(Grievance.id.desc())
            .limit(100)
        )
    )


def remind_overdue(now: dt.datetime) -> int:
    """Periodic job: each grievance still open past its due date reminds the association's
    coordinators once; returns how many."""
    rows = list(
        db.session.scalars(
            select(Grievance).where(
                Grievance.status == "open",
                Grievance.due_at <= now,
                Grievance.reminded_at.is_(None),
            )
        )
    )
    for row in rows:
        notify(
            association_member_ids(row.association_id, STAFF_ROLES),
            kind="aid_grievance",
            subject=f"aid_grievance:{row.id}:overdue",
            text=_l("Grievance %(number)s is past its due date: answer it", number=row.number),
            url=grievance_path(row.id),
        )
        row.reminded_at = now
    db.session.flush()
    return len(rows)


def serialize(row: Grievance) -> dict[str, Any]:
    """Without the contact (read only through :func:`read_contact`)."""
    return {
        "id": row.id,
        "number": row.number,
        "association_id": row.association_id,
        "household_id": row.household_id,
        "kind": row.kind,
        "body": row.body,
        "status": row.status,
        "answer": row.answer,
        "answered_at": row.answered_at,
        "closed_at": row.closed_at,
        "due_at": row.due_at,
        "overdue": row.status == "open" and row.due_at <= utcnow(),
        "has_contact": row.contact is not None,
        "created_at": row.created_at,
    }
