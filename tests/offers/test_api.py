"""The board through its API: publishing under the rules, trust and review, the feed, claims
and the last place, lifecycle, lottery, expiry and purge."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import func, select

from app.db import db, utcnow
from app.notifications.models import Notification
from messaging.models import Conversation, Message
from offers import claims, moderation, services
from offers.models import Claim, Offer, OfferCount, Referral, Strike
from offers.rules import RULES
from tests.factories import UserFactory
from tests.offers.conftest import offer_body


def _count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Offer.id))) or 0


def test_a_vouched_person_publishes_at_once_and_the_feed_finds_it(api, vouched, post_offer, city):
    author = vouched()
    offer = post_offer(author)
    assert offer["status"] == "published"
    assert offer["places_left"] == 2 and offer["province_id"]
    feed = api(None).get("/api/v1/offers?type=tutoring").get_json()
    assert [o["id"] for o in feed["items"]] == [offer["id"]]
    assert feed["facets"]["type"]["tutoring"] == 1
    assert api(None).get("/api/v1/offers?type=books").get_json()["items"] == []
    words = api(None).get("/api/v1/offers?q=maths").get_json()
    assert [o["id"] for o in words["items"]] == [offer["id"]]
    agadir = api(None).get("/api/v1/offers?near=30.42,-9.59&radius_km=20").get_json()
    assert [o["id"] for o in agadir["items"]] == [offer["id"]]
    rabat = api(None).get("/api/v1/offers?near=34.02,-6.84&radius_km=20").get_json()
    assert rabat["items"] == []


def test_a_first_post_waits_for_review_then_a_moderator_publishes_it(api, app, city, logged_in):
    newcomer = UserFactory()
    response = api(newcomer).post("/api/v1/offers", json=offer_body(city()))
    assert response.status_code == 201
    offer = response.get_json()
    assert offer["status"] == "review" and offer["review_reason"] == "first_post"
    assert offer["queue"]["position"] == 1 and offer["queue"]["wait_minutes"] >= 1
    assert api(None).get("/api/v1/offers").get_json()["items"] == []
    assert api(UserFactory()).get(f"/api/v1/offers/{offer['id']}").status_code == 404
    moderator = UserFactory(is_admin=True)
    page = logged_in(moderator)
    from tests.conftest import csrf_token

    token = csrf_token(page, "/offers/review")
    page.post(
        "/offers/review", data={"csrf_token": token, "offer_id": offer["id"], "action": "approve"}
    )
    assert api(None).get(f"/api/v1/offers/{offer['id']}").get_json()["status"] == "published"
    # the next post of the same person publishes at once
    again = api(newcomer).post(
        "/api/v1/offers",
        json=offer_body(
            city("rabat"),
            title="Livres de lecture pour enfants",
            support_type="books",
            body="Une caisse de livres en français et en arabe, gratuits.",
        ),
    )
    assert again.get_json()["status"] == "published"


def test_a_refused_post_answers_the_rule_codes_and_stores_nothing(api, vouched, city):
    author = vouched()
    body = offer_body(
        city(), body="Cours de soutien à 50 dh, appelez le 06 61 23 45 67 ou www.cours.ma"
    )
    response = api(author).post("/api/v1/offers", json=body)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "offer_rules"
    codes = {h["code"] for h in error["fields"]["hits"]}
    assert codes == {"PAID", "PHONE", "LINK"}
    assert all(
        h["message"] and h["excerpt"] and h["action"] == "block" for h in error["fields"]["hits"]
    )
    assert _count() == 0


def test_check_explains_in_the_writers_language_and_stores_nothing(api, city):
    person = UserFactory(locale="ar")
    response = api(person).post(
        "/api/v1/offers/check",
        json=offer_body(city(), body="عافاكم عاونوني خاصني كرسي متحرك"),
        headers={"Accept-Language": "ar"},
    )
    data = response.get_json()
    assert response.status_code == 200 and data["ok"] is False
    hit = next(h for h in data["hits"] if h["code"] == "REQUEST")
    assert "عاونوني" in hit["excerpt"]
    assert any("\u0600" <= ch <= "\u06ff" for ch in hit["message"])
    assert _count() == 0


def test_missing_structure_and_impossible_capacity_are_refused(api, vouched, city):
    author = vouched()
    bare = api(author).post("/api/v1/offers", json={"kind": "offer", "title": "Cours"})
    assert bare.status_code == 422
    missing = {
        h["excerpt"]
        for h in bare.get_json()["error"]["fields"]["hits"]
        if h["code"] == "MISSING_FIELD"
    }
    assert missing == {"support_type", "city_id", "capacity", "audience", "free"}
    for capacity in (0, 10_000):
        response = api(author).post("/api/v1/offers", json=offer_body(city(), capacity=capacity))
        assert response.status_code == 422
        assert "capacity" in response.get_json()["error"]["fields"]
    assert _count() == 0


def test_a_near_duplicate_within_a_week_is_refused(api, vouched, post_offer, city):
    author = vouched()
    post_offer(author)
    again = api(author).post(
        "/api/v1/offers",
        json=offer_body(city(), title="Cours de maths gratuits pour les collégiens"),
    )
    assert again.status_code == 422
    assert {h["code"] for h in again.get_json()["error"]["fields"]["hits"]} == {"DUPLICATE"}
    # someone else may post the same text
    assert api(vouched()).post("/api/v1/offers", json=offer_body(city())).status_code == 201


def test_claims_accept_and_the_last_place_consumes_the_offer(api, vouched, post_offer):
    author = vouched()
    offer = post_offer(author, capacity=1)
    asker, other = UserFactory(), UserFactory()
    first = api(asker).post(
        f"/api/v1/offers/{offer['id']}/claims",
        json={"answers": {"student": True}, "pickup_proposal": "Samedi 10h"},
    )
    assert first.status_code == 201 and first.get_json()["status"] == "pending"
    second = api(other).post(
        f"/api/v1/offers/{offer['id']}/claims", json={"answers": {"student": True}}
    )
    assert second.status_code == 201
    assert api(asker).post(f"/api/v1/offers/{offer['id']}/claims", json={}).status_code == 409
    assert api(other).post(f"/api/v1/claims/{first.get_json()['id']}/accept").status_code == 404
    accepted = api(author).post(f"/api/v1/claims/{first.get_json()['id']}/accept")
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "accepted"
    db.session.expire_all()
    row = db.session.get(Offer, offer["id"])
    assert row.status == row.outcome == "consumed" and row.places_left == 0
    assert db.session.get(Claim, second.get_json()["id"]).status == "closed"
    assert api(None).get("/api/v1/offers").get_json()["items"] == []
    late = api(UserFactory()).post(f"/api/v1/offers/{offer['id']}/claims", json={})
    assert late.status_code in (404, 409)
    counted = db.session.scalars(select(OfferCount)).all()
    assert [(c.support_type, c.consumed, c.beneficiaries) for c in counted] == [("tutoring", 1, 1)]
    notes = db.session.scalars(
        select(Notification.kind).where(Notification.user_id == asker.id)
    ).all()
    assert "offer_accepted" in notes


def test_two_acceptances_racing_for_the_last_place_one_wins(app, api, vouched, post_offer):
    author = vouched()
    offer = post_offer(author, capacity=1)
    claims = [
        api(UserFactory()).post(f"/api/v1/offers/{offer['id']}/claims", json={}).get_json()["id"]
        for _ in range(2)
    ]
    client = api(author)
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def accept(claim_id: int) -> None:
        barrier.wait()
        codes.append(client.post(f"/api/v1/claims/{claim_id}/accept").status_code)

    threads = [threading.Thread(target=accept, args=(c,)) for c in claims]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200, 409]
    db.session.expire_all()
    statuses = sorted(db.session.scalars(select(Claim.status)).all())
    assert statuses == ["accepted", "closed"]
    assert db.session.get(Offer, offer["id"]).places_left == 0


def test_first_come_takes_a_place_at_once(api, vouched, post_offer):
    offer = post_offer(vouched(), capacity=2, allocation="first_come")
    first = api(UserFactory()).post(f"/api/v1/offers/{offer['id']}/claims", json={})
    assert first.get_json()["status"] == "accepted"
    assert api(None).get(f"/api/v1/offers/{offer['id']}").get_json()["places_left"] == 1


def test_the_lottery_is_logged_and_the_same_when_run_again(app, api, vouched, post_offer):
    offer = post_offer(vouched(), capacity=2, allocation="lottery")
    for _ in range(5):
        api(UserFactory()).post(f"/api/v1/offers/{offer['id']}/claims", json={})
    db.session.expire_all()
    row = db.session.get(Offer, offer["id"])
    seed, first = claims.draw(row)
    assert claims.draw(row) == (seed, first) and len(first) == 2
    assert claims.run_lotteries(utcnow()) == 0  # the fair-chance window is still open
    assert claims.run_lotteries(utcnow() + dt.timedelta(hours=25)) == 1
    db.session.commit()
    db.session.expire_all()
    won = sorted(db.session.scalars(select(Claim.id).where(Claim.status == "accepted")))
    assert won == first
    row = db.session.get(Offer, offer["id"])
    assert row.status == "consumed"
    assert any(h.get("code") == "LOTTERY" and h["winners"] == first for h in row.hits)


def test_claim_text_may_carry_no_phone_and_no_health_details(api, vouched, post_offer):
    offer = post_offer(vouched())
    asker = UserFactory()
    for text in ("Appelez-moi au 0661234567", "Je suis diabétique, je passe demain"):
        response = api(asker).post(
            f"/api/v1/offers/{offer['id']}/claims", json={"pickup_proposal": text}
        )
        assert response.status_code == 422
        assert response.get_json()["error"]["code"] == "offer_rules"
    assert db.session.scalar(select(func.count(Claim.id))) == 0


def test_only_the_author_edits_pauses_and_withdraws(api, vouched, post_offer):
    author = vouched()
    offer = post_offer(author)
    stranger = UserFactory()
    assert (
        api(stranger).patch(f"/api/v1/offers/{offer['id']}", json={"status": "paused"}).status_code
        == 403
    )
    assert api(stranger).delete(f"/api/v1/offers/{offer['id']}").status_code == 403
    paused = api(author).patch(f"/api/v1/offers/{offer['id']}", json={"status": "paused"})
    assert paused.get_json()["status"] == "paused"
    assert api(None).get("/api/v1/offers").get_json()["items"] == []
    assert (
        api(author)
        .patch(f"/api/v1/offers/{offer['id']}", json={"status": "published"})
        .get_json()["status"]
        == "published"
    )
    refused_edit = api(author).patch(
        f"/api/v1/offers/{offer['id']}", json={"body": "Maintenant 20 dh la séance"}
    )
    assert refused_edit.status_code == 422
    assert api(author).delete(f"/api/v1/offers/{offer['id']}").status_code == 204
    db.session.expire_all()
    row = db.session.get(Offer, offer["id"])
    assert row.status == row.outcome == "withdrawn"
    again = api(author).patch(f"/api/v1/offers/{offer['id']}", json={"status": "published"})
    assert again.status_code == 403


def test_clock_jumps_expire_then_purge_keeping_the_counts(app, api, vouched, post_offer):
    author = vouched()
    given = post_offer(
        author,
        capacity=1,
        title="Fauteuil roulant à donner",
        support_type="medical_devices",
        body="En bon état, gratuit.",
    )
    stale = post_offer(
        author,
        title="Atelier lecture gratuit",
        support_type="children_activities",
        body="Pour les enfants du quartier, gratuit.",
    )
    claim = (
        api(UserFactory())
        .post(f"/api/v1/offers/{given['id']}/claims", json={"pickup_proposal": "demain"})
        .get_json()
    )
    api(author).post(f"/api/v1/claims/{claim['id']}/accept")
    now = utcnow()
    assert services.expire(now + dt.timedelta(days=29)) == 0
    assert services.expire(now + dt.timedelta(days=31)) == 1
    db.session.commit()
    assert services.purge(now + dt.timedelta(days=31)) == 1  # the given one ended 31 days before
    db.session.commit()
    db.session.expire_all()
    purged = db.session.get(Offer, given["id"])
    assert purged.body == purged.title == "" and purged.purged_at is not None
    assert db.session.scalar(select(func.count(Claim.id))) == 0
    assert api(author).get(f"/api/v1/offers/{given['id']}").status_code == 404
    assert db.session.get(Offer, stale["id"]).status == "expired"
    assert db.session.scalars(select(OfferCount.consumed)).all() == [1]
    reposted = services.repost(author, db.session.get(Offer, stale["id"]))
    db.session.commit()
    assert reposted.status == "published" and reposted.id != stale["id"]


def test_the_parties_talk_about_an_accepted_request_and_the_purge_deletes_it(
    api, vouched, post_offer
):
    author = vouched()
    offer = post_offer(author, capacity=1)
    person, stranger = UserFactory(), UserFactory()
    claim = (
        api(person)
        .post(f"/api/v1/offers/{offer['id']}/claims", json={"pickup_proposal": "samedi matin"})
        .get_json()
    )
    path = f"/api/v1/claims/{claim['id']}/conversation"
    # not before the author has accepted, and never for someone else
    refused = api(person).post(path)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "not_accepted"
    api(author).post(f"/api/v1/claims/{claim['id']}/accept")
    assert api(stranger).post(path).status_code == 404
    opened = api(person).post(path)
    assert opened.status_code == 200, opened.get_json()
    conversation_id = opened.get_json()["conversation_id"]
    assert opened.get_json()["url"] == f"/chat/{conversation_id}"
    # the author opening it finds the same one
    assert api(author).post(path).get_json()["conversation_id"] == conversation_id
    chat = api(author).get(f"/api/v1/conversations/{conversation_id}").get_json()
    assert chat["kind"] == "subject" and chat["title"] == offer["title"]
    assert {m["user_id"] for m in chat["members"]} == {author.id, person.id}
    assert api(stranger).get(f"/api/v1/conversations/{conversation_id}").status_code == 404
    for who, text in ((person, "Je peux passer samedi à 10 h ?"), (author, "Parfait, à samedi.")):
        sent = api(who).post(
            f"/api/v1/conversations/{conversation_id}/messages",
            json={"body": text, "client_id": f"c-{who.id}"},
        )
        assert sent.status_code == 201, sent.get_json()
    # the two keep their lasting direct chat, which the purge leaves alone
    direct = api(person).post("/api/v1/conversations", json={"member_ids": [author.id]})
    direct_id = direct.get_json()["id"]
    api(person).post(
        f"/api/v1/conversations/{direct_id}/messages", json={"body": "Merci !", "client_id": "d-1"}
    )

    later = utcnow() + dt.timedelta(days=31)
    assert services.purge(later) == 1
    db.session.commit()
    db.session.expire_all()
    assert api(person).get(f"/api/v1/conversations/{conversation_id}").status_code == 404
    left = db.session.scalars(select(Message.conversation_id)).all()
    assert left == [direct_id]
    assert db.session.get(Conversation, conversation_id) is None
    # and the request is gone with it
    assert api(person).post(path).status_code == 404


def test_a_blood_request_ends_within_72_hours(api, vouched, city):
    author = vouched()
    body = {
        "kind": "blood_request",
        "city_id": city("casablanca"),
        "title": "Besoin urgent de sang A-",
        "body": "Pour une opération au CHU, merci.",
        "blood": {
            "group": "A-",
            "facility": "CHU Ibn Rochd",
            "needed_by": (utcnow() + dt.timedelta(days=10)).isoformat(),
        },
    }
    response = api(author).post("/api/v1/offers", json=body)
    assert response.status_code == 201, response.get_json()
    offer = response.get_json()
    assert offer["status"] == "published" and offer["blood"]["group"] == "A-"
    expires = dt.datetime.fromisoformat(offer["expires_at"])
    assert expires <= utcnow() + dt.timedelta(hours=72, minutes=1)
    assert services.expire(utcnow() + dt.timedelta(hours=73)) == 1
    assert api(UserFactory()).post(f"/api/v1/offers/{offer['id']}/claims", json={}).status_code in (
        404,
        409,
    )


def test_a_spammer_is_hidden_everywhere_and_stops_posting(api, vouched, post_offer, city):
    author = vouched()
    offer = post_offer(author)
    moderator = UserFactory(is_admin=True)
    assert moderation.mark_spammer(moderator, author.id) == 1
    db.session.commit()
    assert api(None).get("/api/v1/offers").get_json()["items"] == []
    assert api(None).get(f"/api/v1/offers/{offer['id']}").status_code == 404
    again = api(author).post(
        "/api/v1/offers",
        json=offer_body(city("rabat"), title="Autre chose", body="Encore un cours gratuit."),
    )
    assert again.status_code == 403


def test_a_saved_alert_is_notified_when_a_match_is_published(api, vouched, post_offer, city):
    watcher = UserFactory()
    alert = api(watcher).post("/api/v1/offer-alerts", json={"type": "tutoring", "city": city()})
    assert alert.status_code == 201
    assert api(watcher).get("/api/v1/offer-alerts").get_json()["items"][0]["type"] == "tutoring"
    post_offer(vouched())
    post_offer(vouched(), support_type="books", title="Livres", body="Des livres gratuits.")
    db.session.expire_all()
    kinds = db.session.scalars(
        select(Notification.kind).where(Notification.user_id == watcher.id)
    ).all()
    assert kinds == ["offer_alert"]


def test_the_demo_board_is_alive_and_no_published_body_carries_a_phone_or_a_link(app, api, ref):
    from app.demo import load_demo_users
    from directory.demo import load_demo_directory
    from offers.demo import load_demo_offers

    load_demo_users()
    load_demo_directory()  # fatima's association gives "known to us" codes
    for _ in range(2):  # idempotent
        load_demo_offers()
    db.session.expire_all()
    statuses = db.session.scalars(select(Offer.status)).all()
    assert statuses.count("published") >= 10 and "consumed" in statuses and "review" in statuses
    # moderators see the board's life too: flags counted, a strike, codes in every state
    reasons = set(db.session.scalars(select(Offer.review_reason).where(Offer.status == "review")))
    assert {"flags", "first_post"} <= reasons
    assert db.session.scalar(select(func.count(Strike.id))) == 1
    codes = db.session.scalars(select(Referral)).all()
    assert {(c.used_at is not None, c.revoked_at is not None) for c in codes} == {
        (True, False),
        (False, False),
        (False, True),
    }
    feed = api(None).get("/api/v1/offers").get_json()
    assert feed["total"] >= 10 and len(feed["facets"]["type"]) >= 6
    for offer in db.session.scalars(select(Offer).where(Offer.status == "published")):
        text = "\n".join([offer.title, offer.body, offer.area_hint, offer.conditions_other])
        assert not RULES.check(text, only=("PHONE", "LINK")), offer.id
        assert not RULES.check(text), (offer.id, RULES.check(text))


def test_over_capacity_posts_wait_in_line_and_the_job_releases_them(app, api, vouched, city):
    app.config["OFFERS_PUBLISH_PER_MINUTE"] = 2
    author = vouched()
    statuses = []
    for n, kind in enumerate(("tutoring", "books", "clothes", "food")):
        body = offer_body(
            city(),
            support_type=kind,
            title=f"Offre {kind}",
            body=f"Texte {n} {kind} différent, gratuit.",
        )
        statuses.append(api(author).post("/api/v1/offers", json=body).get_json())
    assert [s["status"] for s in statuses] == ["published", "published", "review", "review"]
    waiting = statuses[3]
    assert waiting["review_reason"] == "queue" and waiting["queue"]["position"] == 2
    assert waiting["queue"]["wait_minutes"] >= 1
    # the wall stays open: reading and asking work while posts wait
    assert api(None).get("/api/v1/offers").get_json()["total"] == 2
    assert services.release_queue(utcnow()) == 0  # the minute's cap is used
    assert services.release_queue(utcnow() + dt.timedelta(minutes=2)) == 2
    db.session.commit()
    assert api(None).get("/api/v1/offers").get_json()["total"] == 4


def test_an_edit_adding_a_price_is_refused_whatever_the_title_says(api, vouched, post_offer):
    """The title's "gratuit" sits on another line than the body's price: it does not excuse it
    (an association's offer edited from its page once published "Maintenant 20 dh la séance")."""
    author = vouched()
    offer = post_offer(author, title="Soutien en maths pour collégiens, gratuit")
    refused = api(author).patch(
        f"/api/v1/offers/{offer['id']}", json={"body": "Maintenant 20 dh la séance"}
    )
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "offer_rules"
    db.session.expire_all()
    assert db.session.get(Offer, offer["id"]).body == offer["body"]
