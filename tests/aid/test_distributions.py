"""Distributions: slots with capacity, one entitlement per household, a one-time code,
one collection, never more collections than a slot holds, authorisation for public sites."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import func, select

from aid.models import Entitlement, Slot
from app.db import db
from tests.aid.conftest import authorise

START = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).replace(microsecond=0)


def _plan(api, aid, **changes):
    body = {
        "title": "Ramadan 1448",
        "place_kind": "premises",
        "place": "Local de l'association",
        "starts_at": START.isoformat(),
        "slots": 2,
    }
    body.update(changes)
    return api(aid.coordinator).post(f"/api/v1/associations/{aid.a}/distributions", json=body)


def test_slots_default_to_50_every_15_minutes(api, aid):
    made = _plan(api, aid)
    assert made.status_code == 201, made.get_json()
    slots = made.get_json()["slots"]
    assert [s["capacity"] for s in slots] == [50, 50]
    first, second = (dt.datetime.fromisoformat(s["starts_at"]) for s in slots)
    assert second - first == dt.timedelta(minutes=15)


def test_a_public_site_needs_a_prior_distribution_authorisation(api, aid):
    refused = _plan(api, aid, place_kind="public_site", place="Place du marché")
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "authorization_required"
    assert db.session.scalar(select(func.count(Slot.id))) == 0
    authorise(api, aid.admin, aid.a, "distribution")
    assert _plan(api, aid, place_kind="public_site", place="Place du marché").status_code == 201


def test_entitlement_code_and_one_collection(api, aid, verified):
    household = verified()
    distribution = _plan(api, aid).get_json()
    client = api(aid.coordinator)
    given = client.post(
        f"/api/v1/distributions/{distribution['id']}/entitlements",
        json={"household_id": household["id"]},
    )
    assert given.status_code == 201, given.get_json()
    body = given.get_json()
    assert len(body["code"]) == 6 and body["code"] in body["message"]
    again = client.post(
        f"/api/v1/distributions/{distribution['id']}/entitlements",
        json={"household_id": household["id"]},
    )
    assert again.status_code == 409
    wrong = client.post(
        f"/api/v1/entitlements/{body['id']}/collect",
        json={"proof": "000000" if body["code"] != "000000" else "111111"},
    )
    assert wrong.status_code == 422
    ok = client.post(f"/api/v1/entitlements/{body['id']}/collect", json={"proof": body["code"]})
    assert ok.status_code == 200 and ok.get_json()["status"] == "collected"
    second = client.post(f"/api/v1/entitlements/{body['id']}/collect", json={"proof": body["code"]})
    assert second.status_code == 409
    assert second.get_json()["error"]["code"] == "already_collected"
    db.session.expire_all()
    assert db.session.scalar(select(func.sum(Slot.collected))) == 1


def test_a_pending_household_cannot_receive(api, aid, register):
    pending = register()
    distribution = _plan(api, aid).get_json()
    refused = api(aid.coordinator).post(
        f"/api/v1/distributions/{distribution['id']}/entitlements",
        json={"household_id": pending["id"]},
    )
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "not_verified"
    assert db.session.scalar(select(func.count(Entitlement.id))) == 0
    assert db.session.scalar(select(func.sum(Slot.assigned))) == 0


def test_another_association_cannot_use_the_distribution_or_its_households(api, aid, verified):
    household = verified()
    distribution = _plan(api, aid).get_json()
    outsider = api(aid.other_coordinator).post(
        f"/api/v1/distributions/{distribution['id']}/entitlements",
        json={"household_id": household["id"]},
    )
    assert outsider.status_code == 404
    # B's own distribution cannot take A's household
    b_dist = (
        api(aid.other_coordinator)
        .post(
            f"/api/v1/associations/{aid.b}/distributions",
            json={
                "title": "Hiver",
                "place_kind": "premises",
                "place": "Siège",
                "starts_at": START.isoformat(),
            },
        )
        .get_json()
    )
    crossed = api(aid.other_coordinator).post(
        f"/api/v1/distributions/{b_dist['id']}/entitlements", json={"household_id": household["id"]}
    )
    assert crossed.status_code == 422


def test_places_never_exceed_a_slot_under_concurrency(app, api, aid, verified):
    """Twelve households racing for 2 slots of 3 places: six get one, six are refused."""
    households = [verified(phone=f"06000000{n:02d}", head_name=f"Personne {n}") for n in range(12)]
    distribution = _plan(api, aid, slot_capacity=3).get_json()
    client = api(aid.coordinator)
    barrier = threading.Barrier(len(households))
    codes: list[int] = []

    def take(household_id: int) -> None:
        barrier.wait()
        response = client.post(
            f"/api/v1/distributions/{distribution['id']}/entitlements",
            json={"household_id": household_id},
        )
        codes.append(response.status_code)

    workers = [threading.Thread(target=take, args=(h["id"],)) for h in households]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert sorted(codes) == [201] * 6 + [409] * 6
    db.session.expire_all()
    assert [s.assigned for s in db.session.scalars(select(Slot).order_by(Slot.id))] == [3, 3]


def test_concurrent_collections_never_exceed_capacity_nor_collect_twice(app, api, aid, verified):
    """The same code presented at several desks at once is handed over once; and a slot whose
    capacity was lowered meanwhile refuses past it (the conditional UPDATE decides)."""
    households = [verified(phone=f"06100000{n:02d}", head_name=f"Famille {n}") for n in range(4)]
    distribution = _plan(api, aid, slots=1, slot_capacity=4).get_json()
    client = api(aid.coordinator)
    given = [
        client.post(
            f"/api/v1/distributions/{distribution['id']}/entitlements",
            json={"household_id": h["id"]},
        ).get_json()
        for h in households
    ]
    slot = db.session.get(Slot, distribution["slots"][0]["id"])
    slot.capacity = 2  # the site got smaller: only two may collect now
    slot.assigned = 2
    db.session.commit()
    attempts = [(g["id"], g["code"]) for g in given for _ in range(3)]
    barrier = threading.Barrier(len(attempts))
    codes: list[int] = []

    def collect(entitlement_id: int, code: str) -> None:
        barrier.wait()
        response = client.post(
            f"/api/v1/entitlements/{entitlement_id}/collect", json={"proof": code}
        )
        codes.append(response.status_code)

    workers = [threading.Thread(target=collect, args=a) for a in attempts]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert codes.count(200) == 2 and codes.count(409) == len(attempts) - 2
    db.session.expire_all()
    assert db.session.get(Slot, slot.id).collected == 2
    collected = db.session.scalar(
        select(func.count(Entitlement.id)).where(Entitlement.status == "collected")
    )
    assert collected == 2


def test_a_member_or_outsider_cannot_plan(api, aid):
    for who in (aid.member, aid.outsider, aid.other_coordinator):
        response = api(who).post(
            f"/api/v1/associations/{aid.a}/distributions",
            json={
                "title": "Hiver",
                "place_kind": "premises",
                "place": "Siège",
                "starts_at": START.isoformat(),
            },
        )
        assert response.status_code == 404
