"""Kits, what a distribution gives, the ledger written at collection (or nothing at all) and
per-category frequency limits."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from aid.models import Entitlement, StockMovement
from app.db import db

START = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).replace(microsecond=0)

EN = {"Accept-Language": "en"}


def _move(client, aid, **body):
    response = client.post(f"/api/v1/associations/{aid.a}/stock-movements", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["items"][0]


def _stock(client, aid):
    lines = client.get(f"/api/v1/associations/{aid.a}/stock").get_json()["items"]
    return {line["item"]: line["on_hand"] for line in lines}


def _plan(client, aid, starts=START, **changes):
    body = {
        "title": "Ramadan 1448",
        "place_kind": "premises",
        "place": "Local",
        "starts_at": starts.isoformat(),
        "slots": 1,
        **changes,
    }
    response = client.post(f"/api/v1/associations/{aid.a}/distributions", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _basket(client, aid, flour=20, oil=10):
    """A Ramadan basket (10 kg flour, 5 L oil) and the stock of its items at the Local."""
    f = _move(
        client,
        aid,
        kind="donation_in",
        quantity=flour,
        item_name="Farine (kg)",
        location_name="Local",
    )
    o = _move(
        client,
        aid,
        kind="donation_in",
        quantity=oil,
        item_name="Huile (L)",
        location_id=f["location_id"],
    )
    kit = client.post(
        f"/api/v1/associations/{aid.a}/kits",
        json={
            "name": "Panier Ramadan",
            "components": [
                {"item_id": f["item_id"], "quantity": 10},
                {"item_id": o["item_id"], "quantity": 5},
            ],
        },
    )
    assert kit.status_code == 201, kit.get_json()
    return kit.get_json(), f["location_id"]


def _give(client, distribution, household):
    given = client.post(
        f"/api/v1/distributions/{distribution['id']}/entitlements",
        json={"household_id": household["id"]},
    )
    return given


def test_a_collection_takes_the_kit_out_of_the_ledger_one_line_per_item(api, aid, verified):
    client = api(aid.coordinator)
    kit, location = _basket(client, aid)
    assert [c["quantity"] for c in kit["components"]] == [10, 5]
    distribution = _plan(client, aid)
    line = client.post(
        f"/api/v1/distributions/{distribution['id']}/lines",
        json={"kit_id": kit["id"], "quantity": 1, "location_id": location},
    )
    assert line.status_code == 201, line.get_json()
    assert line.get_json()["name"] == "Panier Ramadan"
    given = _give(client, distribution, verified()).get_json()
    done = client.post(f"/api/v1/entitlements/{given['id']}/collect", json={"proof": given["code"]})
    assert done.status_code == 200, done.get_json()
    assert _stock(client, aid) == {"Farine (kg)": 10, "Huile (L)": 5}
    outs = db.session.scalars(
        select(StockMovement).where(StockMovement.kind == "distribution_out")
    ).all()
    assert sorted(m.quantity for m in outs) == [-10, -5]
    assert {m.entitlement_id for m in outs} == {given["id"]}
    # lines are fixed once households collected
    late = client.post(
        f"/api/v1/distributions/{distribution['id']}/lines",
        json={"kit_id": kit["id"], "quantity": 1, "location_id": location},
    )
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "collections_started"


def test_a_collection_that_would_go_below_zero_is_refused_and_writes_nothing(api, aid, verified):
    client = api(aid.coordinator)
    kit, location = _basket(client, aid, flour=15, oil=10)
    distribution = _plan(client, aid)
    client.post(
        f"/api/v1/distributions/{distribution['id']}/lines",
        json={"kit_id": kit["id"], "quantity": 1, "location_id": location},
    )
    first = _give(client, distribution, verified()).get_json()
    second = _give(client, distribution, verified(phone="0677777777", head_name="Aicha")).get_json()
    ok = client.post(f"/api/v1/entitlements/{first['id']}/collect", json={"proof": first["code"]})
    assert ok.status_code == 200
    refused = client.post(
        f"/api/v1/entitlements/{second['id']}/collect", json={"proof": second["code"]}
    )
    assert refused.status_code == 409
    body = refused.get_json()["error"]
    assert body["code"] == "insufficient_stock" and "Farine (kg)" in body["message"]
    db.session.expire_all()
    assert db.session.get(Entitlement, second["id"]).status == "issued"
    assert _stock(client, aid) == {"Farine (kg)": 5, "Huile (L)": 5}
    assert (
        db.session.scalar(
            select(func.count(StockMovement.id)).where(StockMovement.kind == "distribution_out")
        )
        == 2
    )


def test_kits_and_lines_only_with_the_association_s_own_items(api, aid):
    client = api(aid.coordinator)
    kit, location = _basket(client, aid)
    other = api(aid.other_coordinator)
    theirs = other.post(
        f"/api/v1/associations/{aid.b}/kits",
        json={
            "name": "Vol",
            "components": [{"item_id": kit["components"][0]["item_id"], "quantity": 1}],
        },
    )
    assert theirs.status_code == 422
    assert other.get(f"/api/v1/associations/{aid.a}/kits").status_code == 404
    assert (
        api(aid.member)
        .post(
            f"/api/v1/associations/{aid.a}/kits",
            json={
                "name": "X1",
                "components": [{"item_id": kit["components"][0]["item_id"], "quantity": 1}],
            },
        )
        .status_code
        == 404
    )
    twice = client.post(
        f"/api/v1/associations/{aid.a}/kits",
        json={
            "name": "Panier Ramadan",
            "components": [{"item_id": kit["components"][0]["item_id"], "quantity": 1}],
        },
    )
    assert twice.status_code == 422
    distribution = _plan(client, aid)
    neither = client.post(
        f"/api/v1/distributions/{distribution['id']}/lines", json={"location_id": location}
    )
    assert neither.status_code == 422
    assert client.get(f"/api/v1/distributions/{distribution['id']}/lines").get_json() == {
        "items": []
    }


def test_a_frequency_limit_refuses_a_second_basket_within_30_days(api, aid, verified):
    client = api(aid.coordinator)
    assert (
        api(aid.member)
        .put(f"/api/v1/associations/{aid.a}/frequency-limits/food_basket", json={"min_days": 30})
        .status_code
        == 404
    )
    assert (
        client.put(
            f"/api/v1/associations/{aid.a}/frequency-limits/nothing", json={"min_days": 30}
        ).status_code
        == 404
    )
    done = client.put(
        f"/api/v1/associations/{aid.a}/frequency-limits/food_basket", json={"min_days": 30}
    )
    assert done.status_code == 200 and done.get_json() == {
        "category": "food_basket",
        "min_days": 30,
    }
    household = verified()
    first = _plan(client, aid)
    assert _give(client, first, household).status_code == 201
    # the clock jumps 20 days: too soon
    soon = _plan(client, aid, starts=START + dt.timedelta(days=20), title="Aid al-Adha")
    refused = _give(client, soon, household)
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "too_soon"
    assert str(START.year) in error["message"] and "30" in error["message"]
    assert error["fields"]["household_id"]
    # another category is not limited
    blankets = _plan(client, aid, starts=START + dt.timedelta(days=20), category="blanket")
    assert _give(client, blankets, household).status_code == 201
    # 31 days later it is possible again
    later = _plan(client, aid, starts=START + dt.timedelta(days=31), title="Achoura")
    assert _give(client, later, household).status_code == 201
    assert db.session.scalar(select(func.count(Entitlement.id))) == 3
    # removing the limit lets the 20-day one through
    gone = client.delete(f"/api/v1/associations/{aid.a}/frequency-limits/food_basket")
    assert gone.status_code == 204
    assert client.get(f"/api/v1/associations/{aid.a}/frequency-limits").get_json() == {"items": []}
    assert _give(client, soon, household).status_code == 201


def test_the_pages_compose_a_kit_declare_it_and_set_a_limit(logged_in, api, aid):
    from tests.conftest import csrf_token

    client = api(aid.coordinator)
    flour = _move(
        client, aid, kind="donation_in", quantity=30, item_name="Farine (kg)", location_name="Local"
    )
    browser = logged_in(aid.coordinator)
    path = f"/aid/associations/{aid.a}/kits"
    token = csrf_token(browser, path)
    refused = browser.post(path, data={"csrf_token": token, "name": "Panier", "item_0": ""})
    assert refused.status_code == 422
    made = browser.post(
        path,
        data={
            "csrf_token": token,
            "name": "Panier hiver",
            "category": "food_basket",
            "item_0": str(flour["item_id"]),
            "qty_0": "10",
        },
    )
    assert made.status_code == 302
    page = browser.get(path).get_data(as_text=True)
    assert "Panier hiver" in page
    kit = client.get(f"/api/v1/associations/{aid.a}/kits").get_json()["items"][0]
    limit = browser.post(
        f"/aid/associations/{aid.a}/limits",
        data={"csrf_token": token, "category": "food_basket", "min_days": "30"},
    )
    assert limit.status_code == 302
    assert client.get(f"/api/v1/associations/{aid.a}/frequency-limits").get_json()["items"] == [
        {"category": "food_basket", "min_days": 30}
    ]
    distribution = _plan(client, aid)
    shown = browser.get(f"/aid/distributions/{distribution['id']}", headers=EN).get_data(
        as_text=True
    )
    assert "Panier hiver" in shown and "Nothing declared yet" in shown
    added = browser.post(
        f"/aid/distributions/{distribution['id']}/lines",
        data={
            "csrf_token": token,
            "what": f"kit:{kit['id']}",
            "quantity": "1",
            "location_id": str(flour["location_id"]),
        },
    )
    assert added.status_code == 302
    lines = client.get(f"/api/v1/distributions/{distribution['id']}/lines").get_json()["items"]
    assert [(x["name"], x["quantity"]) for x in lines] == [("Panier hiver", 1)]
