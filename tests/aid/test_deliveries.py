"""Home delivery: a task for a household that cannot come, assigned to a member; the address
readable by that member only around the scheduled time (logged, purpose ``delivery``), then
closed; proof by the household's PIN or a witness writes what a collection writes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from aid.models import Delivery, Entitlement, StockMovement
from app.db import db
from app.privacy import PersonalDataAccess
from tests.aid.test_cards import _issue, _line
from tests.aid.test_kits import _plan
from tests.conftest import csrf_token

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def _task(client, distribution_id, household_id, assignee_id, when=NOW):
    return client.post(
        f"/api/v1/distributions/{distribution_id}/deliveries",
        json={
            "household_id": household_id,
            "assignee_id": assignee_id,
            "scheduled_at": when.isoformat(),
        },
    )


def test_delivery_window_proof_and_ledger(api, aid, verified):
    coordinator, member = api(aid.coordinator), api(aid.member)
    able = verified(head_name="Rachid Ouali", phone="0677000111", vulnerabilities=[])
    elderly = verified(vulnerabilities=["elderly_alone"], head_name="Mbarek Ait Lahcen")
    card = _issue(coordinator, elderly["id"])
    distribution = _plan(coordinator, aid)
    _line(coordinator, aid, distribution)
    refused = _task(coordinator, distribution["id"], able["id"], aid.member.id)
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "not_home_delivery"
    outsider = _task(coordinator, distribution["id"], elderly["id"], aid.outsider.id)
    assert "assignee_id" in outsider.get_json()["error"]["fields"]
    assert _task(member, distribution["id"], elderly["id"], aid.member.id).status_code == 404
    made = _task(coordinator, distribution["id"], elderly["id"], aid.member.id)
    assert made.status_code == 201, made.get_json()
    task = made.get_json()
    assert task["address_readable"] is True and "address" not in task
    path = f"/api/v1/deliveries/{task['id']}"
    # the member assigned sees the task and reads first name and address (logged)
    assert [t["id"] for t in member.get("/api/v1/deliveries").get_json()["items"]] == [task["id"]]
    address = member.get(f"{path}/address")
    assert address.status_code == 200, address.get_json()
    assert address.get_json() == {
        "first_name": "Mbarek",
        "address": "Derb Sidi Bouloukat 12, Taroudant",
    }
    log = db.session.scalar(select(PersonalDataAccess).order_by(PersonalDataAccess.id.desc()))
    assert log.purpose == "delivery" and log.actor_id == aid.member.id
    # the coordinator reads the household's page, not through the task; others see nothing
    assert coordinator.get(f"{path}/address").get_json()["error"]["code"] == "not_assignee"
    assert api(aid.outsider).get(path).status_code == 404
    assert api(aid.other_coordinator).get(f"{path}/address").status_code == 404
    # outside the window (scheduled 13 h from now): no address
    row = db.session.get(Delivery, task["id"])
    row.scheduled_at = NOW + dt.timedelta(hours=13)
    db.session.commit()
    late = member.get(f"{path}/address")
    assert late.status_code == 403 and late.get_json()["error"]["code"] == "outside_window"
    row.scheduled_at = NOW - dt.timedelta(hours=2)
    db.session.commit()
    # proof: a wrong PIN is counted on the card, the witness is not the deliverer
    wrong = "0000" if card["pin"] != "0000" else "1111"
    bad = member.post(f"{path}/deliver", json={"proof": "pin", "pin": wrong})
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "wrong_pin"
    self_witness = member.post(
        f"{path}/deliver", json={"proof": "witness", "witness_id": aid.member.id}
    )
    assert "witness_id" in self_witness.get_json()["error"]["fields"]
    assert (
        coordinator.post(f"{path}/deliver", json={"proof": "pin", "pin": card["pin"]}).status_code
        == 403
    )
    done = member.post(f"{path}/deliver", json={"proof": "pin", "pin": card["pin"]})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["status"] == "delivered" and done.get_json()["address_readable"] is False
    entitlement = db.session.scalar(select(Entitlement))
    assert entitlement.status == "collected" and entitlement.collected_by_id == aid.member.id
    out = db.session.scalars(
        select(StockMovement).where(StockMovement.kind == "distribution_out")
    ).all()
    assert [(m.quantity, m.entitlement_id) for m in out] == [(-1, entitlement.id)]
    # closed: the address is no longer the member's to read, the task cannot be redone
    closed = member.get(f"{path}/address")
    assert closed.status_code == 409 and closed.get_json()["error"]["code"] == "delivery_closed"
    assert member.post(f"{path}/fail", json={"note": "x"}).status_code == 409
    reads = db.session.scalar(select(func.count(PersonalDataAccess.id)))
    assert reads == 1


def test_delivery_pages_from_a_phone(api, aid, verified, logged_in):
    coordinator = api(aid.coordinator)
    elderly = verified(vulnerabilities=["disability"])
    distribution = _plan(coordinator, aid)
    _line(coordinator, aid, distribution)
    staff = logged_in(aid.coordinator)
    page = f"/aid/distributions/{distribution['id']}"
    token = csrf_token(staff, page)
    assert "delivery-household" in staff.get(page).get_data(as_text=True)
    planned = staff.post(
        f"{page}/deliveries",
        data={
            "csrf_token": token,
            "household_id": elderly["id"],
            "assignee_id": aid.member.id,
            "scheduled_at": NOW.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert planned.status_code == 302
    task = db.session.scalar(select(Delivery))
    volunteer = logged_in(aid.member)
    listing = volunteer.get("/aid/deliveries").get_data(as_text=True)
    assert task.number in listing
    path = f"/aid/deliveries/{task.id}"
    token = csrf_token(volunteer, path)
    shown = volunteer.post(f"{path}/address", data={"csrf_token": token})
    assert shown.status_code == 200 and "Derb Sidi Bouloukat" in shown.get_data(as_text=True)
    assert "Derb Sidi" not in volunteer.get(path).get_data(as_text=True)
    done = volunteer.post(
        f"{path}/deliver",
        data={"csrf_token": token, "proof": "witness", "witness_id": aid.admin.id},
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Delivery, task.id).status == "delivered"
    # after the delivery, the address button is gone and its route refuses
    after = volunteer.post(f"{path}/address", data={"csrf_token": token}, follow_redirects=True)
    assert "Derb Sidi" not in after.get_data(as_text=True)
    assert logged_in(aid.outsider).get(path).status_code == 404
