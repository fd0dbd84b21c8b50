"""Blood donors told of a request (compatible group, nearby whatever the province, nearest
first, once per donation interval, capped), public thanks without names, readers' flags,
and "known to us" referral codes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from app.db import db, utcnow
from app.notifications.models import Notification
from app.privacy import PersonalDataAccess
from offers import services
from offers.models import BloodNotice, Claim, Offer
from tests.directory.factories import AssociationFactory, MembershipFactory
from tests.factories import UserFactory


def _blood(city_id: int, group: str = "A+") -> dict:
    return {
        "kind": "blood_request",
        "city_id": city_id,
        "title": f"Don de sang {group} urgent",
        "body": "Pour une opération au CHU, merci.",
        "blood": {
            "group": group,
            "facility": "CHU",
            "needed_by": (utcnow() + dt.timedelta(hours=20)).isoformat(),
        },
    }


def _donor(api, city_id: int, group: str) -> int:
    person = UserFactory()
    response = api(person).put("/api/v1/me/blood-donor", json={"group": group, "city": city_id})
    assert response.status_code == 200, response.get_json()
    return person.id


def _told(offer_id: int) -> set[int]:
    db.session.expire_all()
    return set(
        db.session.scalars(select(BloodNotice.user_id).where(BloodNotice.offer_id == offer_id))
    )


def test_compatible_donors_nearby_are_told_once_per_interval(api, vouched, city):
    rabat, sale, agadir = city("rabat"), city("sale"), city("agadir")
    o_neg = _donor(api, rabat, "O-")  # gives to everyone
    a_pos = _donor(api, sale, "A+")  # Salé: another province than Rabat, a few km away
    a_pos_rabat = _donor(api, rabat, "A+")
    b_pos = _donor(api, rabat, "B+")  # incompatible with A+
    far = _donor(api, agadir, "O-")
    paused = UserFactory()
    api(paused).put("/api/v1/me/blood-donor", json={"group": "A+", "city": rabat, "active": False})
    request = api(vouched()).post("/api/v1/offers", json=_blood(rabat)).get_json()
    assert _told(request["id"]) == {o_neg, a_pos_rabat, a_pos}
    assert {b_pos, far, paused.id}.isdisjoint(_told(request["id"]))
    kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == o_neg)).all()
    assert kinds == ["blood_request"]
    # a second request the same week does not reach the same donors again
    again = api(vouched()).post("/api/v1/offers", json=_blood(rabat, "AB+")).get_json()
    assert _told(again["id"]) == {b_pos}


def test_a_request_reaches_at_most_the_cap(api, vouched, city, monkeypatch):
    rabat = city("rabat")
    monkeypatch.setattr(services, "NOTICE_CAP", 3)
    for _ in range(5):
        _donor(api, rabat, "O-")
    request = api(vouched()).post("/api/v1/offers", json=_blood(rabat, "O-")).get_json()
    assert len(_told(request["id"])) == 3


def test_a_request_in_agadir_reaches_inezgane_not_oujda(api, vouched, city):
    # Inezgane is ~9 km away in another prefecture (Inezgane-Aït Melloul); Oujda ~860 km
    inezgane = _donor(api, city("inezgane"), "O+")
    oujda = _donor(api, city("oujda"), "O+")
    taroudant = _donor(api, city("taroudant"), "O+")  # same region, ~75 km: beyond 50 km
    request = api(vouched()).post("/api/v1/offers", json=_blood(city("agadir"), "O+")).get_json()
    assert _told(request["id"]) == {inezgane}
    assert {oujda, taroudant}.isdisjoint(_told(request["id"]))
    kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == inezgane))
    assert list(kinds) == ["blood_request"]


def test_the_radius_is_a_setting(api, vouched, city, app, monkeypatch):
    inezgane = _donor(api, city("inezgane"), "O+")
    taroudant = _donor(api, city("taroudant"), "O+")
    monkeypatch.setitem(app.config, "OFFERS_BLOOD_RADIUS_KM", 5)
    first = api(vouched()).post("/api/v1/offers", json=_blood(city("agadir"), "O+")).get_json()
    assert _told(first["id"]) == set()  # Inezgane is ~9 km away
    monkeypatch.setitem(app.config, "OFFERS_BLOOD_RADIUS_KM", 120)
    second = api(vouched()).post("/api/v1/offers", json=_blood(city("agadir"), "O+")).get_json()
    assert _told(second["id"]) == {inezgane, taroudant}


def test_the_cap_keeps_the_nearest_donors(api, vouched, city, monkeypatch):
    monkeypatch.setattr(services, "NOTICE_CAP", 2)
    # registered farthest first, so that the order of sign-up cannot pass for nearness
    ait_melloul = _donor(api, city("ait-melloul"), "O-")  # ~13 km
    inezgane = _donor(api, city("inezgane"), "O-")  # ~9 km
    agadir = _donor(api, city("agadir"), "O-")  # the request's city
    request = api(vouched()).post("/api/v1/offers", json=_blood(city("agadir"), "O-")).get_json()
    assert _told(request["id"]) == {agadir, inezgane}
    assert ait_melloul not in _told(request["id"])
    # the next request reaches the one left, the two told wait out their interval
    again = api(vouched()).post("/api/v1/offers", json=_blood(city("agadir"), "O-")).get_json()
    assert _told(again["id"]) == {ait_melloul}


def test_a_donor_hears_again_only_after_the_donation_interval(api, vouched, city):
    agadir = city("agadir")
    donor = _donor(api, agadir, "B+")
    first = api(vouched()).post("/api/v1/offers", json=_blood(agadir, "B+")).get_json()
    assert _told(first["id"]) == {donor}
    almost = utcnow() - services.DONATION_INTERVAL + dt.timedelta(hours=1)
    db.session.execute(text("UPDATE blood_donors SET last_notified_at = :t"), {"t": almost})
    db.session.commit()
    within = api(vouched()).post("/api/v1/offers", json=_blood(agadir, "B+")).get_json()
    assert _told(within["id"]) == set()
    past = utcnow() - services.DONATION_INTERVAL - dt.timedelta(hours=1)
    db.session.execute(text("UPDATE blood_donors SET last_notified_at = :t"), {"t": past})
    db.session.commit()
    after = api(vouched()).post("/api/v1/offers", json=_blood(agadir, "B+")).get_json()
    assert _told(after["id"]) == {donor}


def test_a_donor_told_meanwhile_is_not_told_twice(api, vouched, city):
    """Two requests at once: a donor chosen by one but marked by the other between the choice
    and the mark is left out (the mark is conditional): never told twice in the interval."""
    agadir = city("agadir")
    donor = _donor(api, agadir, "B+")
    other = _donor(api, agadir, "B+")
    rival_done: list[bool] = []

    def rival_marks_first(state):
        statement = state.statement
        if rival_done or not state.is_update or statement.table.name != "blood_donors":
            return
        rival_done.append(True)  # the other request's mark, committed meanwhile
        state.session.execute(
            text("UPDATE blood_donors SET last_notified_at = :t WHERE user_id = :u"),
            {"t": utcnow(), "u": donor},
        )

    event.listen(Session, "do_orm_execute", rival_marks_first)
    try:
        request = api(vouched()).post("/api/v1/offers", json=_blood(agadir, "B+")).get_json()
    finally:
        event.remove(Session, "do_orm_execute", rival_marks_first)
    assert rival_done
    assert _told(request["id"]) == {other}
    notified = db.session.scalars(
        select(Notification.user_id).where(Notification.kind == "blood_request")
    )
    assert set(notified) == {other}


def test_a_city_without_coordinates_falls_back_to_its_province(api, vouched, city, monkeypatch):
    monkeypatch.setattr(services, "cities_near", lambda _city_id, _radius_km: None)
    agadir_donor = _donor(api, city("aourir"), "O+")  # Agadir Ida-Outanane, like Agadir
    inezgane = _donor(api, city("inezgane"), "O+")  # near, but another prefecture
    request = api(vouched()).post("/api/v1/offers", json=_blood(city("agadir"), "O+")).get_json()
    assert _told(request["id"]) == {agadir_donor}
    assert inezgane not in _told(request["id"])


def test_the_donor_card_is_private_encrypted_and_its_reads_logged(api, city, app):
    person = UserFactory()
    assert api(person).get("/api/v1/me/blood-donor").status_code == 404
    api(person).put("/api/v1/me/blood-donor", json={"group": "AB-", "city": city("fes")})
    card = api(person).get("/api/v1/me/blood-donor").get_json()
    assert card == {"group": "AB-", "city": city("fes"), "active": True}
    stored = db.session.execute(text("SELECT blood_group FROM blood_donors")).scalar()
    assert "AB-" not in stored
    logged = db.session.scalars(select(PersonalDataAccess.model)).all()
    assert logged == ["blood_donors"]
    assert api(None).get("/api/v1/me/blood-donor").status_code == 401
    bad = api(person).put("/api/v1/me/blood-donor", json={"group": "C+", "city": city("fes")})
    assert bad.status_code == 422


def test_thanks_are_public_without_a_name_and_only_from_a_beneficiary(
    api, vouched, post_offer, client
):
    offer = post_offer(vouched(), allocation="first_come")
    helped = UserFactory(display_name="Nadia Beneficiary")
    api(helped).post(f"/api/v1/offers/{offer['id']}/claims", json={})
    assert (
        api(UserFactory())
        .post(f"/api/v1/offers/{offer['id']}/thanks", json={"text": "Merci"})
        .status_code
        == 403
    )
    phone = api(helped).post(
        f"/api/v1/offers/{offer['id']}/thanks", json={"text": "Merci, appelez 0661234567"}
    )
    assert phone.status_code == 422
    thanks = api(helped).post(
        f"/api/v1/offers/{offer['id']}/thanks",
        json={"text": "Merci infiniment, mon fils a eu 16 en maths !"},
    )
    assert thanks.status_code == 201
    assert (
        api(helped)
        .post(f"/api/v1/offers/{offer['id']}/thanks", json={"text": "Encore merci"})
        .status_code
        == 409
    )
    page = client.get("/offers/given").get_data(as_text=True)
    assert "mon fils a eu 16 en maths" in page and "Nadia Beneficiary" not in page


def test_three_readers_flags_send_an_offer_back_to_review(api, vouched, post_offer):
    author = vouched()
    offer = post_offer(author)
    assert api(author).post(f"/api/v1/offers/{offer['id']}/flags", json={}).status_code == 409
    for n in (1, 2):
        got = api(UserFactory()).post(
            f"/api/v1/offers/{offer['id']}/flags", json={"reason": "payant"}
        )
        assert got.get_json() == {"flags": n}
    assert api(None).get("/api/v1/offers").get_json()["total"] == 1
    api(UserFactory()).post(f"/api/v1/offers/{offer['id']}/flags", json={"reason": "pub"})
    db.session.expire_all()
    row = db.session.get(Offer, offer["id"])
    assert row.status == "review" and row.review_reason == "flags"
    assert api(None).get("/api/v1/offers").get_json()["items"] == []


def test_a_referral_code_works_once_for_its_person(api, vouched, post_offer):
    association = AssociationFactory(status="approved")
    admin = UserFactory()
    MembershipFactory(association=association, user=admin, role="admin")
    person = UserFactory()
    db.session.commit()
    assert (
        api(UserFactory())
        .post(f"/api/v1/associations/{association.id}/referrals", json={"user_id": person.id})
        .status_code
        == 403
    )
    token = (
        api(admin)
        .post(f"/api/v1/associations/{association.id}/referrals", json={"user_id": person.id})
        .get_json()["token"]
    )
    first = post_offer(vouched())
    other = post_offer(
        vouched(), title="Livres de lecture", support_type="books", body="Des livres gratuits."
    )
    stranger = api(UserFactory()).post(
        f"/api/v1/offers/{first['id']}/claims", json={"referral_token": token}
    )
    assert stranger.status_code == 422
    used = api(person).post(f"/api/v1/offers/{first['id']}/claims", json={"referral_token": token})
    assert used.status_code == 201 and used.get_json()["referral_association_id"] == association.id
    again = api(person).post(f"/api/v1/offers/{other['id']}/claims", json={"referral_token": token})
    assert again.status_code == 409
    db.session.expire_all()
    assert (
        db.session.scalar(select(func.count(Claim.id)).where(Claim.claimant_id == person.id)) == 1
    )
