"""The stock ledger: append-only, on-hand is the sum, never below zero, audits freeze."""

from __future__ import annotations

import random
import threading

import pytest
from sqlalchemy import func, select

from aid import services
from aid.models import StockMovement
from app.api import ApiError
from app.db import db
from directory import get_association


def _post(api, aid, **body):
    return api(aid.coordinator).post(f"/api/v1/associations/{aid.a}/stock-movements", json=body)


def _stock(api, aid):
    lines = api(aid.coordinator).get(f"/api/v1/associations/{aid.a}/stock").get_json()["items"]
    return {(line["item"], line["location"]): line["on_hand"] for line in lines}


BASKET = {"item_name": "Panier Ramadan", "location_name": "Local"}


def test_on_hand_is_the_sum_and_going_below_zero_is_refused(api, aid):
    assert _post(api, aid, kind="donation_in", quantity=10, **BASKET).status_code == 201
    assert _post(api, aid, kind="distribution_out", quantity=4, **BASKET).status_code == 201
    assert _stock(api, aid) == {("Panier Ramadan", "Local"): 6}
    refused = _post(api, aid, kind="distribution_out", quantity=7, **BASKET)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "insufficient_stock"
    negative = _post(api, aid, kind="adjustment", quantity=-7, **BASKET)
    assert negative.status_code == 409
    assert _stock(api, aid) == {("Panier Ramadan", "Local"): 6}
    assert db.session.scalar(select(func.count(StockMovement.id))) == 2


def test_a_transfer_moves_both_sides_or_nothing(api, aid):
    _post(api, aid, kind="purchase", quantity=5, **BASKET)
    _post(api, aid, kind="purchase", quantity=1, item_name="Panier Ramadan", location_name="Douar")
    stock = api(aid.coordinator).get(f"/api/v1/associations/{aid.a}/stock").get_json()["items"]
    ids = {line["location"]: line["location_id"] for line in stock}
    too_much = _post(
        api,
        aid,
        kind="transfer",
        quantity=9,
        item_id=stock[0]["item_id"],
        location_id=ids["Local"],
        to_location_id=ids["Douar"],
    )
    assert too_much.status_code == 409
    moved = _post(
        api,
        aid,
        kind="transfer",
        quantity=3,
        item_id=stock[0]["item_id"],
        location_id=ids["Local"],
        to_location_id=ids["Douar"],
    )
    assert moved.status_code == 201
    assert _stock(api, aid) == {("Panier Ramadan", "Local"): 2, ("Panier Ramadan", "Douar"): 4}


def test_an_audit_adjusts_to_the_count_and_freezes_earlier_lines(api, aid):
    _post(api, aid, kind="donation_in", quantity=10, **BASKET)
    counted = _post(api, aid, kind="audit", quantity=8, **BASKET)
    assert counted.status_code == 201
    assert [m["quantity"] for m in counted.get_json()["items"]] == [-2]
    assert _stock(api, aid) == {("Panier Ramadan", "Local"): 8}
    db.session.expire_all()
    frozen = db.session.scalars(select(StockMovement.frozen).order_by(StockMovement.id)).all()
    assert frozen == [True, False]


def test_other_associations_cannot_read_or_write_the_ledger(api, aid):
    for who in (aid.other_coordinator, aid.member, aid.outsider):
        client = api(who)
        assert client.get(f"/api/v1/associations/{aid.a}/stock").status_code == 404
        write = client.post(
            f"/api/v1/associations/{aid.a}/stock-movements",
            json={"kind": "donation_in", "quantity": 1, **BASKET},
        )
        assert write.status_code == 404
    assert db.session.scalar(select(func.count(StockMovement.id))) == 0


def test_random_operations_keep_on_hand_equal_to_the_sum_and_never_negative(app, aid):
    rng = random.Random(19)
    association = get_association(aid.a)
    places = ["Local", "Douar", "Camion"]
    expected = dict.fromkeys(places, 0)
    refused: list[str] = []
    for _ in range(300):
        kind = rng.choice(["donation_in", "purchase", "distribution_out", "adjustment", "audit"])
        place = rng.choice(places)
        qty = rng.randint(1, 20)
        if kind == "adjustment":
            qty = rng.choice([-1, 1]) * qty
        if kind == "audit":
            qty = rng.randint(0, 30)
        data = {"kind": kind, "quantity": qty, "item_name": "Couverture", "location_name": place}
        try:
            services.record_movement(aid.coordinator, association, data)
            db.session.commit()
        except ApiError as error:
            db.session.rollback()
            refused.append(error.error_code)
            continue
        if kind == "audit":
            expected[place] = qty
        elif kind in ("donation_in", "purchase"):
            expected[place] += qty
        elif kind == "distribution_out":
            expected[place] -= qty
        else:
            expected[place] += qty
        assert expected[place] >= 0
    got = {line["location"]: line["on_hand"] for line in services.stock_lines(aid.a)}
    assert {p: expected[p] for p in got} == got
    assert all(v >= 0 for v in got.values())
    assert refused and set(refused) == {"insufficient_stock"}


@pytest.mark.parametrize("threads", [6])
def test_concurrent_withdrawals_never_take_the_stock_below_zero(app, api, aid, threads):
    assert _post(api, aid, kind="donation_in", quantity=3, **BASKET).status_code == 201
    barrier = threading.Barrier(threads)
    codes: list[int] = []
    client = api(aid.coordinator)

    def take() -> None:
        barrier.wait()
        response = client.post(
            f"/api/v1/associations/{aid.a}/stock-movements",
            json={"kind": "distribution_out", "quantity": 1, **BASKET},
        )
        codes.append(response.status_code)

    workers = [threading.Thread(target=take) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert sorted(codes) == [201] * 3 + [409] * (threads - 3)
    assert _stock(api, aid) == {("Panier Ramadan", "Local"): 0}
