"""Who may see and act on what: :func:`get_profile`, :func:`get_consultation` and
:func:`get_open_offer` are the only way to load these for an actor. A request the actor may
not see answers 404, so its existence does not leak."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import User
from app.api import not_found
from app.db import db
from directory import membership_role
from experts.models import Consultation, ConsultationOffer, ExpertProfile

#: the association roles that ask for help in its name and follow its requests
ASKING_ROLES = ("coordinator", "admin")


def may_ask(actor: User | None, association_id: int) -> bool:
    return actor is not None and membership_role(actor.id, association_id) in ASKING_ROLES


def profile_of(user_id: int | None) -> ExpertProfile | None:
    if user_id is None:
        return None
    return db.session.scalar(select(ExpertProfile).where(ExpertProfile.user_id == user_id))


def get_profile(profile_id: int) -> ExpertProfile:
    """Expert profiles are public: the directory shows them to everyone."""
    row = db.session.get(ExpertProfile, profile_id)
    if row is None:
        raise not_found()
    return row


def is_association_side(actor: User | None, row: Consultation) -> bool:
    return actor is not None and (
        row.requester_id == actor.id or may_ask(actor, row.association_id)
    )


def is_expert_side(actor: User | None, row: Consultation) -> bool:
    """The expert who took the request, or one it is offered to now."""
    mine = profile_of(actor.id if actor is not None else None)
    if mine is None:
        return False
    if row.expert_id == mine.id:
        return True
    return (
        db.session.scalar(
            select(ConsultationOffer.id).where(
                ConsultationOffer.consultation_id == row.id,
                ConsultationOffer.expert_id == mine.id,
                ConsultationOffer.status == "open",
            )
        )
        is not None
    )


def get_consultation(consultation_id: int, actor: User | None) -> Consultation:
    """A request its association's coordinators and administrators, the expert it is offered
    to or taken by, and platform administrators see; 404 for everyone else."""
    row = db.session.get(Consultation, consultation_id)
    if row is None or actor is None:
        raise not_found()
    if actor.is_admin or is_association_side(actor, row) or is_expert_side(actor, row):
        return row
    raise not_found()


def get_open_offer(consultation_id: int, actor: User) -> ConsultationOffer:
    """The actor's own offer of this request (answered already: the service says 409); 404
    when there is none (an offer made to someone else is not theirs to answer)."""
    mine = profile_of(actor.id)
    if mine is None:
        raise not_found()
    row: ConsultationOffer | None = db.session.scalar(
        select(ConsultationOffer).where(
            ConsultationOffer.consultation_id == consultation_id,
            ConsultationOffer.expert_id == mine.id,
        )
    )
    if row is None:
        raise not_found()
    return row
