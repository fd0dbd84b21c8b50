"""Reads for the experts' pages and API, each a fixed number of SQL queries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, case, func, or_, select

from app.accounts.models import User
from app.accounts.queries import users_by_id
from app.api import not_found
from app.db import db
from directory import Region, get_association, user_memberships
from experts.access import ASKING_ROLES, profile_of
from experts.models import DOMAINS, Consultation, ConsultationOffer, ExpertProfile


def regions() -> list[Region]:
    return list(db.session.scalars(select(Region).order_by(Region.id)))


def names(user_ids: list[int]) -> dict[int, str]:
    return {u.id: u.display_name for u in users_by_id(user_ids).values()}


def directory(args: dict[str, Any]) -> list[ExpertProfile]:
    """Experts for the directory, filtered by domain, language and region (remote experts
    count for every region); available ones first, then the most endorsed. The lists are
    JSON, filtered here (a few hundred experts at most)."""
    rows = db.session.scalars(
        select(ExpertProfile).order_by(
            ExpertProfile.available.desc(), ExpertProfile.endorsements.desc(), ExpertProfile.id
        )
    ).all()
    domain, language, region = args.get("domain"), args.get("language"), args.get("region")
    return [
        r
        for r in rows
        if (not domain or domain in r.domains)
        and (not language or language in r.languages)
        and (not region or region in r.region_ids or r.remote)
    ]


def association_requests(actor: User) -> Select[Any]:
    """The requests of the associations the actor coordinates or administers, and their own."""
    ids = [m.association_id for m in user_memberships(actor.id) if m.role in ASKING_ROLES]
    return (
        select(Consultation)
        .where(or_(Consultation.association_id.in_(ids), Consultation.requester_id == actor.id))
        .order_by(Consultation.id.desc())
    )


def expert_requests(actor: User) -> Select[Any]:
    """The requests offered to the actor now, and those they took."""
    mine = profile_of(actor.id)
    expert_id = mine.id if mine is not None else -1
    offered = select(ConsultationOffer.consultation_id).where(
        ConsultationOffer.expert_id == expert_id, ConsultationOffer.status == "open"
    )
    return (
        select(Consultation)
        .where(or_(Consultation.expert_id == expert_id, Consultation.id.in_(offered)))
        .order_by(Consultation.id.desc())
    )


def offers_of(expert_id: int | None, consultation_ids: list[int]) -> dict[int, ConsultationOffer]:
    """The expert's own offer of each of these requests."""
    if expert_id is None or not consultation_ids:
        return {}
    rows = db.session.scalars(
        select(ConsultationOffer).where(
            ConsultationOffer.expert_id == expert_id,
            ConsultationOffer.consultation_id.in_(consultation_ids),
        )
    )
    return {o.consultation_id: o for o in rows}


def stored(consultation_id: int) -> Consultation:
    """A request as stored, for an actor already checked (its answered offer's expert)."""
    row = db.session.get(Consultation, consultation_id)
    if row is None:
        raise not_found()
    return row


def history(consultation_id: int) -> list[ConsultationOffer]:
    """Who the request was offered to, in order (the association sees the statuses)."""
    return list(
        db.session.scalars(
            select(ConsultationOffer)
            .where(ConsultationOffer.consultation_id == consultation_id)
            .order_by(ConsultationOffer.id)
        )
    )


def funnel() -> dict[str, Any]:
    """Requested → matched (offered to an expert at least once) → held (an expert took it) →
    rated, per domain, in one query."""
    rows = db.session.execute(
        select(
            Consultation.domain,
            func.count(),
            func.sum(case((Consultation.matched_at.is_not(None), 1), else_=0)),
            func.sum(case((Consultation.accepted_at.is_not(None), 1), else_=0)),
            func.sum(case((Consultation.rated_at.is_not(None), 1), else_=0)),
        ).group_by(Consultation.domain)
    ).all()
    found = {r[0]: [int(v or 0) for v in r[1:]] for r in rows}
    keys = ("requested", "matched", "held", "rated")
    items: list[dict[str, Any]] = []
    total = [0, 0, 0, 0]
    for domain in DOMAINS:
        counts = found.get(domain, [0, 0, 0, 0])
        total = [a + b for a, b in zip(total, counts, strict=True)]
        items.append({"domain": domain, **dict(zip(keys, counts, strict=True))})
    return {"items": items, "total": {"domain": "all", **dict(zip(keys, total, strict=True))}}


def all_of(query: Select[Any], limit: int = 200) -> list[Consultation]:
    return list(db.session.scalars(query.limit(limit)))


def expert(profile_id: int | None) -> ExpertProfile | None:
    return db.session.get(ExpertProfile, profile_id) if profile_id is not None else None


def association_name(association_id: int) -> str:
    found = get_association(association_id)
    return found.name if found is not None else ""


def consultations(ids: list[int]) -> list[Consultation]:
    if not ids:
        return []
    return list(db.session.scalars(select(Consultation).where(Consultation.id.in_(ids))))
