"""Kits, what a distribution hands out, the ledger at collection and per-category frequency
limits. Like :mod:`aid.services`: explicit ``actor`` (checked by :mod:`aid.access`), flush,
never commit."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from aid import labels, services
from aid.models import (
    Distribution,
    DistributionLine,
    DuplicateCase,
    Entitlement,
    FrequencyLimit,
    Household,
    HouseholdChange,
    Kit,
    KitComponent,
    MatchKey,
    StockItem,
    StockLocation,
    StockMovement,
)
from aid.services import _location, _lock, on_hand
from app.api import ApiError, invalid
from app.db import db, for_update, insert_once, utcnow
from app.privacy import name_token, phone_token, read_personal
from directory import Association

# ------------------------------------------------------------------ kits


def _own_item(association_id: int, item_id: int, field: str) -> StockItem:
    item = db.session.get(StockItem, item_id)
    if item is None or item.association_id != association_id:
        raise invalid(_("Choose an item of this association."), field)
    return item


def create_kit(_actor: Any, association: Association, data: dict[str, Any]) -> Kit:
    """A named bundle of the association's items, each with its quantity per kit."""
    name = data["name"].strip()
    components: dict[int, int] = {}
    for n, part in enumerate(data["components"]):
        _own_item(association.id, part["item_id"], f"components.{n}.item_id")
        if part["item_id"] in components:
            raise invalid(_("Each item appears once in a kit."), f"components.{n}.item_id")
        components[part["item_id"]] = part["quantity"]
    kit = Kit(association_id=association.id, name=name, category=data["category"])
    if not insert_once(kit):
        raise invalid(_("This association already has a kit with this name."), "name")
    db.session.flush()
    for item_id, quantity in sorted(components.items()):
        db.session.add(KitComponent(kit_id=kit.id, item_id=item_id, quantity=quantity))
    db.session.flush()
    return kit


def kits_of(association_id: int) -> list[tuple[Kit, list[tuple[StockItem, int]]]]:
    """The association's kits with their components (two queries)."""
    kits = list(
        db.session.scalars(
            select(Kit).where(Kit.association_id == association_id).order_by(Kit.name)
        )
    )
    parts: dict[int, list[tuple[StockItem, int]]] = defaultdict(list)
    if kits:
        rows = db.session.execute(
            select(KitComponent.kit_id, StockItem, KitComponent.quantity)
            .join(StockItem, StockItem.id == KitComponent.item_id)
            .where(KitComponent.kit_id.in_([k.id for k in kits]))
            .order_by(StockItem.name)
        ).all()
        for kit_id, item, quantity in rows:
            parts[kit_id].append((item, quantity))
    return [(k, parts[k.id]) for k in kits]


# ------------------------------------------------------------------ what a distribution gives


def add_line(_actor: Any, distribution: Distribution, data: dict[str, Any]) -> DistributionLine:
    """Declare what each household of the distribution receives: an item or a kit, a
    quantity, and the stock location it is taken from. Refused once collections started (the
    ledger already holds what was handed over)."""
    if bool(data.get("item_id")) == bool(data.get("kit_id")):
        raise invalid(_("Choose an item or a kit (one of the two)."), "item_id")
    association_id = distribution.association_id
    if data.get("item_id"):
        _own_item(association_id, data["item_id"], "item_id")
    else:
        kit = db.session.get(Kit, data["kit_id"])
        if kit is None or kit.association_id != association_id:
            raise invalid(_("Choose a kit of this association."), "kit_id")
    association = db.session.get(Association, association_id)
    assert association is not None
    location = _location(association, data.get("location_id"), None)
    started = db.session.scalar(
        select(func.count(Entitlement.id)).where(
            Entitlement.distribution_id == distribution.id, Entitlement.status == "collected"
        )
    )
    if started:
        raise ApiError(
            409,
            "collections_started",
            _("Households already collected at this distribution: what it gives is fixed."),
        )
    line = DistributionLine(
        distribution_id=distribution.id,
        item_id=data.get("item_id"),
        kit_id=data.get("kit_id"),
        quantity=data["quantity"],
        location_id=location.id,
    )
    db.session.add(line)
    db.session.flush()
    return line


def lines_of(distribution_id: int) -> list[dict[str, Any]]:
    """What each household receives, with names (one query)."""
    rows = db.session.execute(
        select(DistributionLine, StockItem.name, Kit.name)
        .outerjoin(StockItem, StockItem.id == DistributionLine.item_id)
        .outerjoin(Kit, Kit.id == DistributionLine.kit_id)
        .where(DistributionLine.distribution_id == distribution_id)
        .order_by(DistributionLine.id)
    ).all()
    return [
        {
            "id": line.id,
            "item_id": line.item_id,
            "kit_id": line.kit_id,
            "name": item_name or kit_name or "",
            "quantity": line.quantity,
            "location_id": line.location_id,
        }
        for line, item_name, kit_name in rows
    ]


def _per_household(distribution_id: int) -> dict[tuple[int, int], int]:
    """(item, location) -> units one household takes: kits opened into their components."""
    wanted: dict[tuple[int, int], int] = defaultdict(int)
    lines = list(
        db.session.scalars(
            select(DistributionLine).where(DistributionLine.distribution_id == distribution_id)
        )
    )
    kit_ids = [line.kit_id for line in lines if line.kit_id]
    parts: dict[int, list[tuple[int, int]]] = defaultdict(list)
    if kit_ids:
        for kit_id, item_id, quantity in db.session.execute(
            select(KitComponent.kit_id, KitComponent.item_id, KitComponent.quantity).where(
                KitComponent.kit_id.in_(kit_ids)
            )
        ):
            parts[kit_id].append((item_id, quantity))
    for line in lines:
        if line.item_id:
            wanted[(line.item_id, line.location_id)] += line.quantity
        elif line.kit_id:
            for item_id, quantity in parts[line.kit_id]:
                wanted[(item_id, line.location_id)] += quantity * line.quantity
    return dict(wanted)


def take_out(actor: Any, distribution: Distribution, entitlement: Entitlement) -> int:
    """Append the ``distribution_out`` lines of one collection (one per item, kits opened),
    in the caller's transaction; refused, writing nothing, when a stock would go below zero.
    Returns the number of lines written."""
    wanted = _per_household(distribution.id)
    if not wanted:
        return 0
    _lock(*{location for _item, location in wanted})
    short = []
    for (item_id, location_id), quantity in sorted(wanted.items()):
        available = on_hand(item_id, location_id)
        if available < quantity:
            item = db.session.get(StockItem, item_id)
            short.append(
                _(
                    "%(item)s: %(needed)d needed, %(n)d on hand.",
                    item=item.name if item else "",
                    needed=quantity,
                    n=available,
                )
            )
    if short:
        raise ApiError(
            409,
            "insufficient_stock",
            _("Not enough stock to hand this over: %(detail)s", detail=" ".join(short)),
        )
    for (item_id, location_id), quantity in sorted(wanted.items()):
        db.session.add(
            StockMovement(
                association_id=distribution.association_id,
                item_id=item_id,
                location_id=location_id,
                kind="distribution_out",
                quantity=-quantity,
                note=distribution.title[:300],
                actor_id=actor.id if actor is not None else None,
                entitlement_id=entitlement.id,
            )
        )
    db.session.flush()
    return len(wanted)


# ------------------------------------------------------------------ frequency limits


def limits_of(association_id: int) -> list[FrequencyLimit]:
    return list(
        db.session.scalars(
            select(FrequencyLimit)
            .where(FrequencyLimit.association_id == association_id)
            .order_by(FrequencyLimit.category)
        )
    )


def set_limit(
    actor: Any, association: Association, category: str, min_days: int | None
) -> FrequencyLimit | None:
    """At most one entitlement of ``category`` per household every ``min_days`` days
    (``None`` removes the limit)."""
    row = db.session.scalar(
        select(FrequencyLimit).where(
            FrequencyLimit.association_id == association.id, FrequencyLimit.category == category
        )
    )
    if min_days is None:
        if row is not None:
            db.session.execute(delete(FrequencyLimit).where(FrequencyLimit.id == row.id))
        db.session.flush()
        return None
    if row is None:
        row = FrequencyLimit(association_id=association.id, category=category, min_days=min_days)
        if not insert_once(row):
            row = db.session.scalar(
                select(FrequencyLimit).where(
                    FrequencyLimit.association_id == association.id,
                    FrequencyLimit.category == category,
                )
            )
            assert row is not None
    row.min_days = min_days
    row.set_by_id = actor.id
    row.updated_at = utcnow()
    db.session.flush()
    return row


def check_frequency(
    distribution: Distribution,
    household_id: int,
    statuses: tuple[str, ...] = ("issued", "collected"),
) -> None:
    """Refuse an entitlement closer than the category's minimum interval to another one of
    the same household and category (by the distributions' days), saying the date of that
    one and the first possible date. The household row is locked: two entitlements at once
    cannot both pass."""
    limit = db.session.scalar(
        select(FrequencyLimit.min_days).where(
            FrequencyLimit.association_id == distribution.association_id,
            FrequencyLimit.category == distribution.category,
        )
    )
    if not limit:
        return
    db.session.execute(for_update(select(Household.id).where(Household.id == household_id))).all()
    window = dt.timedelta(days=limit)
    near = db.session.scalar(
        select(func.max(Distribution.starts_at))
        .join(Entitlement, Entitlement.distribution_id == Distribution.id)
        .where(
            Entitlement.household_id == household_id,
            Entitlement.status.in_(statuses),
            Distribution.association_id == distribution.association_id,
            Distribution.category == distribution.category,
            Distribution.id != distribution.id,
            Distribution.starts_at > distribution.starts_at - window,
            Distribution.starts_at < distribution.starts_at + window,
        )
    )
    if near is None:
        return
    following = near + window
    raise ApiError(
        409,
        "too_soon",
        _(
            "This household already has %(category)s on %(last)s: at most one every "
            "%(days)d days, so the next one is possible from %(next)s.",
            category=labels.label(labels.NEED, distribution.category),
            last=format_date(near, "long"),
            days=limit,
            next=format_date(following, "long"),
        ),
        {"household_id": [_("Next possible from %(next)s.", next=format_date(following, "long"))]},
    )


# ------------------------------------------------------------------ the two flows they join


def entitle(actor: Any, distribution: Distribution, household_id: int) -> tuple[Entitlement, str]:
    """:func:`aid.services.entitle` under the category's frequency limit."""
    check_frequency(distribution, household_id)
    return services.entitle(actor, distribution, household_id)


def collect(
    actor: Any, entitlement: Entitlement, proof: str, proxy_name: str | None
) -> Entitlement:
    """:func:`aid.services.collect` and, in the same transaction, the ledger's out lines of
    what the distribution gives (all refused together when the stock is short)."""
    row = services.collect(actor, entitlement, proof, proxy_name)
    distribution = db.session.get(Distribution, row.distribution_id)
    if distribution is not None:
        take_out(actor, distribution, row)
    return row


def distribution_supply(distribution: Distribution) -> dict[str, Any]:
    """What the distribution page shows and offers about what each household receives."""
    association_id = distribution.association_id
    return {
        "lines": lines_of(distribution.id),
        "kits": [k for k, _parts in kits_of(association_id)],
        "stock_items": list(
            db.session.scalars(
                select(StockItem)
                .where(StockItem.association_id == association_id)
                .order_by(StockItem.name)
            )
        ),
        "locations": list(
            db.session.scalars(
                select(StockLocation)
                .where(StockLocation.association_id == association_id)
                .order_by(StockLocation.name)
            )
        ),
        "locked": bool(
            db.session.scalar(
                select(func.count(Entitlement.id)).where(
                    Entitlement.distribution_id == distribution.id,
                    Entitlement.status == "collected",
                )
            )
        ),
    }


# ------------------------------------------------------------------ consent renewal


def renew_consent(_actor: Any, household: Household, consent: dict[str, Any]) -> Household:
    """Record the household's consent again (mode, purposes, language): its date moves to
    now, which restarts the 24-month clock after which its personal fields are erased.
    Refused once they were erased (there is nothing left to keep)."""
    erased = db.session.scalar(
        select(func.count(Household.id)).where(
            Household.id == household.id, Household.head_name.is_(None)
        )
    )
    if erased:
        raise ApiError(
            409,
            "erased",
            _("This household's personal details were already erased: register it again."),
        )
    now = utcnow()
    household.consent_mode = consent["mode"]
    household.consent_purposes = sorted(set(consent["purposes"]))
    household.consent_language = consent["language"]
    household.consent_at = now
    household.last_active_at = now
    db.session.flush()
    return household


# ------------------------------------------------------------------ corrections


def update_household(actor: Any, household: Household, data: dict[str, Any]) -> Household:
    """Correct a household's fields (personal ones stay encrypted, their keyed tokens are
    computed again, possible new duplicates get a case); who changed which fields is kept
    (:class:`HouseholdChange`, names only). Refused once archived."""
    if household.status == "archived":
        raise ApiError(409, "archived", _("This household is archived."))
    changed = sorted(data)
    if not changed:
        raise invalid(_("Give at least one field to change."), "_")
    size = data.get("size", household.size)
    composition = data.get("composition", household.composition) or {}
    composition = {k: v for k, v in composition.items() if v}
    if sum(composition.values()) > size:
        raise invalid(
            _("The age bands add up to more people than the household has."), "composition"
        )
    if "phone" in data:
        phone = (data["phone"] or "").strip() or None
        try:
            household.phone_token = phone_token(phone) if phone else None
        except ValueError:
            raise invalid(_("This is not a phone number."), "phone") from None
        household.phone = phone
    if "address" in data:
        household.address = (data["address"] or "").strip() or None
    for place in ("commune", "douar"):
        if place in data:
            setattr(household, place, (data[place] or "").strip())
    if "birth_year" in data:
        household.birth_year = data["birth_year"]
    if {"head_name", "birth_year", "commune", "phone"} & set(data):
        if "head_name" in data:
            name = data["head_name"].strip()
            household.head_name = name
        else:  # the tokens need the name: a logged read
            name = (
                read_personal(actor, household, ("head_name",), "correction of the household")[
                    "head_name"
                ]
                or ""
            )
        try:
            household.name_token = name_token(
                name, household.birth_year, services.commune_key(household.commune)
            )
        except ValueError:
            raise invalid(_("Write the name in letters."), "head_name") from None
        household.person_token = name_token(name, household.birth_year, household.province_id)
        # the duplicate check's other keys (every reading of the name, the phone near) too
        db.session.execute(delete(MatchKey).where(MatchKey.household_id == household.id))
        services.add_match_keys(household, name, services.commune_key(household.commune))
    household.size = size
    household.composition = composition
    if "vulnerabilities" in data:
        household.vulnerabilities = sorted(set(data["vulnerabilities"]))
    if "registry_status" in data:
        household.registry_status = data["registry_status"]
    if "needs" in data:
        household.needs = [{k: v for k, v in n.items() if v is not None} for n in data["needs"]]
    household.last_active_at = utcnow()
    db.session.add(HouseholdChange(household_id=household.id, actor_id=actor.id, fields=changed))
    db.session.flush()
    known = set(
        db.session.scalars(
            select(DuplicateCase.other_id).where(DuplicateCase.household_id == household.id)
        )
    )
    for other_id, matched in services.find_duplicates(household).items():
        if other_id not in known:
            insert_once(
                DuplicateCase(
                    association_id=household.association_id,
                    household_id=household.id,
                    other_id=other_id,
                    matched=matched,
                )
            )
    db.session.flush()
    return household
