"""Reads of the directory: the helpers behind the package's public API (those
``directory/__init__.py`` re-exports for other features), then the reads of the directory's
own pages and API (member lists, the approval queue), each a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import User
from app.db import db
from app.memo import per_request
from directory.access import Need, access_association, can_see_members, membership
from directory.models import Association, Field, Membership, Province, Region


@dataclass(frozen=True)
class MembershipInfo:
    """One approved membership of a user."""

    association_id: int
    association_name: str
    role: str


def get_association(association_id: int) -> Association | None:
    """The association with this id, whatever its status, or ``None``."""
    return db.session.get(Association, association_id)


def stored_association(actor: User, association_id: int, need: Need = "edit") -> Association:
    """The association as stored now (nothing kept from what this request loaded before), for
    ``actor``: the edit page shown again after an edit refused as stale."""
    db.session.expire_all()
    return access_association(actor, association_id, need=need)


def get_associations(ids: Iterable[int]) -> dict[int, Association]:
    """The associations with these ids, whatever their status, in one query (for lists)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = db.session.scalars(select(Association).where(Association.id.in_(wanted)))
    return {a.id: a for a in rows}


def membership_role(user_id: int | None, association_id: int) -> str | None:
    """The role of ``user_id``'s approved membership in the association, else ``None``."""
    if user_id is None:
        return None
    row = membership(user_id, association_id)
    return row.role if row is not None and row.status == "approved" else None


def approved_association_roles(
    user_id: int | None, association_ids: Iterable[int]
) -> dict[int, str | None]:
    """Those of these associations that are approved, each with the role of ``user_id``'s
    approved membership in it (``None`` when not a member), in one query."""
    wanted = sorted(set(association_ids))
    if not wanted:
        return {}
    role = (
        select(Membership.role)
        .where(
            Membership.association_id == Association.id,
            Membership.user_id == user_id,
            Membership.status == "approved",
        )
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Association.id, role).where(
            Association.id.in_(wanted), Association.status == "approved"
        )
    ).all()
    return {row[0]: (row[1] if user_id is not None else None) for row in rows}


@per_request
def user_memberships(user_id: int) -> list[MembershipInfo]:
    """Approved memberships of ``user_id``, by association name."""
    rows = db.session.execute(
        select(Association.id, Association.name, Membership.role)
        .join(Membership, Membership.association_id == Association.id)
        .where(Membership.user_id == user_id, Membership.status == "approved")
        .order_by(Association.name, Association.id)
    ).all()
    return [MembershipInfo(row[0], row[1], row[2]) for row in rows]


def member_ids_select(association_id: int, roles: tuple[str, ...] | None = None) -> Select[Any]:
    """The approved members' user ids (optionally only those with one of ``roles``) as a
    subquery for another feature's query: ``X.author_id.in_(member_ids_select(a))`` asks the
    database once instead of listing the ids first."""
    query = select(Membership.user_id).where(
        Membership.association_id == association_id, Membership.status == "approved"
    )
    return query if roles is None else query.where(Membership.role.in_(roles))


def association_member_ids(association_id: int, roles: tuple[str, ...] | None = None) -> list[int]:
    """User ids of the approved members (optionally only those with one of ``roles``)."""
    query = member_ids_select(association_id, roles)
    return list(db.session.scalars(query.order_by(Membership.user_id)))


def share_an_association(user_id: int, among: list[int]) -> set[int]:
    """Those of ``among`` who are approved members of an association ``user_id`` is an
    approved member of."""
    if not among:
        return set()
    mine = select(Membership.association_id).where(
        Membership.user_id == user_id, Membership.status == "approved"
    )
    return set(
        db.session.scalars(
            select(Membership.user_id)
            .where(
                Membership.association_id.in_(mine),
                Membership.status == "approved",
                Membership.user_id.in_(among),
            )
            .distinct()
        )
    )


def list_fields() -> list[Field]:
    """Every field of activity, in the reference order."""
    return list(db.session.scalars(select(Field).order_by(Field.position, Field.id)))


def get_field(field_id: int) -> Field | None:
    return db.session.get(Field, field_id)


def member_list_visible(viewer: object, association_id: int) -> bool:
    """Whether ``viewer`` may know who the members of the association are (its setting)."""
    association = get_association(association_id)
    return association is not None and can_see_members(viewer, association)


# --- the directory's own pages and API ------------------------------------------------------


def approved_members(association_id: int) -> list[Membership]:
    """The first 100 approved members with their accounts, admins first (one query)."""
    return list(
        db.session.scalars(
            select(Membership)
            .options(joinedload(Membership.user))
            .where(Membership.association_id == association_id, Membership.status == "approved")
            .order_by(Membership.role, Membership.id)
            .limit(100)
        ).all()
    )


def memberships_to_manage(association_id: int) -> list[Membership]:
    """Every membership of the association, requests first."""
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.association_id == association_id)
            .order_by(Membership.status.desc(), Membership.id)
        ).all()
    )


def members_query(association_id: int, status: str) -> Select[Any]:
    """The memberships in ``status``, for :func:`app.api.paginate`."""
    return (
        select(Membership)
        .where(Membership.association_id == association_id, Membership.status == status)
        .order_by(Membership.id)
    )


def pending_query() -> Select[Any]:
    """Associations waiting for approval, oldest first, for :func:`app.api.paginate`."""
    return select(Association).where(Association.status == "pending").order_by(Association.id)


def approval_queue() -> tuple[list[Association], list[Association], dict[int, User]]:
    """The moderators' queue: pending associations (with fields and city), suspended ones,
    and the accounts that created the pending ones (three queries)."""
    pending = list(
        db.session.scalars(
            select(Association)
            .where(Association.status == "pending")
            .options(selectinload(Association.fields), selectinload(Association.city))
            .order_by(Association.id)
            .limit(200)
        ).all()
    )
    suspended = list(
        db.session.scalars(
            select(Association)
            .where(Association.status == "suspended")
            .order_by(Association.id)
            .limit(200)
        ).all()
    )
    creator_ids = {a.created_by_id for a in pending if a.created_by_id is not None}
    creators = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(creator_ids)))}
    return pending, suspended, creators


def memberships_of(actor: Any, association_ids: Sequence[int]) -> dict[int, Membership]:
    """The actor's membership rows in those associations, in one query (for lists)."""
    if actor is None or not association_ids:
        return {}
    rows = db.session.scalars(
        select(Membership).where(
            Membership.user_id == actor.id, Membership.association_id.in_(association_ids)
        )
    )
    return {m.association_id: m for m in rows}


def viewer_membership(actor: Any, association_id: int) -> Membership | None:
    """The viewer's membership row in one association (any status), if any."""
    return None if actor is None else membership(actor.id, association_id)


def load_associations_by_ids(ids: Sequence[int]) -> list[Association]:
    """The associations in the order of ``ids`` (missing ones skipped)."""
    if not ids:
        return []
    rows = db.session.scalars(
        select(Association)
        .where(Association.id.in_(list(ids)))
        .options(
            selectinload(Association.fields),
            selectinload(Association.region),
            selectinload(Association.province),
            selectinload(Association.city),
        )
    ).all()
    by_id = {a.id: a for a in rows}
    return [by_id[i] for i in ids if i in by_id]


def regions() -> list[Region]:
    """Every region with its provinces and their cities (three queries in all)."""
    return list(
        db.session.scalars(
            select(Region)
            .order_by(Region.position)
            .options(selectinload(Region.provinces).selectinload(Province.cities))
        )
    )


def count_associations() -> int:
    """How many associations are listed (approved)."""
    found = db.session.scalar(
        select(func.count(Association.id)).where(Association.status == "approved")
    )
    return int(found or 0)


def count_cities() -> int:
    """In how many cities listed associations are."""
    found = db.session.scalar(
        select(func.count(func.distinct(Association.city_id))).where(
            Association.status == "approved", Association.city_id.is_not(None)
        )
    )
    return int(found or 0)


def newest_associations(limit: int) -> Sequence[Association]:
    """The associations approved last, with their city and fields."""
    return db.session.scalars(
        select(Association)
        .where(Association.status == "approved")
        .options(selectinload(Association.city), selectinload(Association.fields))
        .order_by(Association.decided_at.desc().nulls_last(), Association.id.desc())
        .limit(limit)
    ).all()


def memberships_with_names(user_id: int) -> Sequence[Row[int, str, str, str]]:
    """``(id, name, role, status)`` of the associations ``user_id`` belongs to or asked to
    join, waiting requests first."""
    return db.session.execute(
        select(Association.id, Association.name, Membership.role, Membership.status)
        .join(Membership, Membership.association_id == Association.id)
        .where(Membership.user_id == user_id, Membership.status.in_(("approved", "pending")))
        .order_by(Membership.status, Association.name)
    ).all()


def pending_counts(association_ids: Sequence[int]) -> dict[int, int]:
    """How many join requests wait in each of these associations (those with any)."""
    if not association_ids:
        return {}
    rows = db.session.execute(
        select(Membership.association_id, func.count(Membership.id))
        .where(Membership.association_id.in_(association_ids), Membership.status == "pending")
        .group_by(Membership.association_id)
    )
    return {association_id: int(count) for association_id, count in rows}


def profile_associations(user_id: int) -> Sequence[Row[int, str, str, str]]:
    """``(id, name, members_visibility, role)`` of the listed associations ``user_id`` is an
    approved member of, by name."""
    return db.session.execute(
        select(Association.id, Association.name, Association.members_visibility, Membership.role)
        .join(Membership, Membership.association_id == Association.id)
        .where(
            Membership.user_id == user_id,
            Membership.status == "approved",
            Association.status == "approved",
        )
        .order_by(Association.name)
    ).all()


def approved_among(user_id: int, association_ids: Sequence[int]) -> set[int]:
    """Which of these associations ``user_id`` is an approved member of."""
    return set(
        db.session.scalars(
            select(Membership.association_id).where(
                Membership.user_id == user_id,
                Membership.status == "approved",
                Membership.association_id.in_(association_ids),
            )
        )
    )
