"""A small living demo of aid: in Fatima's association (Taroudant) and Youssef's (Casablanca),
a few verified households and one waiting for verification, a stock location with its
ledger, and a Ramadan basket distribution with its slots. Invented people; no national ID."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select, update

from aid import cards, deliveries, grievances, kits, services
from aid.models import Card, Entitlement, Household, Kit, StockMovement
from app.db import db, transaction, utcnow
from app.demo import demo_user
from directory import Association, Province

#: association slug -> (coordinator username, commune, [(name, phone, size, needs)])
DEMO: dict[str, tuple[str, str, list[tuple[str, str, int, list[dict[str, Any]]]]]] = {
    "amal-taroudant": (
        "fatima",
        "Taroudant",
        [
            ("حليمة أيت باها", "0600000101", 5, [{"code": "food_basket"}]),
            ("Mbarek Oubella", "0600000102", 3, [{"code": "blanket", "quantity": 3}]),
            ("رقية الحسيني", "0600000103", 6, [{"code": "school_device"}]),
            ("Zahra Ait Lahcen", "0600000104", 2, [{"code": "clothing", "size": "child_5_8"}]),
        ],
    ),
    "alpha-casa": (
        "youssef",
        "Hay Mohammadi",
        [
            ("Khadija Bennani", "0600000201", 4, [{"code": "food_basket"}]),
            ("عبد الله الزياني", "0600000202", 7, [{"code": "rent"}]),
            ("Naima Chraibi", "0600000203", 3, [{"code": "hygiene_kit"}]),
        ],
    ),
}


def load_demo_aid() -> None:
    """Households, stock and a distribution per demo association (run again: no-op)."""
    if db.session.scalar(select(func.count(Household.id))):
        return
    for slug, (username, commune, people) in DEMO.items():
        association = db.session.scalar(select(Association).where(Association.slug == slug))
        if association is None:
            continue
        with transaction():
            _load(association, demo_user(username), commune, people)


def _load(
    association: Association,
    coordinator: Any,
    commune: str,
    people: list[tuple[str, str, int, list[dict[str, Any]]]],
) -> None:
    made = []
    for index, (name, phone, size, needs) in enumerate(people):
        row = services.register_household(
            coordinator,
            association,
            {
                "head_name": name,
                "phone": phone,
                "address": f"Derb {index + 1}, {commune}",
                "birth_year": 1960 + index * 7,
                "province_id": association.province_id,
                "commune": commune,
                "douar": "",
                "size": size,
                "composition": {"age_18_59": min(2, size), "age_5_17": max(0, size - 2)},
                "vulnerabilities": ["widow_head"] if index % 2 == 0 else ["no_income"],
                "registry_status": "registered" if index % 2 else "unknown",
                "consent": {
                    "mode": "paper",
                    "purposes": ["aid_delivery", "contact", "statistics"],
                    "language": "ar",
                },
                "needs": needs,
            },
            "assisted",
        )
        made.append(row)
    for row in made[:-1]:  # the last one waits for a home visit
        services.verify(coordinator, row, "home_visit")
    basket = {"item_name": "Panier Ramadan / قفة رمضان", "item_category": "food_basket"}
    store = {"location_name": "Local de l'association / مقر الجمعية"}
    services.record_movement(
        coordinator, association, {"kind": "donation_in", "quantity": 120, **basket, **store}
    )
    services.record_movement(
        coordinator, association, {"kind": "purchase", "quantity": 30, **basket, **store}
    )
    services.record_movement(
        coordinator, association, {"kind": "distribution_out", "quantity": 12, **basket, **store}
    )
    start = (utcnow() + dt.timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)
    distribution = services.schedule(
        coordinator,
        association,
        {
            "title": "Ramadan 1448 — قفة رمضان",
            "category": "food_basket",
            "place_kind": "premises",
            "place": store["location_name"],
            "starts_at": start,
            "slots": 4,
            "slot_minutes": 15,
            "slot_capacity": 50,
        },
    )
    for row in made[:-1]:
        services.entitle(coordinator, distribution, row.id)


# ------------------------------------------------------------------ the board, kits, reports,
# grievances (a second loader, after the one above)

#: (province code, commune, douar, how many households, their needs)
BOARD: list[tuple[str, str, str, int, list[dict[str, Any]]]] = [
    ("taroudant", "Taroudant", "Ait Iazza", 5, [{"code": "food_basket"}]),
    ("taroudant", "Taroudant", "Tazmourt", 3, [{"code": "blanket", "quantity": 2}]),
    ("taroudant", "Igherm", "Imi n'Tala", 2, [{"code": "food_basket"}]),
    ("azilal", "Ait Bouguemez", "Tabant", 4, [{"code": "food_basket"}, {"code": "blanket"}]),
    ("azilal", "Ait Bouguemez", "Agouti", 3, [{"code": "school_supplies"}]),
    ("azilal", "Tabant", "Ait Imi", 3, [{"code": "heating"}, {"code": "food_basket"}]),
]
FIRST_NAMES = ("Itto", "Fadma", "Hmad", "Aicha", "Lahcen", "Mina", "Brahim", "Tuda", "Said")


def load_demo_aid_board() -> None:
    """In Fatima's association (Taroudant, also serving Azilal douars): a Ramadan kit, a
    30-day limit on food baskets, verified households in Taroudant and Azilal douars, three
    past monthly distributions of the kit (collected: the ledger and the reports show them)
    and one to come, a grievance answered and one open (run again: no-op)."""
    if db.session.scalar(select(func.count(Kit.id))):
        return
    association = db.session.scalar(select(Association).where(Association.slug == "amal-taroudant"))
    if association is None:
        return
    fatima = demo_user("fatima")
    provinces = {p.code: p.id for p in db.session.scalars(select(Province))}
    with transaction():
        store = {"location_name": "Local de l'association / مقر الجمعية"}
        ids = {}
        for name, qty in (
            ("Farine 10 kg / دقيق", 120),
            ("Huile 5 L / زيت", 120),
            ("Sucre 2 kg / سكر", 120),
            ("Thé 500 g / أتاي", 120),
        ):
            made = services.record_movement(
                fatima,
                association,
                {
                    "kind": "donation_in",
                    "quantity": qty,
                    "item_name": name,
                    "item_category": "food_basket",
                    **store,
                },
            )
            ids[name] = (made[0].item_id, made[0].location_id)
        location = next(iter(ids.values()))[1]
        kit = kits.create_kit(
            fatima,
            association,
            {
                "name": "Panier Ramadan (kit) / قفة رمضان",
                "category": "food_basket",
                "components": [{"item_id": item, "quantity": 1} for item, _loc in ids.values()],
            },
        )
        kits.set_limit(fatima, association, "food_basket", 30)
        households = []
        n = 0
        for code, commune, douar, count, needs in BOARD:
            for _ in range(count):
                n += 1
                row = services.register_household(
                    fatima,
                    association,
                    {
                        "head_name": f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {douar} {n}",
                        "birth_year": 1950 + n,
                        "province_id": provinces.get(code, association.province_id),
                        "commune": commune,
                        "douar": douar,
                        "size": 3 + n % 5,
                        "consent": {
                            "mode": "witnessed_verbal",
                            "purposes": ["aid_delivery", "statistics"],
                            "language": "amazigh",
                        },
                        "needs": needs,
                    },
                    "assisted",
                )
                services.verify(fatima, row, "home_visit")
                households.append((row, douar))
        baskets = [h for h, douar in households if douar in ("Ait Iazza", "Tabant")]
        now = utcnow()
        for months_ago in (3, 2, 1):
            when = (now - dt.timedelta(days=31 * months_ago)).replace(
                hour=9, minute=0, second=0, microsecond=0
            )
            distribution = services.schedule(
                fatima,
                association,
                {
                    "title": f"Panier du mois / قفة الشهر ({when:%Y-%m})",
                    "category": "food_basket",
                    "place_kind": "premises",
                    "place": store["location_name"],
                    "starts_at": when,
                    "slots": 2,
                },
            )
            kits.add_line(
                fatima, distribution, {"kit_id": kit.id, "quantity": 1, "location_id": location}
            )
            for row in baskets[: 3 + months_ago]:
                entitlement, code = kits.entitle(fatima, distribution, row.id)
                kits.collect(fatima, entitlement, code, None)
                entitlement.collected_at = when
            db.session.flush()
            _backdate(distribution.id, when)
        # one to come, in Tabant: part of the board's need is already planned
        coming = services.schedule(
            fatima,
            association,
            {
                "title": "Couvertures d'hiver / أغطية الشتاء",
                "category": "blanket",
                "place_kind": "premises",
                "place": store["location_name"],
                "starts_at": (now + dt.timedelta(days=10)).replace(
                    hour=9, minute=0, second=0, microsecond=0
                ),
                "slots": 2,
            },
        )
        for row, douar in households:
            if douar == "Tabant":
                kits.entitle(fatima, coming, row.id)
                break
        hassan = demo_user("hassan")
        answered = grievances.file(
            hassan,
            association,
            {
                "kind": "quality",
                "body": "L'huile du panier de ce mois était périmée. / الزيت كان منتهي الصلاحية.",
            },
        )
        grievances.answer(
            fatima,
            answered,
            "Merci : le lot a été retiré et remplacé samedi au local. "
            "/ شكرًا، تم سحب الدفعة وتعويضها يوم السبت.",
        )
        grievances.file(
            demo_user("salma"),
            association,
            {
                "kind": "exclusion",
                "body": "Notre douar Imi n'Tala n'a pas été appelé à la distribution.",
                "contact": "0600000301",
            },
        )


def _backdate(distribution_id: int, when: dt.datetime) -> None:
    """Demo history: a past distribution's ledger lines dated on its day."""
    ids = select(Entitlement.id).where(Entitlement.distribution_id == distribution_id)
    db.session.execute(
        update(StockMovement)
        .where(StockMovement.entitlement_id.in_(ids))
        .values(created_at=when)
        .execution_options(synchronize_session=False)
    )


# ------------------------------------------------------------------ cards, a proxy, home
# delivery (a third loader)


def load_demo_aid_field() -> None:
    """In Fatima's association: cards issued to the verified households, a winter blanket
    distribution today with one collection by a witnessed proxy, one home delivery done by
    Hassan this morning (a witness: Fatima) and one scheduled for tomorrow (run again:
    no-op)."""
    if db.session.scalar(select(func.count(Card.id))):
        return
    association = db.session.scalar(select(Association).where(Association.slug == "amal-taroudant"))
    if association is None:
        return
    with transaction():
        fatima, hassan = demo_user("fatima"), demo_user("hassan")
        households = list(
            db.session.scalars(
                select(Household)
                .where(Household.association_id == association.id, Household.status == "verified")
                .order_by(Household.id)
                .limit(6)
            )
        )
        if len(households) < 3:
            return
        issued = {h.id: cards.issue_card(fatima, h) for h in households}
        households[0].vulnerabilities = ["elderly_alone"]
        households[1].vulnerabilities = ["disability", "no_income"]
        db.session.flush()
        moved = services.record_movement(
            fatima,
            association,
            {
                "kind": "donation_in",
                "quantity": 40,
                "item_name": "Couverture / غطاء",
                "item_category": "blanket",
                "location_name": "Local de l'association / مقر الجمعية",
                "note": "Don de la Fondation Atlas / هبة مؤسسة الأطلس",
            },
        )[0]
        today = utcnow().replace(hour=8, minute=0, second=0, microsecond=0)
        winter = services.schedule(
            fatima,
            association,
            {
                "title": "Couvertures, 2e tournée — أغطية الشتاء، الدفعة الثانية",
                "category": "blanket",
                "place_kind": "premises",
                "place": "Local de l'association / مقر الجمعية",
                "starts_at": today,
                "slots": 4,
            },
        )
        kits.add_line(
            fatima,
            winter,
            {"item_id": moved.item_id, "quantity": 2, "location_id": moved.location_id},
        )
        # the third household's son collects for his mother, Hassan witnessing
        _card, token, pin = issued[households[2].id]
        cards.collect_with_card(
            fatima,
            winter,
            token,
            pin,
            {"name": "Yassine Ait Lahcen", "relation": "child", "witness_id": hassan.id},
        )
        done, _code = deliveries.create_delivery(
            fatima,
            winter,
            {
                "household_id": households[0].id,
                "assignee_id": hassan.id,
                "scheduled_at": utcnow() - dt.timedelta(hours=2),
                "note": "Route de la souika, après la mosquée",
            },
        )
        deliveries.deliver(hassan, done, {"proof": "witness", "witness_id": fatima.id})
        deliveries.create_delivery(
            fatima,
            winter,
            {
                "household_id": households[1].id,
                "assignee_id": hassan.id,
                "scheduled_at": (utcnow() + dt.timedelta(days=1)).replace(
                    hour=10, minute=0, second=0, microsecond=0
                ),
            },
        )
