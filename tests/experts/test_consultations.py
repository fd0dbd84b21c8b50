"""Requests through the API: who may ask and see, matching and offers one at a time, the
48-hour hand-over, going unavailable, capacity, the consultation closed and rated."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.db import db, utcnow
from app.jobs import run_due_jobs
from app.notifications.models import Notification
from experts import services
from experts.models import Consultation, ConsultationOffer, ExpertProfile
from tests.experts.conftest import ask_body, region_id
from tests.factories import UserFactory


def _offers(consultation_id: int) -> list[tuple[int, str]]:
    db.session.expire_all()
    rows = db.session.scalars(
        select(ConsultationOffer)
        .where(ConsultationOffer.consultation_id == consultation_id)
        .order_by(ConsultationOffer.id)
    )
    return [(o.expert_id, o.status) for o in rows]


def test_a_member_or_a_stranger_cannot_ask_in_the_association_name(api, people, expert):
    expert()
    for who in ("member", "stranger"):
        response = api(people[who]).post("/api/v1/consultations", json=ask_body(people["assoc"]))
        assert response.status_code == 403, who
        assert response.get_json()["error"]["message"]
    assert (
        api(None).post("/api/v1/consultations", json=ask_body(people["assoc"])).status_code == 401
    )
    assert db.session.scalar(select(Consultation.id)) is None


def test_coordinator_and_admin_ask_and_the_best_match_gets_the_offer(api, people, expert):
    far, far_profile = expert("Far", region_ids=[region_id("oriental")], remote=True)
    near, near_profile = expert("Near", region_ids=[region_id("souss-massa")], remote=False)
    expert("Accountant", domains=["accounting"])
    expert("Arabic only", languages=["ar"])
    asked = api(people["assoc_admin"]).post("/api/v1/consultations", json=ask_body(people["assoc"]))
    assert asked.status_code == 201
    row = asked.get_json()
    assert row["status"] == "offered"
    # the expert of the region first; remote ones next
    assert _offers(row["id"]) == [(near_profile["id"], "open")]
    note = db.session.scalar(select(Notification.kind).where(Notification.user_id == near.id))
    assert note == "expert_offer"
    seen = api(near).get(f"/api/v1/consultations/{row['id']}")
    assert seen.status_code == 200 and seen.get_json()["offer"]["status"] == "open"
    # an expert it is not offered to does not see it, nor a stranger, nor a member
    for who in (far, people["stranger"], people["member"]):
        assert api(who).get(f"/api/v1/consultations/{row['id']}").status_code == 404
    assert api(people["coordinator"]).get(f"/api/v1/consultations/{row['id']}").status_code == 200
    assert api(people["admin"]).get(f"/api/v1/consultations/{row['id']}").status_code == 200
    assert far_profile["id"] != near_profile["id"]


def test_an_expert_cannot_answer_an_offer_not_theirs(api, people, expert, ask):
    chosen, _p = expert("Chosen")
    other, _q = expert("Other")
    row = ask()
    offered_to = _offers(row["id"])[0][0]
    owner, intruder = (chosen, other) if offered_to == _p["id"] else (other, chosen)
    for action in ("accept", "decline"):
        response = api(intruder).post(f"/api/v1/consultations/{row['id']}/{action}", json={})
        assert response.status_code == 404
        assert (
            api(people["coordinator"])
            .post(f"/api/v1/consultations/{row['id']}/{action}", json={})
            .status_code
            == 404
        )
    assert _offers(row["id"]) == [(offered_to, "open")]
    assert api(owner).post(f"/api/v1/consultations/{row['id']}/accept").status_code == 200


def test_ranking_spreads_the_load_and_is_deterministic(app, people, expert, ask):
    _a, first = expert("First")
    _b, second = expert("Second")
    one, two = ask(), ask(title="Deuxième question")
    # the first request went to the lowest id; the second to the other, less loaded expert
    assert _offers(one["id"])[0][0] == first["id"]
    assert _offers(two["id"])[0][0] == second["id"]
    row = db.session.get(Consultation, one["id"])
    ranked = [e.id for e in services.candidates(row, utcnow())]
    assert ranked == [second["id"]]  # already offered to the first: never twice
    assert ranked == [e.id for e in services.candidates(row, utcnow())]


def test_members_of_the_association_are_not_matched_to_its_request(api, people, expert, ask):
    _p, profile = expert("Conflicted")
    from tests.support import world as make

    make.join(db.session.get(__import__("directory").Association, people["assoc"]), _p)
    db.session.commit()
    row = ask()
    assert row["status"] == "unmatched"
    assert _offers(row["id"]) == []
    assert profile["id"]


def test_declining_passes_the_request_to_the_next_match(api, people, expert, ask):
    first, p1 = expert("First")
    second, p2 = expert("Second")
    row = ask()
    declined = api(first).post(
        f"/api/v1/consultations/{row['id']}/decline", json={"message": "Pas ce mois-ci"}
    )
    assert declined.status_code == 200
    assert _offers(row["id"]) == [(p1["id"], "declined"), (p2["id"], "open")]
    assert api(first).get(f"/api/v1/consultations/{row['id']}").status_code == 404
    again = api(first).post(f"/api/v1/consultations/{row['id']}/decline", json={})
    assert again.status_code == 409
    api(second).post(f"/api/v1/consultations/{row['id']}/decline", json={})
    db.session.expire_all()
    assert db.session.get(Consultation, row["id"]).status == "unmatched"


def test_an_offer_unanswered_for_48_hours_goes_to_the_next_match(app, api, people, expert, ask):
    first, p1 = expert("Slow")
    _s, p2 = expert("Next")
    row = ask()
    now = utcnow()
    assert services.expire_offers(now + dt.timedelta(hours=47)) == 0
    db.session.commit()
    assert _offers(row["id"]) == [(p1["id"], "open")]
    # the periodic job, with the clock 49 hours later
    outcomes = run_due_jobs(now + dt.timedelta(hours=49), only="experts.handover")
    assert [o.ok for o in outcomes] == [True]
    assert _offers(row["id"]) == [(p1["id"], "expired"), (p2["id"], "open")]
    late = api(first).post(f"/api/v1/consultations/{row['id']}/accept")
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "offer_closed"
    assert api(first).get(f"/api/v1/consultations/{row['id']}").status_code == 404
    db.session.expire_all()
    assert db.session.get(Consultation, row["id"]).status == "offered"


def test_going_unavailable_declines_open_offers_and_moves_them_on(api, people, expert, ask):
    busy, p1 = expert("Busy")
    _n, p2 = expert("Next")
    one, two = ask(), ask(title="Autre question")
    assert _offers(one["id"])[0] == (p1["id"], "open")
    assert _offers(two["id"])[0] == (p2["id"], "open")
    off = api(busy).patch("/api/v1/experts/me", json={"available": False})
    assert off.status_code == 200 and off.get_json()["available"] is False
    assert _offers(one["id"]) == [(p1["id"], "withdrawn"), (p2["id"], "open")]
    assert _offers(two["id"]) == [(p2["id"], "open")]
    withdrawn = db.session.scalar(
        select(ConsultationOffer).where(ConsultationOffer.expert_id == p1["id"])
    )
    assert withdrawn.message == services.UNAVAILABLE_MESSAGE
    # unavailable experts get no new request
    three = ask(title="Troisième")
    assert _offers(three["id"]) == [(p2["id"], "open")]


def test_capacity_is_counted_per_month_and_over_capacity_is_refused(api, people, expert, ask):
    person, profile = expert("Small", monthly_capacity=1)
    one = ask()
    two_body = ask_body(people["assoc"], title="Deuxième")
    assert api(person).post(f"/api/v1/consultations/{one['id']}/accept").status_code == 200
    # full this month: no new offer comes to them
    two = api(people["coordinator"]).post("/api/v1/consultations", json=two_body).get_json()
    assert two["status"] == "unmatched"
    # an offer made before the capacity filled is refused at acceptance
    db.session.add(ConsultationOffer(consultation_id=two["id"], expert_id=profile["id"]))
    row = db.session.get(Consultation, two["id"])
    row.status = "offered"
    db.session.commit()
    refused = api(person).post(f"/api/v1/consultations/{two['id']}/accept")
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "over_capacity"
    db.session.expire_all()
    stored = db.session.get(ExpertProfile, profile["id"])
    assert stored.load_count == 1
    assert db.session.get(Consultation, two["id"]).status == "offered"
    # next month the place is free again
    offer = db.session.scalar(
        select(ConsultationOffer).where(ConsultationOffer.consultation_id == two["id"])
    )
    services.accept(person, offer, utcnow() + dt.timedelta(days=32))
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(ExpertProfile, profile["id"]).load_count == 1


def test_the_consultation_is_closed_by_the_expert_and_rated_by_the_association(
    api, people, expert, ask
):
    person, profile = expert()
    row = ask()
    path = f"/api/v1/consultations/{row['id']}"
    assert api(person).post(f"{path}/close", json={"answer": "Trop tôt"}).status_code == 403
    assert api(person).post(f"{path}/accept").status_code == 200
    assert api(person).post(f"{path}/accept").status_code == 409
    assert api(people["coordinator"]).post(f"{path}/rate", json={"rating": 5}).status_code == 409
    answer = "Déposez le PV de l'AG et la liste du bureau à l'autorité locale sous 30 jours."
    assert (
        api(people["coordinator"]).post(f"{path}/close", json={"answer": answer}).status_code == 403
    )
    closed = api(person).post(f"{path}/close", json={"answer": answer})
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    assert api(person).post(f"{path}/rate", json={"rating": 5}).status_code == 403
    assert api(people["member"]).post(f"{path}/rate", json={"rating": 5}).status_code == 404
    rated = api(people["assoc_admin"]).post(
        f"{path}/rate", json={"rating": 4, "feedback": "Merci !", "endorse": True}
    )
    assert rated.status_code == 200 and rated.get_json()["status"] == "rated"
    assert api(people["coordinator"]).post(f"{path}/rate", json={"rating": 1}).status_code == 409
    assert api(None).get(f"/api/v1/experts/{profile['id']}").get_json()["endorsements"] == 1
    assert api(people["coordinator"]).post(f"{path}/rate", json={"rating": 9}).status_code == 422


def test_the_two_parties_write_in_a_conversation_about_the_request(api, people, expert, ask):
    person, _profile = expert()
    row = ask()
    path = f"/api/v1/consultations/{row['id']}/conversation"
    assert api(person).post(path).status_code == 409  # not taken yet
    api(person).post(f"/api/v1/consultations/{row['id']}/accept")
    opened = api(people["coordinator"]).post(path)
    assert opened.status_code == 200
    conversation_id = opened.get_json()["conversation_id"]
    again = api(person).post(path)
    assert again.status_code == 200 and again.get_json()["conversation_id"] == conversation_id
    # the association's administrator sees the request, but the chat is the requester's
    assert api(people["assoc_admin"]).post(path).status_code == 403
    assert api(people["stranger"]).post(path).status_code == 404


def test_lists_of_each_side_and_a_cancelled_request(api, people, expert, ask):
    person, _profile = expert()
    row = ask()
    mine = api(people["assoc_admin"]).get("/api/v1/consultations").get_json()
    assert [r["id"] for r in mine["items"]] == [row["id"]]
    offered = api(person).get("/api/v1/consultations?side=expert").get_json()
    assert [r["id"] for r in offered["items"]] == [row["id"]]
    assert api(UserFactory()).get("/api/v1/consultations").get_json()["items"] == []
    assert api(person).post(f"/api/v1/consultations/{row['id']}/cancel").status_code == 403
    cancelled = api(people["coordinator"]).post(f"/api/v1/consultations/{row['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert api(person).get("/api/v1/consultations?side=expert").get_json()["items"] == []
