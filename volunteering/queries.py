"""Reads for volunteering's pages and API, each a constant number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from app.accounts.models import User
from app.db import db
from app.search.service import search
from app.search.types import SearchRequest
from directory import City, Province, Region, get_associations
from volunteering.models import (
    Application,
    Certificate,
    Contract,
    Hours,
    Opportunity,
    Role,
    Shift,
    Signup,
    VolunteerProfile,
)

PER_PAGE = 20
FACETS = ("skill", "province", "remote", "month")


def profile_of(user_id: int) -> VolunteerProfile | None:
    return db.session.get(VolunteerProfile, user_id)


def user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def served_association_ids(volunteer_id: int) -> list[int]:
    """Associations that accepted the volunteer at least once."""
    return list(
        db.session.scalars(
            select(Opportunity.association_id)
            .join(Application, Application.opportunity_id == Opportunity.id)
            .where(Application.volunteer_id == volunteer_id, Application.status == "accepted")
            .distinct()
        )
    )


def verified_hours_of(
    volunteer_id: int, association_id: int
) -> tuple[int, dt.date | None, dt.date | None]:
    minutes, first, last = db.session.execute(
        select(func.sum(Hours.minutes), func.min(Hours.worked_on), func.max(Hours.worked_on)).where(
            Hours.volunteer_id == volunteer_id,
            Hours.association_id == association_id,
            Hours.status == "verified",
        )
    ).one()
    return int(minutes or 0), first, last


def search_opportunities(args: dict[str, Any]) -> dict[str, Any]:
    """One page of open opportunities matching ``args`` (words, skill, province, remote,
    month) with facet counts, from the search index."""
    filters: dict[str, tuple[str, ...]] = {}
    for arg in ("skill", "province", "month"):
        if args.get(arg):
            filters[arg] = (str(args[arg]),)
    if args.get("remote") is not None:
        filters["remote"] = ("yes" if args["remote"] else "no",)
    if args.get("date"):
        filters["month"] = (args["date"].strftime("%Y-%m"),)
    request = SearchRequest(
        q=args.get("q") or "",
        filters=filters,
        facets=FACETS,
        sort="relevance" if args.get("q") else "newest",
        page=args.get("page", 1),
        per_page=PER_PAGE,
        prefix=False,
    )
    result = search("opportunities", request, None)
    rows = {
        o.id: o
        for o in db.session.scalars(select(Opportunity).where(Opportunity.id.in_(result.ids)))
    }
    items = [rows[i] for i in result.ids if i in rows and rows[i].status == "open"]
    if args.get("date"):  # the month facet narrows; the day decides
        day = args["date"]
        items = [o for o in items if o.starts_on <= day <= o.ends_on]
    return {
        "items": items,
        "total": result.total,
        "page": request.page,
        "per_page": PER_PAGE,
        "facets": result.facets,
    }


def roles_and_shifts(
    opportunity_ids: list[int],
) -> tuple[dict[int, list[Role]], dict[int, list[Shift]]]:
    roles: dict[int, list[Role]] = {i: [] for i in opportunity_ids}
    shifts: dict[int, list[Shift]] = {i: [] for i in opportunity_ids}
    for role in db.session.scalars(
        select(Role).where(Role.opportunity_id.in_(opportunity_ids)).order_by(Role.id)
    ):
        roles[role.opportunity_id].append(role)
    for shift in db.session.scalars(
        select(Shift).where(Shift.opportunity_id.in_(opportunity_ids)).order_by(Shift.starts_at)
    ):
        shifts[shift.opportunity_id].append(shift)
    return roles, shifts


def place_labels(opportunities: list[Opportunity], lang: str) -> dict[int, str]:
    """Each opportunity's "city, province" in ``lang`` (one query)."""
    city_ids = {o.city_id for o in opportunities if o.city_id}
    labels: dict[int, str] = {}
    if city_ids:
        for city, province in db.session.execute(
            select(City, Province)
            .join(Province, Province.id == City.province_id)
            .where(City.id.in_(city_ids))
        ):
            labels[city.id] = f"{city.label(lang)}, {province.label(lang)}"
    return {o.id: labels.get(o.city_id or 0, "") for o in opportunities}


def association_names(opportunities: list[Any]) -> dict[int, str]:
    found = get_associations({o.association_id for o in opportunities})
    return {aid: a.name for aid, a in found.items()}


def provinces() -> list[Province]:
    return list(db.session.scalars(select(Province).order_by(Province.position, Province.id)))


def regions() -> list[Region]:
    return list(db.session.scalars(select(Region).order_by(Region.position, Region.id)))


def cities() -> list[City]:
    return list(db.session.scalars(select(City).order_by(City.name_fr)))


def application_of(opportunity_id: int, volunteer_id: int) -> Application | None:
    return db.session.scalar(
        select(Application).where(
            Application.opportunity_id == opportunity_id, Application.volunteer_id == volunteer_id
        )
    )


def signups_of_in(volunteer_id: int, shift_ids: list[int]) -> dict[int, Signup]:
    if not shift_ids:
        return {}
    return {
        s.shift_id: s
        for s in db.session.scalars(
            select(Signup).where(
                Signup.volunteer_id == volunteer_id, Signup.shift_id.in_(shift_ids)
            )
        )
    }


def applications_for(
    opportunity_ids: list[int], status: str | None = None
) -> list[tuple[Application, User]]:
    query = (
        select(Application, User)
        .join(User, User.id == Application.volunteer_id)
        .where(Application.opportunity_id.in_(opportunity_ids))
        .order_by(Application.id)
    )
    if status:
        query = query.where(Application.status == status)
    return [(a, u) for a, u in db.session.execute(query)]


def contracts_by_volunteer(opportunity_ids: list[int]) -> dict[tuple[int, int], Contract]:
    """The contracts of these opportunities, by (opportunity, volunteer)."""
    if not opportunity_ids:
        return {}
    rows = db.session.scalars(select(Contract).where(Contract.opportunity_id.in_(opportunity_ids)))
    return {(c.opportunity_id, c.volunteer_id): c for c in rows}


def contracts_of_volunteer(volunteer_id: int) -> list[tuple[Contract, Opportunity]]:
    return [
        (c, o)
        for c, o in db.session.execute(
            select(Contract, Opportunity)
            .join(Opportunity, Opportunity.id == Contract.opportunity_id)
            .where(Contract.volunteer_id == volunteer_id)
            .order_by(Contract.id.desc())
        )
    ]


def opportunities_of(association_id: int) -> list[Opportunity]:
    return list(
        db.session.scalars(
            select(Opportunity)
            .where(Opportunity.association_id == association_id)
            .order_by(Opportunity.id.desc())
        )
    )


def shift_signups(shift_ids: list[int]) -> list[tuple[Signup, User]]:
    if not shift_ids:
        return []
    return [
        (s, u)
        for s, u in db.session.execute(
            select(Signup, User)
            .join(User, User.id == Signup.volunteer_id)
            .where(Signup.shift_id.in_(shift_ids), Signup.status == "confirmed")
            .order_by(Signup.id)
        )
    ]


def pending_hours(association_id: int) -> list[tuple[Hours, User]]:
    return [
        (h, u)
        for h, u in db.session.execute(
            select(Hours, User)
            .join(User, User.id == Hours.volunteer_id)
            .where(Hours.association_id == association_id, Hours.status == "pending")
            .order_by(Hours.id)
        )
    ]


def my_volunteering(volunteer_id: int) -> dict[str, Any]:
    """The volunteer's applications, shifts, hours and certificates."""
    applications = list(
        db.session.execute(
            select(Application, Opportunity)
            .join(Opportunity, Opportunity.id == Application.opportunity_id)
            .where(Application.volunteer_id == volunteer_id)
            .order_by(Application.id.desc())
        )
    )
    signups = list(
        db.session.execute(
            select(Signup, Shift, Opportunity)
            .join(Shift, Shift.id == Signup.shift_id)
            .join(Opportunity, Opportunity.id == Shift.opportunity_id)
            .where(Signup.volunteer_id == volunteer_id)
            .order_by(Shift.starts_at.desc())
        )
    )
    hours = list(
        db.session.execute(
            select(Hours, Opportunity)
            .join(Opportunity, Opportunity.id == Hours.opportunity_id)
            .where(Hours.volunteer_id == volunteer_id)
            .order_by(Hours.worked_on.desc(), Hours.id.desc())
        )
    )
    certificates = list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.volunteer_id == volunteer_id)
            .order_by(Certificate.id.desc())
        )
    )
    verified: dict[int, int] = {}
    for row, _opp in hours:
        if row.status == "verified":
            verified[row.association_id] = verified.get(row.association_id, 0) + row.minutes
    names = get_associations(set(verified) | {o.association_id for _a, o in applications})
    return {
        "applications": applications,
        "signups": signups,
        "hours": hours,
        "certificates": certificates,
        "verified": verified,
        "associations": {aid: a.name for aid, a in names.items()},
        "contracts": contracts_of_volunteer(volunteer_id),
    }


def certificate_by_code(code: str) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.code == code.strip().upper()))


def portfolio(volunteer_id: int) -> dict[str, Any]:
    """What a portfolio shows: verified hours per association, certificates, opportunities
    served (no no-shows, no contact)."""
    rows = db.session.execute(
        select(Hours.association_id, func.sum(Hours.minutes))
        .where(Hours.volunteer_id == volunteer_id, Hours.status == "verified")
        .group_by(Hours.association_id)
    ).all()
    served = list(
        db.session.scalars(
            select(Opportunity)
            .join(Application, Application.opportunity_id == Opportunity.id)
            .where(Application.volunteer_id == volunteer_id, Application.status == "accepted")
            .order_by(Opportunity.starts_on.desc())
        )
    )
    certificates = list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.volunteer_id == volunteer_id)
            .order_by(Certificate.id.desc())
        )
    )
    names = get_associations({aid for aid, _m in rows} | {o.association_id for o in served})
    return {
        "hours": [(aid, int(m or 0)) for aid, m in rows],
        "served": served,
        "certificates": certificates,
        "associations": {aid: a.name for aid, a in names.items()},
    }
