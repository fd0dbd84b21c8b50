"""A double tap (two tabs, a retried request) that races its twin answers what the second of
two requests one after the other answers, never a 500: the unique keys decide."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.db import db
from directory import City
from offers.models import BloodDonor, Claim, Flag, Thanks
from offers.services import group_token
from tests.conftest import csrf_token
from tests.factories import UserFactory
from tests.support.races import committed_meanwhile, rows


def test_a_twin_claim_committed_meanwhile_answers_409(api, vouched, post_offer):
    offer = post_offer(vouched())
    asker = UserFactory()
    client, asker_id = api(asker), asker.id
    with committed_meanwhile(Claim, offer_id=offer["id"], claimant_id=asker_id) as fired:
        response = client.post(f"/api/v1/offers/{offer['id']}/claims", json={})
    assert fired
    # what the same person's second request answers when the first one is there
    assert response.status_code == 409, response.get_data(as_text=True)[:300]
    assert response.get_json()["error"]["code"] == "conflict"
    assert rows(Claim, offer_id=offer["id"], claimant_id=asker_id) == 1


def test_a_twin_claim_from_the_page_flashes_and_goes_back_to_the_offer(
    vouched, post_offer, logged_in
):
    offer = post_offer(vouched())
    asker = UserFactory()
    db.session.commit()
    browser, asker_id = logged_in(asker), asker.id
    token = csrf_token(browser, f"/offers/{offer['id']}")
    with committed_meanwhile(Claim, offer_id=offer["id"], claimant_id=asker_id) as fired:
        response = browser.post(f"/offers/{offer['id']}/claim", data={"csrf_token": token})
    assert fired
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert response.headers["Location"].endswith(f"/offers/{offer['id']}")
    assert rows(Claim, offer_id=offer["id"], claimant_id=asker_id) == 1


def test_a_twin_thanks_committed_meanwhile_answers_409(api, vouched, post_offer):
    offer = post_offer(vouched(), allocation="first_come")
    helped = UserFactory()
    client, helped_id = api(helped), helped.id
    claimed = client.post(f"/api/v1/offers/{offer['id']}/claims", json={})
    assert claimed.get_json()["status"] == "accepted"
    twin = {
        "offer_id": offer["id"],
        "user_id": helped_id,
        "support_type": offer["support_type"],
        "province_id": offer["province_id"],
        "text": "Merci !",
    }
    with committed_meanwhile(Thanks, **twin) as fired:
        response = client.post(f"/api/v1/offers/{offer['id']}/thanks", json={"text": "Merci !"})
    assert fired
    assert response.status_code == 409, response.get_data(as_text=True)[:300]
    assert response.get_json()["error"]["code"] == "conflict"
    assert rows(Thanks, offer_id=offer["id"], user_id=helped_id) == 1


def test_a_twin_flag_committed_meanwhile_answers_409(api, vouched, post_offer):
    offer = post_offer(vouched())
    reader = UserFactory()
    client, reader_id = api(reader), reader.id
    with committed_meanwhile(Flag, offer_id=offer["id"], user_id=reader_id, reason="pub") as fired:
        response = client.post(f"/api/v1/offers/{offer['id']}/flags", json={"reason": "pub"})
    assert fired
    assert response.status_code == 409, response.get_data(as_text=True)[:300]
    assert response.get_json()["error"]["code"] == "conflict"
    assert rows(Flag, offer_id=offer["id"], user_id=reader_id) == 1


def _city(code: str) -> Any:
    found = db.session.scalar(select(City).where(City.code == code))
    assert found is not None
    return found


def test_a_twin_blood_donor_opt_in_committed_meanwhile_is_updated(api, ref):
    person = UserFactory()
    client, person_id = api(person), person.id
    agadir, fes = _city("agadir"), _city("fes")
    twin = {
        "user_id": person_id,
        "blood_group": "A+",
        "group_token": group_token("A+"),
        "city_id": agadir.id,
        "province_id": agadir.province_id,
    }
    with committed_meanwhile(BloodDonor, **twin) as fired:
        response = client.put("/api/v1/me/blood-donor", json={"group": "O-", "city": fes.id})
    assert fired
    # the opt-in is an upsert: the later of the two is what stays, as one after the other
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.get_json() == {"group": "O-", "city": fes.id, "active": True}
    assert rows(BloodDonor, user_id=person_id) == 1
    card = client.get("/api/v1/me/blood-donor").get_json()
    assert card["group"] == "O-" and card["city"] == fes.id
