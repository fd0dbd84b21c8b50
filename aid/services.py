"""Everything that changes aid data. Each function takes an explicit ``actor`` (already
checked by :mod:`aid.access`), flushes and never commits: the edge's transaction keeps all of
a write or none of it."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, insert, or_, select, union, update

from aid.models import (
    Distribution,
    DuplicateCase,
    Entitlement,
    Household,
    MatchKey,
    NetworkCheck,
    NetworkOptIn,
    ServedFact,
    Slot,
    StockItem,
    StockLocation,
    StockMovement,
)
from app.api import ApiError, invalid, not_found
from app.db import begin_write, db, for_update, insert_once, utcnow
from app.limits import items as limit_items
from app.privacy import (
    name_token,
    name_tokens,
    national_id_token,
    phone_near_tokens,
    phone_token,
    read_personal,
)
from app.security import secret_digest
from directory import Association, Province
from library import valid_authorization

PERSONAL = ("head_name", "phone", "address", "birth_year")
#: The authorisation an association records before it may keep national ID numbers.
DATA_PROTECTION = "data_protection"
#: The authorisation a distribution on a public site needs before it is scheduled.
DISTRIBUTION = "distribution"


# ------------------------------------------------------------------ households


def commune_key(commune: str) -> str:
    return " ".join(commune.split()).casefold()


def may_keep_national_ids(association_id: int) -> bool:
    """Whether the association recorded a data-protection authorisation valid today."""
    return valid_authorization(association_id, DATA_PROTECTION)


def register_household(
    actor: Any, association: Association, data: dict[str, Any], origin: str
) -> Household:
    """Register a household (pending until verified) and open a duplicate case for each
    household of the same association it may be: the same phone or national ID token, or the
    same cross-script name skeleton with the same birth year and commune."""
    if association.status != "approved":
        raise not_found()
    if db.session.get(Province, data["province_id"]) is None:
        raise invalid(_("Choose a province from the list."), "province_id")
    composition = {k: v for k, v in (data.get("composition") or {}).items() if v}
    if sum(composition.values()) > data["size"]:
        raise invalid(
            _("The age bands add up to more people than the household has."), "composition"
        )
    tokens: dict[str, str | None] = {"phone": None, "national_id": None, "name": None}
    try:
        if data.get("phone"):
            tokens["phone"] = phone_token(data["phone"])
    except ValueError:
        raise invalid(_("This is not a phone number."), "phone") from None
    if data.get("national_id"):
        if not valid_authorization(association.id, DATA_PROTECTION):
            raise ApiError(
                422,
                "national_id_not_allowed",
                _(
                    "National ID numbers can only be recorded once the association has "
                    "recorded its data-protection authorisation (CNDP) in its library."
                ),
                {"national_id": [_("Leave it empty: no data-protection authorisation.")]},
            )
        try:
            tokens["national_id"] = national_id_token(data["national_id"])
        except ValueError:
            raise invalid(_("This is not a national ID number."), "national_id") from None
    try:
        tokens["name"] = name_token(
            data["head_name"], data.get("birth_year"), commune_key(data["commune"])
        )
    except ValueError:
        raise invalid(_("Write the name in letters."), "head_name") from None
    person = name_token(data["head_name"], data.get("birth_year"), data["province_id"])
    consent = data["consent"]
    household = Household(
        association_id=association.id,
        origin=origin,
        status="pending",
        registrar_id=actor.id,
        province_id=data["province_id"],
        commune=data["commune"].strip(),
        douar=(data.get("douar") or "").strip(),
        size=data["size"],
        composition=composition,
        vulnerabilities=sorted(set(data.get("vulnerabilities") or [])),
        registry_status=data.get("registry_status") or "unknown",
        consent_mode=consent["mode"],
        consent_purposes=sorted(set(consent["purposes"])),
        consent_language=consent["language"],
        consent_at=utcnow(),
        needs=[
            {k: v for k, v in need.items() if v is not None} for need in data.get("needs") or []
        ],
        birth_year=data.get("birth_year"),
        head_name=data["head_name"].strip(),
        phone=(data.get("phone") or "").strip() or None,
        address=(data.get("address") or "").strip() or None,
        phone_token=tokens["phone"],
        national_id_token=tokens["national_id"],
        name_token=tokens["name"],
        person_token=person,
    )
    db.session.add(household)
    db.session.flush()
    add_match_keys(household, data["head_name"], commune_key(data["commune"]))
    for other_id, matched in find_duplicates(household).items():
        db.session.add(
            DuplicateCase(
                association_id=association.id,
                household_id=household.id,
                other_id=other_id,
                matched=matched,
            )
        )
    db.session.flush()
    return household


def find_duplicates(household: Household) -> dict[int, list[str]]:
    """The other households of the same association that share a keyed token with this one,
    each with what matched (``phone``, ``national_id``, ``name``)."""
    pairs = [
        ("phone", Household.phone_token, household.phone_token),
        ("national_id", Household.national_id_token, household.national_id_token),
        ("name", Household.name_token, household.name_token),
    ]
    wanted = [(label, col, value) for label, col, value in pairs if value]
    if not wanted:
        return {}
    # one indexed lookup per token (association, token), not an OR the planner scans with
    candidates = union(
        *(
            select(Household.id).where(
                Household.association_id == household.association_id, col == value
            )
            for _label, col, value in wanted
        )
    ).subquery()
    rows = db.session.execute(
        select(
            Household.id, Household.phone_token, Household.national_id_token, Household.name_token
        ).where(
            Household.id.in_(select(candidates.c.id)),
            Household.id != household.id,
            Household.status != "duplicate",
        )
    ).all()
    found: dict[int, list[str]] = {}
    for row in rows:
        theirs = {"phone": row[1], "national_id": row[2], "name": row[3]}
        found[row[0]] = [label for label, _col, value in wanted if theirs[label] == value]
    keyed = key_matches(household)
    for other_id, keys in keyed.items():
        if "name" in keys["kinds"] and "name" not in found.get(other_id, []):
            found.setdefault(other_id, []).append("name")
    return {
        other_id: matched
        for other_id, matched in found.items()
        if matched != ["name"]
        or other_id not in keyed
        or not _other_person(household, keyed[other_id])
    }


def verify(actor: Any, household: Household, method: str) -> Household:
    """Mark a pending household verified. A self-registration is verified by someone else
    than the person who registered it."""
    if household.status != "pending":
        raise ApiError(409, "conflict", _("This household is not waiting for verification."))
    if household.origin == "self" and household.registrar_id == actor.id:
        raise ApiError(
            403,
            "same_person",
            _("Someone other than the person who registered this household must verify it."),
        )
    done = db.session.execute(
        update(Household)
        .where(Household.id == household.id, Household.status == "pending")
        .values(
            status="verified",
            verified_by_id=actor.id,
            verified_at=utcnow(),
            verify_method=method,
            last_active_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise ApiError(409, "conflict", _("This household is not waiting for verification."))
    db.session.refresh(household)
    return household


def read_household_personal(actor: Any, household: Household, purpose: str) -> dict[str, Any]:
    """The household's personal fields for ``purpose``, the read logged."""
    return read_personal(actor, household, PERSONAL, purpose)


def open_cases(household_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(DuplicateCase.id).where(
                or_(
                    DuplicateCase.household_id == household_id,
                    DuplicateCase.other_id == household_id,
                ),
                DuplicateCase.status == "open",
            )
        )
    )


def decide(actor: Any, case: DuplicateCase, decision: str, reason: str) -> DuplicateCase:
    """Adjudicate a case: ``distinct`` (two households), ``duplicate`` (the newer one is set
    aside and can receive nothing) or ``merge`` (its needs join the older one's, then it is
    set aside). The case keeps who decided, when, what and why."""
    done = db.session.execute(
        update(DuplicateCase)
        .where(DuplicateCase.id == case.id, DuplicateCase.status == "open")
        .values(
            status="decided",
            decision=decision,
            reason=reason.strip(),
            decided_by_id=actor.id,
            decided_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise ApiError(409, "conflict", _("This case was already decided."))
    if decision in ("duplicate", "merge"):
        newer = db.session.get(Household, case.household_id)
        older = db.session.get(Household, case.other_id)
        if newer is None or older is None:
            raise not_found()
        if decision == "merge":
            codes = {(n.get("code"), n.get("size")) for n in older.needs}
            older.needs = older.needs + [
                n for n in newer.needs if (n.get("code"), n.get("size")) not in codes
            ]
        newer.status = "duplicate"
    db.session.flush()
    db.session.refresh(case)
    return case


# ------------------------------------------------------------------ stock

SIGNS = {"donation_in": 1, "purchase": 1, "distribution_out": -1}


def _item(association: Association, data: dict[str, Any]) -> StockItem:
    if data.get("item_id"):
        item = db.session.get(StockItem, data["item_id"])
        if item is None or item.association_id != association.id:
            raise invalid(_("Choose an item of this association."), "item_id")
        return item
    name = (data.get("item_name") or "").strip()
    if not name:
        raise invalid(_("Name the item."), "item_name")
    found = db.session.scalar(
        select(StockItem).where(StockItem.association_id == association.id, StockItem.name == name)
    )
    if found is None:
        found = StockItem(
            association_id=association.id,
            name=name,
            category=data.get("item_category") or "food_basket",
        )
        db.session.add(found)
        db.session.flush()
    return found


def _location(association: Association, location_id: int | None, name: str | None) -> StockLocation:
    if location_id:
        row = db.session.get(StockLocation, location_id)
        if row is None or row.association_id != association.id:
            raise invalid(_("Choose a stock location of this association."), "location_id")
        return row
    label = (name or "").strip()
    if not label:
        raise invalid(_("Name the stock location."), "location_name")
    found = db.session.scalar(
        select(StockLocation).where(
            StockLocation.association_id == association.id, StockLocation.name == label
        )
    )
    if found is None:
        found = StockLocation(association_id=association.id, name=label)
        db.session.add(found)
        db.session.flush()
    return found


def on_hand(item_id: int, location_id: int) -> int:
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(StockMovement.quantity), 0)).where(
                StockMovement.item_id == item_id, StockMovement.location_id == location_id
            )
        )
        or 0
    )


def _lock(*location_ids: int) -> None:
    """Serialise the movements of these locations until the commit (rows locked in id order
    on PostgreSQL; the database write lock on SQLite), so two withdrawals cannot both read
    the same on-hand."""
    db.session.execute(
        for_update(select(StockLocation.id).where(StockLocation.id.in_(sorted(set(location_ids)))))
    ).all()


def record_movement(
    actor: Any, association: Association, data: dict[str, Any]
) -> list[StockMovement]:
    """Append a movement to the ledger (two for a transfer). Going below zero is refused; an
    audit appends the adjustment to the counted quantity and freezes every earlier line of
    that item and location."""
    begin_write()
    kind = data["kind"]
    quantity = int(data["quantity"])
    item = _item(association, data)
    location = _location(association, data.get("location_id"), data.get("location_name"))
    if kind == "audit":
        if quantity < 0:
            raise invalid(_("Give the quantity counted (zero or more)."), "quantity")
    elif kind == "adjustment":
        if quantity == 0:
            raise invalid(_("An adjustment is not zero."), "quantity")
    elif quantity <= 0:
        raise invalid(_("Give a quantity of at least one."), "quantity")
    target = None
    if kind == "transfer":
        if not data.get("to_location_id"):
            raise invalid(_("Choose where the goods go."), "to_location_id")
        target = _location(association, data["to_location_id"], None)
        if target.id == location.id:
            raise invalid(_("Choose another location."), "to_location_id")
        _lock(location.id, target.id)
    else:
        _lock(location.id)
    current = on_hand(item.id, location.id)
    note = (data.get("note") or "").strip()

    def line(where: int, qty: int, what: str) -> StockMovement:
        return StockMovement(
            association_id=association.id,
            item_id=item.id,
            location_id=where,
            kind=what,
            quantity=qty,
            note=note,
            actor_id=actor.id if actor is not None else None,
        )

    made: list[StockMovement] = []
    if kind == "audit":
        db.session.execute(
            update(StockMovement)
            .where(
                StockMovement.item_id == item.id,
                StockMovement.location_id == location.id,
                StockMovement.frozen.is_(False),
            )
            .values(frozen=True)
            .execution_options(synchronize_session=False)
        )
        difference = quantity - current
        if difference:
            made.append(line(location.id, difference, "audit"))
    else:
        delta = quantity if kind in ("adjustment", "transfer") else SIGNS[kind] * quantity
        if kind == "transfer":
            delta = -quantity
        if current + delta < 0:
            raise ApiError(
                409,
                "insufficient_stock",
                _("Only %(n)d on hand here: the stock cannot go below zero.", n=current),
                {"quantity": [_("At most %(n)d.", n=current)]},
            )
        made.append(line(location.id, delta, kind))
        if target is not None:
            made.append(line(target.id, quantity, kind))
    for row in made:
        db.session.add(row)
    db.session.flush()
    return made


def stock_lines(association_id: int) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(
            StockItem.id,
            StockItem.name,
            StockLocation.id,
            StockLocation.name,
            func.sum(StockMovement.quantity),
        )
        .join(StockItem, StockItem.id == StockMovement.item_id)
        .join(StockLocation, StockLocation.id == StockMovement.location_id)
        .where(StockMovement.association_id == association_id)
        .group_by(StockItem.id, StockItem.name, StockLocation.id, StockLocation.name)
        .order_by(StockItem.name, StockLocation.name)
    ).all()
    return [
        {"item_id": r[0], "item": r[1], "location_id": r[2], "location": r[3], "on_hand": int(r[4])}
        for r in rows
    ]


# ------------------------------------------------------------------ distributions


def schedule(actor: Any, association: Association, data: dict[str, Any]) -> Distribution:
    """Plan a distribution and its time slots. A distribution on a public site needs the
    association's distribution authorisation, valid on its day, before it is scheduled."""
    starts = data["starts_at"]
    if starts.tzinfo is None:
        starts = starts.replace(tzinfo=dt.UTC)
    starts = starts.astimezone(dt.UTC)
    if data["place_kind"] == "public_site" and not valid_authorization(
        association.id, DISTRIBUTION, starts.date()
    ):
        raise ApiError(
            409,
            "authorization_required",
            _(
                "A distribution on a public site needs the association's distribution "
                "authorisation, valid on that day, recorded in its library first."
            ),
            {"place_kind": [_("No distribution authorisation valid on that day.")]},
        )
    row = Distribution(
        association_id=association.id,
        title=data["title"].strip(),
        category=data.get("category") or "food_basket",
        place_kind=data["place_kind"],
        place=data["place"].strip(),
        starts_at=starts,
        slot_minutes=data.get("slot_minutes") or 15,
        slot_capacity=data.get("slot_capacity") or 50,
        created_by_id=actor.id,
    )
    db.session.add(row)
    db.session.flush()
    for n in range(data.get("slots") or 4):
        db.session.add(
            Slot(
                distribution_id=row.id,
                starts_at=starts + dt.timedelta(minutes=n * row.slot_minutes),
                capacity=row.slot_capacity,
            )
        )
    db.session.flush()
    return row


def slots_of(distribution_id: int) -> list[Slot]:
    return list(
        db.session.scalars(
            select(Slot).where(Slot.distribution_id == distribution_id).order_by(Slot.starts_at)
        )
    )


def new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def entitle(actor: Any, distribution: Distribution, household_id: int) -> tuple[Entitlement, str]:
    """Give a verified household of the association its entitlement (one per distribution)
    in the first slot with room; returns it and its one-time code (shown once)."""
    household = db.session.get(Household, household_id)
    if household is None or household.association_id != distribution.association_id:
        raise invalid(_("Choose a household of this association."), "household_id")
    if household.status != "verified":
        raise ApiError(
            409,
            "not_verified",
            _("Only a verified household can receive aid."),
            {"household_id": [_("This household is not verified.")]},
        )
    exists = db.session.scalar(
        select(Entitlement.id).where(
            Entitlement.distribution_id == distribution.id,
            Entitlement.household_id == household.id,
        )
    )
    if exists is not None:
        raise ApiError(
            409, "conflict", _("This household already has its place in this distribution.")
        )
    slot_id = None
    for slot in slots_of(distribution.id):
        taken = db.session.execute(
            update(Slot)
            .where(Slot.id == slot.id, Slot.assigned < Slot.capacity)
            .values(assigned=Slot.assigned + 1)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount == 1:  # type: ignore[attr-defined]
            slot_id = slot.id
            break
    if slot_id is None:
        raise ApiError(409, "slots_full", _("Every time slot of this distribution is full."))
    code = new_code()
    row = Entitlement(
        distribution_id=distribution.id,
        household_id=household.id,
        slot_id=slot_id,
        code_digest=secret_digest(f"{distribution.id}:{code}"),
    )
    if not insert_once(row):
        raise ApiError(
            409, "conflict", _("This household already has its place in this distribution.")
        )
    household.last_active_at = utcnow()
    db.session.flush()
    return row, code


def collect(
    actor: Any, entitlement: Entitlement, proof: str, proxy_name: str | None
) -> Entitlement:
    """Hand over against the one-time code: once per entitlement, and never more collections
    in a slot than its capacity, whatever runs at the same time."""
    expected = secret_digest(f"{entitlement.distribution_id}:{proof.strip()}")
    if not hmac.compare_digest(expected, entitlement.code_digest):
        raise ApiError(
            422, "wrong_proof", _("This code does not match."), {"proof": [_("Check the code.")]}
        )
    return hand_over(actor, entitlement, proxy_name=proxy_name)


def hand_over(
    actor: Any,
    entitlement: Entitlement,
    *,
    proxy_name: str | None = None,
    proxy_relation: str | None = None,
    witness_id: int | None = None,
    card_id: int | None = None,
    at_site: bool = True,
) -> Entitlement:
    """Mark the entitlement collected (once), count it in its slot when handed over at the
    site (never past the slot's capacity) and keep the served fact; the proof was checked by
    the caller (the one-time code, the card and its PIN, a delivery's proof)."""
    household = db.session.get(Household, entitlement.household_id)
    if household is None or household.status != "verified":
        raise ApiError(409, "not_verified", _("Only a verified household can receive aid."))
    now = utcnow()
    done = db.session.execute(
        update(Entitlement)
        .where(Entitlement.id == entitlement.id, Entitlement.status == "issued")
        .values(
            status="collected",
            collected_at=now,
            collected_by_id=actor.id,
            proxy_name=(proxy_name or "").strip() or None,
            proxy_relation=proxy_relation,
            witness_id=witness_id,
            card_id=card_id,
        )
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise ApiError(409, "already_collected", _("This entitlement was already collected."))
    if at_site:
        room = db.session.execute(
            update(Slot)
            .where(Slot.id == entitlement.slot_id, Slot.collected < Slot.capacity)
            .values(collected=Slot.collected + 1)
            .execution_options(synchronize_session=False)
        )
        if room.rowcount != 1:  # type: ignore[attr-defined]
            raise ApiError(409, "slot_full", _("This time slot has reached its capacity."))
    household.last_active_at = now
    distribution = db.session.get(Distribution, entitlement.distribution_id)
    record_served(household, distribution.category if distribution else "food_basket", now)
    db.session.flush()
    db.session.refresh(entitlement)
    return entitlement


# ------------------------------------------------------------------ the network check

FLOWS = ("registration", "entitlement")


def opted_in(association_id: int) -> bool:
    return db.session.get(NetworkOptIn, association_id) is not None


def set_network(actor: Any, association: Association, opt_in: bool) -> bool:
    """Join or leave the cross-association check (asking and answering go together)."""
    row = db.session.get(NetworkOptIn, association.id)
    if opt_in and row is None:
        insert_once(NetworkOptIn(association_id=association.id, opted_in_by_id=actor.id))
    elif not opt_in and row is not None:
        db.session.delete(row)
    db.session.flush()
    return opted_in(association.id)


def network_check(
    actor: Any, household: Household, flow: str, category: str | None = None
) -> dict[str, str]:
    """Whether another association of the network served this household (same phone,
    national ID, or name skeleton + birth year + province), for ``category`` if given.

    Only from inside a registration or an entitlement flow, only between associations that
    opted in, at most the hourly number of calls of ``aid_network_check`` per association
    (each call is written down, so the count holds across processes and is audited). The
    answer is one category and one month, never a name, a count or a list."""
    if flow not in FLOWS:
        raise ValueError(f"the network check runs inside a flow: {FLOWS}")
    association_id = household.association_id
    if not opted_in(association_id):
        return {"status": "not_opted_in"}
    begin_write()  # the count and the new call row, serialised per database
    limit = limit_items("aid_network_check")[0]
    since = utcnow() - dt.timedelta(seconds=limit.get_expiry())
    calls = db.session.scalar(
        select(func.count(NetworkCheck.id)).where(
            NetworkCheck.association_id == association_id, NetworkCheck.at >= since
        )
    )
    if (calls or 0) >= limit.amount:
        db.session.add(
            NetworkCheck(
                association_id=association_id,
                actor_id=getattr(actor, "id", None),
                flow=flow,
                household_id=household.id,
                outcome="refused",
            )
        )
        db.session.flush()
        return {"status": "limit_reached"}
    tokens = [
        (ServedFact.phone_token, household.phone_token),
        (ServedFact.national_id_token, household.national_id_token),
        (ServedFact.person_token, household.person_token),
    ]
    wanted = [col == value for col, value in tokens if value]
    found = None
    if wanted:
        query = (
            select(ServedFact.category, ServedFact.month)
            .join(NetworkOptIn, NetworkOptIn.association_id == ServedFact.association_id)
            .where(ServedFact.association_id != association_id, or_(*wanted))
            .order_by(ServedFact.month.desc(), ServedFact.id.desc())
            .limit(1)
        )
        if category:
            query = query.where(ServedFact.category == category)
        found = db.session.execute(query).first()
    db.session.add(
        NetworkCheck(
            association_id=association_id,
            actor_id=getattr(actor, "id", None),
            flow=flow,
            household_id=household.id,
            outcome="served" if found else "none",
        )
    )
    db.session.flush()
    if found is None:
        return {"status": "none"}
    return {"status": "served", "category": found[0], "month": found[1]}


def record_served(household: Household, category: str, when: dt.datetime) -> None:
    """Keep the tokens of a household served (a collection) for the network check."""
    db.session.add(
        ServedFact(
            association_id=household.association_id,
            category=category,
            month=when.strftime("%Y-%m"),
            phone_token=household.phone_token,
            national_id_token=household.national_id_token,
            person_token=household.person_token,
        )
    )


# ------------------------------------------------------------------ retention

ARCHIVE_AFTER_DAYS = 365
ERASE_AFTER_DAYS = 730


def archive_inactive(model: type, now: dt.datetime) -> int:
    """Retention rule: households without activity (registration, verification, a place, a
    collection) for 12 months are archived; an archived household receives nothing more."""
    cutoff = now - dt.timedelta(days=ARCHIVE_AFTER_DAYS)
    result = db.session.execute(
        update(Household)
        .where(Household.last_active_at < cutoff, Household.archived_at.is_(None))
        .values(archived_at=now, status="archived")
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


# ------------------------------------------------------------------ issue 19: match keys


def add_match_keys(household: Household, name: str, commune_key: str) -> None:
    """Keep every keyed reading of the household's name (with birth year and commune) and
    its phone with one digit masked."""
    keys = [("name", t) for t in name_tokens(name, household.birth_year, commune_key)]
    if household.phone:
        keys += [("phone_near", t) for t in phone_near_tokens(household.phone)]
    db.session.execute(
        insert(MatchKey),
        [
            {
                "household_id": household.id,
                "association_id": household.association_id,
                "kind": kind,
                "token": token,
            }
            for kind, token in keys
        ],
    )


def key_matches(household: Household) -> dict[int, dict[str, Any]]:
    """The other households of the association sharing a match key with this one (an
    indexed lookup on association and token): for each, the kinds shared and its phone and
    national ID tokens."""
    mine = select(MatchKey.token).where(MatchKey.household_id == household.id)
    rows = db.session.execute(
        select(
            MatchKey.household_id,
            MatchKey.kind,
            Household.phone_token,
            Household.national_id_token,
        )
        .join(Household, Household.id == MatchKey.household_id)
        .where(
            MatchKey.association_id == household.association_id,
            MatchKey.token.in_(mine),
            MatchKey.household_id != household.id,
            Household.status != "duplicate",
        )
        .distinct()
    ).all()
    found: dict[int, dict[str, Any]] = {}
    for other_id, kind, phone, national_id in rows:
        entry = found.setdefault(other_id, {"kinds": set(), "phone": phone, "nid": national_id})
        entry["kinds"].add(kind)
    return found


def _other_person(household: Household, theirs: dict[str, Any]) -> bool:
    """Two households whose names match are two people when both recorded a national ID and
    the IDs differ (an ID belongs to one person), or both a phone and the numbers differ by
    more than one digit (not a typo)."""
    if household.national_id_token and theirs["nid"] not in (None, household.national_id_token):
        return True
    return bool(household.phone_token and theirs["phone"] and "phone_near" not in theirs["kinds"])


#: the purpose written in the access log by the match keys' backfill
BACKFILL_PURPOSE = "match keys backfill (duplicate check)"


def backfill_match_keys(after_id: int = 0, batch: int = 500) -> tuple[int, int]:
    """Fill the match keys of up to ``batch`` households (ids above ``after_id``) that have
    none: those registered before the keys existed (migration 0030). Each name and phone is
    read through :func:`app.privacy.read_personal` (logged, face ``cli``). Returns how many
    got keys and the last id looked at (0 when none was left)."""
    keyed = select(MatchKey.id).where(MatchKey.household_id == Household.id).exists()
    rows = list(
        db.session.scalars(
            select(Household)
            .where(Household.id > after_id, Household.head_name.is_not(None), ~keyed)
            .order_by(Household.id)
            .limit(batch)
        )
    )
    filled = 0
    for household in rows:
        values = read_personal(
            None, household, ("head_name", "phone"), BACKFILL_PURPOSE, face="cli"
        )
        if not values.get("head_name"):
            continue
        try:
            add_match_keys(household, values["head_name"], commune_key(household.commune))
        except ValueError:  # a name without letters: no reading to keep
            continue
        filled += 1
    db.session.flush()
    return filled, rows[-1].id if rows else 0
