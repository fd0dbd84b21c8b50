"""A small living demo of aid: in Fatima's association (Taroudant) and Youssef's (Casablanca),
a few verified households and one waiting for verification, a stock location with its
ledger, and a Ramadan basket distribution with its slots. Invented people; no national ID."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from aid import services
from aid.models import Household
from app.db import db, transaction, utcnow
from app.demo import demo_user
from directory import Association

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
                    "purposes": ["aid_delivery", "contact"],
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
