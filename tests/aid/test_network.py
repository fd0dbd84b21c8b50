"""The check across associations: opt-in on both sides, tokens only, one category and one
month as the answer, 60 calls an hour per association, only inside a flow."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text

from aid import services
from aid.models import NetworkCheck, ServedFact
from app.db import db
from tests.aid.conftest import household_body

START = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).replace(microsecond=0)


def _join(api, who, association):
    response = api(who).put(f"/api/v1/associations/{association}/network", json={"opt_in": True})
    assert response.status_code == 200 and response.get_json() == {"opt_in": True}


def _serve_in_b(api, aid):
    """B registers, verifies and hands a food basket to the household (served in B)."""
    b = api(aid.other_coordinator)
    made = b.post(
        f"/api/v1/associations/{aid.b}/households",
        json=household_body(aid.province, head_name="فاطمة الزهراء بناني"),
    ).get_json()
    # B has one coordinator: an assisted registration may be verified by its registrar
    assert (
        b.post(f"/api/v1/households/{made['id']}/verify", json={"method": "home_visit"}).status_code
        == 200
    )
    dist = b.post(
        f"/api/v1/associations/{aid.b}/distributions",
        json={
            "title": "Ramadan",
            "place_kind": "premises",
            "place": "Siège",
            "starts_at": START.isoformat(),
        },
    ).get_json()
    given = b.post(
        f"/api/v1/distributions/{dist['id']}/entitlements", json={"household_id": made["id"]}
    )
    code = given.get_json()["code"]
    entitlement = given.get_json()["id"]
    assert (
        b.post(f"/api/v1/entitlements/{entitlement}/collect", json={"proof": code}).status_code
        == 200
    )


def test_only_category_and_month_come_back_between_opted_in_associations(api, aid):
    _join(api, aid.other_coordinator, aid.b)
    _serve_in_b(api, aid)
    # A has not opted in: it learns nothing
    first = api(aid.coordinator).post(
        f"/api/v1/associations/{aid.a}/households",
        json=household_body(aid.province, phone="0612345678"),
    )
    assert first.get_json()["network_check"] == {"status": "not_opted_in"}
    _join(api, aid.coordinator, aid.a)
    # same phone written another way, the name in Latin letters
    second = api(aid.coordinator).post(
        f"/api/v1/associations/{aid.a}/households",
        json=household_body(aid.province, head_name="Autre Nom", phone="+212 612 345 678"),
    )
    check = second.get_json()["network_check"]
    assert check["status"] == "served"
    assert set(check) == {"status", "category", "month", "message"}
    assert check["category"] == "food_basket"
    assert check["month"] == dt.datetime.now(dt.UTC).strftime("%Y-%m")
    assert "Bennani" not in str(check) and "النور" not in check["message"]


def test_the_name_skeleton_matches_across_scripts_without_phone(api, aid):
    _join(api, aid.other_coordinator, aid.b)
    _join(api, aid.coordinator, aid.a)
    _serve_in_b(api, aid)
    made = api(aid.coordinator).post(
        f"/api/v1/associations/{aid.a}/households",
        json=household_body(aid.province, head_name="Fatima Zahra Bennani", phone=None),
    )
    assert made.get_json()["network_check"]["status"] == "served"


def test_an_association_that_left_answers_nothing(api, aid):
    _join(api, aid.other_coordinator, aid.b)
    _join(api, aid.coordinator, aid.a)
    _serve_in_b(api, aid)
    left = api(aid.other_coordinator).put(
        f"/api/v1/associations/{aid.b}/network", json={"opt_in": False}
    )
    assert left.get_json() == {"opt_in": False}
    made = api(aid.coordinator).post(
        f"/api/v1/associations/{aid.a}/households", json=household_body(aid.province)
    )
    assert made.get_json()["network_check"]["status"] == "none"


def test_the_61st_check_in_an_hour_is_refused(app, aid):
    services.set_network(aid.coordinator, _assoc(aid.a), True)
    db.session.commit()
    household = services.register_household(aid.coordinator, _assoc(aid.a), _data(aid), "assisted")
    db.session.commit()
    answers = [
        services.network_check(aid.coordinator, household, "registration")["status"]
        for _ in range(61)
    ]
    db.session.commit()
    assert answers[:60] == ["none"] * 60
    assert answers[60] == "limit_reached"
    outcomes = db.session.scalars(select(NetworkCheck.outcome).order_by(NetworkCheck.id)).all()
    assert outcomes.count("refused") == 1 and len(outcomes) == 61
    # another association still has its own hour
    services.set_network(aid.other_coordinator, _assoc(aid.b), True)
    other = services.register_household(
        aid.other_coordinator, _assoc(aid.b), _data(aid), "assisted"
    )
    assert services.network_check(aid.other_coordinator, other, "registration")["status"] == "none"


def test_a_call_outside_a_flow_is_refused(app, aid):
    household = services.register_household(aid.coordinator, _assoc(aid.a), _data(aid), "assisted")
    with pytest.raises(ValueError, match="inside a flow"):
        services.network_check(aid.coordinator, household, "lookup")
    assert db.session.scalar(select(func.count(NetworkCheck.id))) == 0


def test_served_facts_hold_tokens_only(api, aid):
    _join(api, aid.other_coordinator, aid.b)
    _serve_in_b(api, aid)
    db.session.commit()
    raw = db.session.execute(text("SELECT * FROM aid_served_facts")).all()
    assert len(raw) == 1
    dump = str(raw)
    assert "Bennani" not in dump and "0612345678" not in dump and "612345678" not in dump
    assert not hasattr(ServedFact, "household_id")


def test_others_cannot_change_an_associations_participation(api, aid):
    for who in (aid.member, aid.outsider, aid.other_coordinator):
        response = api(who).put(f"/api/v1/associations/{aid.a}/network", json={"opt_in": True})
        assert response.status_code == 404
    assert not services.opted_in(aid.a)


def _assoc(association_id):
    from directory import get_association

    return get_association(association_id)


def _data(aid):
    from aid.schemas import HouseholdInSchema

    return HouseholdInSchema().load(household_body(aid.province))
