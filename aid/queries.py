"""Reads of aid for pages and API, each a constant number of queries, never a personal
field."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select

from aid.models import (
    HOME_DELIVERY_CODES,
    Delivery,
    Distribution,
    DuplicateCase,
    Entitlement,
    Household,
    StockItem,
    StockLocation,
    StockMovement,
)
from app.accounts.queries import users_by_id
from app.api import paginate
from app.db import db
from directory import Province, association_member_ids


def provinces(locale: str) -> list[tuple[int, str]]:
    rows = db.session.scalars(select(Province).order_by(Province.position, Province.id))
    return [(p.id, p.label(locale)) for p in rows]


def households_page(
    association_id: int, status: str | None, page: int, per_page: int
) -> dict[str, Any]:
    query = select(Household).where(Household.association_id == association_id)
    if status:
        query = query.where(Household.status == status)
    return paginate(query.order_by(Household.id.desc()), page, per_page)


def open_case_count(association_id: int) -> int:
    return int(
        db.session.scalar(
            select(func.count(DuplicateCase.id)).where(
                DuplicateCase.association_id == association_id, DuplicateCase.status == "open"
            )
        )
        or 0
    )


def cases_of_household(household_id: int) -> list[DuplicateCase]:
    return list(
        db.session.scalars(
            select(DuplicateCase)
            .where(
                or_(
                    DuplicateCase.household_id == household_id,
                    DuplicateCase.other_id == household_id,
                )
            )
            .order_by(DuplicateCase.id)
        )
    )


def cases_page(association_id: int, status: str, page: int, per_page: int) -> dict[str, Any]:
    query = (
        select(DuplicateCase)
        .where(DuplicateCase.association_id == association_id, DuplicateCase.status == status)
        .order_by(DuplicateCase.id)
    )
    return paginate(query, page, per_page)


def recent_cases(association_id: int, limit: int = 100) -> list[DuplicateCase]:
    return list(
        db.session.scalars(
            select(DuplicateCase)
            .where(DuplicateCase.association_id == association_id)
            .order_by(DuplicateCase.status.desc(), DuplicateCase.id.desc())
            .limit(limit)
        )
    )


def households_by_id(ids: set[int] | list[int]) -> dict[int, Household]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {h.id: h for h in db.session.scalars(select(Household).where(Household.id.in_(wanted)))}


def movements_page(association_id: int, page: int, per_page: int) -> dict[str, Any]:
    query = (
        select(StockMovement)
        .where(StockMovement.association_id == association_id)
        .order_by(StockMovement.id.desc())
    )
    return paginate(query, page, per_page)


def items_of(association_id: int) -> list[StockItem]:
    return list(
        db.session.scalars(
            select(StockItem)
            .where(StockItem.association_id == association_id)
            .order_by(StockItem.name)
        )
    )


def locations_of(association_id: int) -> list[StockLocation]:
    return list(
        db.session.scalars(
            select(StockLocation)
            .where(StockLocation.association_id == association_id)
            .order_by(StockLocation.name)
        )
    )


def distributions_page(association_id: int, page: int, per_page: int) -> dict[str, Any]:
    query = (
        select(Distribution)
        .where(Distribution.association_id == association_id)
        .order_by(Distribution.starts_at.desc())
    )
    return paginate(query, page, per_page)


def entitlements_of(distribution_id: int) -> list[Entitlement]:
    return list(
        db.session.scalars(
            select(Entitlement)
            .where(Entitlement.distribution_id == distribution_id)
            .order_by(Entitlement.id)
        )
    )


def waiting_households(distribution: Distribution, limit: int = 200) -> list[Household]:
    """Verified households of the association without a place in this distribution yet."""
    placed = select(Entitlement.household_id).where(Entitlement.distribution_id == distribution.id)
    return list(
        db.session.scalars(
            select(Household)
            .where(
                Household.association_id == distribution.association_id,
                Household.status == "verified",
                Household.id.not_in(placed),
            )
            .order_by(Household.id)
            .limit(limit)
        )
    )


# ------------------------------------------------------------------ cards, proxies, deliveries


def proxy_count(household_id: int) -> int:
    """Collections made for the household by a proxy (who, never: the names stay encrypted)."""
    return int(
        db.session.scalar(
            select(func.count(Entitlement.id)).where(
                Entitlement.household_id == household_id,
                Entitlement.status == "collected",
                Entitlement.proxy_relation.is_not(None),
            )
        )
        or 0
    )


def proxy_counts(association_id: int) -> dict[int, int]:
    """Household id -> collections by a proxy, for the association's list."""
    rows = db.session.execute(
        select(Entitlement.household_id, func.count(Entitlement.id))
        .join(Household, Household.id == Entitlement.household_id)
        .where(
            Household.association_id == association_id,
            Entitlement.status == "collected",
            Entitlement.proxy_relation.is_not(None),
        )
        .group_by(Entitlement.household_id)
    ).all()
    return {int(h): int(n) for h, n in rows}


def team(association_id: int) -> list[tuple[int, str]]:
    """The association's approved members (witnesses, delivery volunteers): id and name."""
    people = users_by_id(association_member_ids(association_id))
    return sorted(
        ((u.id, u.display_name or u.username) for u in people.values()), key=lambda p: p[1]
    )


def deliveries_of(distribution_id: int) -> list[Delivery]:
    return list(
        db.session.scalars(
            select(Delivery)
            .where(Delivery.distribution_id == distribution_id)
            .order_by(Delivery.scheduled_at, Delivery.id)
        )
    )


def my_deliveries(actor_id: int, staff_of: list[int], limit: int = 200) -> list[Delivery]:
    """The tasks assigned to this person, and every task of the associations they run;
    open ones first, by time."""
    where = Delivery.assignee_id == actor_id
    if staff_of:
        where = or_(where, Delivery.association_id.in_(staff_of))
    return list(
        db.session.scalars(
            select(Delivery)
            .where(where)
            .order_by((Delivery.status != "scheduled"), Delivery.scheduled_at.desc())
            .limit(limit)
        )
    )


def home_delivery_households(distribution: Distribution) -> list[Household]:
    """Verified households of the association that may be served at home and have no task
    at this distribution yet."""
    planned = select(Delivery.household_id).where(Delivery.distribution_id == distribution.id)
    rows = db.session.scalars(
        select(Household)
        .where(
            Household.association_id == distribution.association_id,
            Household.status == "verified",
            Household.id.not_in(planned),
        )
        .order_by(Household.id)
    )
    codes = set(HOME_DELIVERY_CODES)
    return [h for h in rows if codes & set(h.vulnerabilities or [])]
