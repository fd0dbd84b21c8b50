"""The ledger under 10,000 random operations (gifts, purchases, withdrawals, adjustments,
transfers, audits over three items and four places): on-hand equals the sum of the movements
for every item and place, equals a model kept beside it, and is never below zero."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest
from sqlalchemy import func, select

from aid import services
from aid.models import StockMovement
from app.api import ApiError
from app.db import db
from directory import get_association
from tests.conftest import TEST_DATABASE_URL

pytestmark = pytest.mark.skipif(
    bool(TEST_DATABASE_URL),
    reason="10,000 operations once, in the SQLite pass (126 s more on PostgreSQL); "
    "the 300-operation property runs on both",
)


OPERATIONS = 10_000
ITEMS = ["Couverture", "Panier", "Tente"]
PLACES = ["Local", "Douar", "Camion", "Mosquée"]
KINDS = ["donation_in", "purchase", "distribution_out", "adjustment", "audit", "transfer"]


def test_ten_thousand_random_operations_keep_on_hand_equal_to_the_sum_everywhere(app, aid):
    rng = random.Random(1919)
    association = get_association(aid.a)
    expected: dict[tuple[str, str], int] = defaultdict(int)
    refused: list[str] = []
    for n in range(OPERATIONS):
        kind = rng.choices(KINDS, weights=[4, 2, 4, 2, 1, 2])[0]
        item, place = rng.choice(ITEMS), rng.choice(PLACES)
        qty = rng.randint(1, 25)
        data: dict[str, object] = {"kind": kind, "item_name": item, "location_name": place}
        if kind == "adjustment":
            qty = rng.choice([-1, 1]) * qty
        elif kind == "audit":
            qty = rng.randint(0, 40)
        elif kind == "transfer":
            to = rng.choice([p for p in PLACES if p != place])
            ids = {line["location"]: line["location_id"] for line in services.stock_lines(aid.a)}
            if place not in ids or to not in ids:
                continue  # a transfer goes between places the ledger already knows
            data = {
                "kind": kind,
                "item_name": item,
                "location_id": ids[place],
                "to_location_id": ids[to],
            }
        data["quantity"] = qty
        try:
            services.record_movement(aid.coordinator, association, data)
            db.session.commit()
        except ApiError as error:
            db.session.rollback()
            refused.append(error.error_code)
            continue
        if kind == "audit":
            expected[(item, place)] = qty
        elif kind in ("donation_in", "purchase", "adjustment"):
            expected[(item, place)] += qty
        elif kind == "distribution_out":
            expected[(item, place)] -= qty
        else:
            expected[(item, place)] -= qty
            expected[(item, to)] += qty
        assert expected[(item, place)] >= 0
        if n % 2000 == 1999:  # on the way too, not only at the end
            got = {
                (li["item"], li["location"]): li["on_hand"] for li in services.stock_lines(aid.a)
            }
            assert got == {k: v for k, v in expected.items() if k in got}
    got = {(li["item"], li["location"]): li["on_hand"] for li in services.stock_lines(aid.a)}
    assert got == {k: v for k, v in expected.items() if k in got}
    assert set(expected) - set(got) == {k for k, v in expected.items() if v == 0 and k not in got}
    assert all(v >= 0 for v in got.values())
    sums = db.session.execute(
        select(
            StockMovement.item_id, StockMovement.location_id, func.sum(StockMovement.quantity)
        ).group_by(StockMovement.item_id, StockMovement.location_id)
    ).all()
    assert sorted(int(s) for _i, _l, s in sums) == sorted(got.values())
    assert refused and set(refused) == {"insufficient_stock"}
