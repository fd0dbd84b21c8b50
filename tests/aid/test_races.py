"""Two collections at once, on SQLite and PostgreSQL (``TEST_DATABASE_URL``), each request in
its own thread and database session: the last unit of stock goes to exactly one household
and the ledger never goes below zero; a household collecting at two distributions of the
same category at once (a 30-day limit) gets exactly one."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import func, select

from aid.models import Entitlement, StockMovement
from app.db import db
from tests.aid.test_cards import _issue, _line
from tests.aid.test_kits import START, _plan


def _at_once(calls):
    barrier = threading.Barrier(len(calls))
    answers: list = [None] * len(calls)

    def run(n, call) -> None:
        barrier.wait()
        answers[n] = call()

    threads = [threading.Thread(target=run, args=(n, c)) for n, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def _card_collect(client, distribution_id, card):
    return lambda: client.post(
        f"/api/v1/distributions/{distribution_id}/card-collections",
        json={"token": card["token"], "pin": card["pin"]},
    )


def test_the_last_unit_goes_to_exactly_one_of_two_collections(api, aid, verified):
    coordinator = api(aid.coordinator)
    households = [
        verified(head_name=n, phone=p)
        for n, p in (("Aicha Idrissi", "0661000001"), ("Omar Tazi", "0661000002"))
    ]
    cards = [_issue(coordinator, h["id"]) for h in households]
    distribution = _plan(coordinator, aid)
    moved = _line(coordinator, aid, distribution, quantity=1, stock=1)
    clients = [api(aid.coordinator), api(aid.admin)]
    answers = _at_once(
        [_card_collect(c, distribution["id"], card) for c, card in zip(clients, cards, strict=True)]
    )
    codes = sorted(a.status_code for a in answers)
    assert codes == [200, 409], [a.get_json() for a in answers]
    refused = next(a for a in answers if a.status_code == 409)
    assert refused.get_json()["error"]["code"] == "insufficient_stock"
    db.session.expire_all()
    on_hand = db.session.scalar(
        select(func.sum(StockMovement.quantity)).where(StockMovement.item_id == moved["item_id"])
    )
    assert on_hand == 0
    assert (
        db.session.scalar(
            select(func.count(Entitlement.id)).where(Entitlement.status == "collected")
        )
        == 1
    )


def test_two_collections_of_one_household_within_the_limit_one_succeeds(api, aid, verified):
    coordinator = api(aid.coordinator)
    limit = coordinator.put(
        f"/api/v1/associations/{aid.a}/frequency-limits/food_basket", json={"min_days": 30}
    )
    assert limit.status_code == 200, limit.get_json()
    household = verified()
    card = _issue(coordinator, household["id"])
    first = _plan(coordinator, aid, title="Panier Taroudant")
    second = _plan(coordinator, aid, starts=START + dt.timedelta(days=3), title="Panier Ait Iazza")
    for distribution in (first, second):
        _line(coordinator, aid, distribution, quantity=1, stock=2)
    answers = _at_once(
        [
            _card_collect(api(aid.coordinator), first["id"], card),
            _card_collect(api(aid.admin), second["id"], card),
        ]
    )
    codes = sorted(a.status_code for a in answers)
    assert codes == [200, 409], [a.get_json() for a in answers]
    assert (
        next(a for a in answers if a.status_code == 409).get_json()["error"]["code"] == "too_soon"
    )
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Entitlement.id))) == 1
    out = db.session.scalar(
        select(func.count(StockMovement.id)).where(StockMovement.kind == "distribution_out")
    )
    assert out == 1
