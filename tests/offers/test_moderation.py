"""Moderation of the board: the review queue says why a post waits (readers' flags counted
per reason, never who flagged; its photos), pages and API alike."""

from __future__ import annotations

import io
import re

from PIL import Image

from app.db import db
from offers.models import Offer
from tests.conftest import csrf_token
from tests.factories import UserFactory


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 200)).save(out, format="JPEG")
    return out.getvalue()


def _photo(api, who, offer_id: int) -> dict:
    sent = api(who).post(
        f"/api/v1/offers/{offer_id}/images",
        data={"file": (io.BytesIO(_jpeg()), "p.jpg"), "no_person_visible": "true"},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 201, sent.get_json()
    return sent.get_json()


def _flagged_and_photographed(api, vouched, post_offer):
    """A published offer that three readers flagged (two for the same reason, one case
    apart) and a first poster's books whose photo sent them to review."""
    flagged = post_offer(vouched())
    flaggers = [UserFactory(display_name=f"Flagger Secret {n}") for n in range(3)]
    for who, reason in zip(flaggers, ("C'est payant", "c'est payant ", "publicité"), strict=True):
        sent = api(who).post(f"/api/v1/offers/{flagged['id']}/flags", json={"reason": reason})
        assert sent.status_code == 201
    author = vouched()
    books = post_offer(
        author, support_type="books", title="Livres de lecture", body="Une caisse, gratuite."
    )
    photo = _photo(api, author, books["id"])
    assert photo["status"] == "review"
    return flagged, books, photo, flaggers


def test_the_api_queue_says_why_each_post_waits(api, app, vouched, post_offer):
    flagged, books, photo, flaggers = _flagged_and_photographed(api, vouched, post_offer)
    moderator = UserFactory(is_admin=True)
    assert api(None).get("/api/v1/offers/review").status_code == 401
    assert api(UserFactory()).get("/api/v1/offers/review").status_code == 403
    got = api(moderator).get("/api/v1/offers/review")
    assert got.status_code == 200, got.get_json()
    page = got.get_json()
    assert page["total"] == 2 and page["page"] == 1
    by_id = {item["id"]: item for item in page["items"]}
    reported = by_id[flagged["id"]]
    assert reported["review_reason"] == "flags" and reported["flag_total"] == 3
    assert reported["flags"] == [
        {"reason": "C'est payant", "count": 2},
        {"reason": "publicité", "count": 1},
    ]
    assert reported["photos"] == []
    pictured = by_id[books["id"]]
    assert pictured["review_reason"] == "photo" and pictured["flags"] == []
    assert [p["url"] for p in pictured["photos"]] == [photo["url"]]
    text = got.get_data(as_text=True)
    for who in flaggers:  # nobody learns who flagged
        assert who.display_name not in text and who.username not in text
        assert f'"user_id": {who.id}' not in text
    # the moderator sees the photo of a post in review; nobody else does
    client = app.test_client()
    assert client.get(photo["url"]).status_code == 404
    seen = api(moderator).get(photo["url"])
    assert seen.status_code == 200 and seen.mimetype == "image/jpeg"
    seen.close()
    spec = api(None).get("/api/v1/openapi.json").get_json()
    assert "/api/v1/offers/review" in spec["paths"]
    assert "ReviewItem" in spec["components"]["schemas"]


def test_the_review_page_shows_reasons_counted_and_photos(api, logged_in, vouched, post_offer):
    _flagged, _books, photo, flaggers = _flagged_and_photographed(api, vouched, post_offer)
    moderator = logged_in(UserFactory(is_admin=True, locale="fr"))
    html = moderator.get("/offers/review", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Signalée par des lecteurs" in html and "3 signalements de lecteurs" in html
    assert "C&#39;est payant" in html and "publicité" in html
    assert f'src="{photo["url"]}"' in html
    for who in flaggers:
        assert who.display_name not in html


def test_a_moderator_decides_through_the_api(api, vouched, post_offer):
    author = UserFactory()  # a first post: it waits for review
    offer = post_offer(author)
    moderator = UserFactory(is_admin=True)
    path = f"/api/v1/offers/{offer['id']}/review"
    assert api(UserFactory()).post(path, json={"action": "approve"}).status_code == 404
    assert api(author).post(path, json={"action": "approve"}).status_code == 403
    unsaid = api(moderator).post(path, json={"action": "refuse"})
    assert unsaid.status_code == 422 and "reason" in unsaid.get_json()["error"]["fields"]
    wrong = api(moderator).post(path, json={"action": "delete"})
    assert wrong.status_code == 422
    db.session.expire_all()
    assert db.session.get(Offer, offer["id"]).status == "review"
    done = api(moderator).post(path, json={"action": "approve"})
    assert done.status_code == 200 and done.get_json()["status"] == "published"
    again = api(moderator).post(path, json={"action": "approve"})
    assert again.status_code == 409


def test_approving_a_flagged_post_dismisses_its_flags(api, vouched, post_offer):
    """Flags a moderator judged do not count again: after approval one new flag does not
    send the post back, and its queue entry shows only the flags that came after."""
    offer = post_offer(vouched())
    flaggers = [UserFactory() for _n in range(3)]
    for who in flaggers:
        sent = api(who).post(f"/api/v1/offers/{offer['id']}/flags", json={"reason": "pub"})
        assert sent.status_code == 201
    moderator = UserFactory(is_admin=True)
    path = f"/api/v1/offers/{offer['id']}/review"
    assert api(moderator).post(path, json={"action": "approve"}).get_json()["status"] == "published"
    # a reader whose flag was judged cannot flag it again; a new reader's flag counts from one
    again = api(flaggers[0]).post(f"/api/v1/offers/{offer['id']}/flags", json={"reason": "pub"})
    assert again.status_code == 409
    newcomer = api(UserFactory()).post(
        f"/api/v1/offers/{offer['id']}/flags", json={"reason": "payant"}
    )
    assert newcomer.status_code == 201 and newcomer.get_json()["flags"] == 1
    db.session.expire_all()
    assert db.session.get(Offer, offer["id"]).status == "published"
    for _n in range(2):
        sent = api(UserFactory()).post(
            f"/api/v1/offers/{offer['id']}/flags", json={"reason": "payant"}
        )
        assert sent.status_code == 201
    db.session.expire_all()
    assert db.session.get(Offer, offer["id"]).status == "review"
    queue = api(moderator).get("/api/v1/offers/review").get_json()
    (item,) = [i for i in queue["items"] if i["id"] == offer["id"]]
    assert item["flag_total"] == 3 and item["flags"] == [{"reason": "payant", "count": 3}]


def test_the_page_queue_refuses_without_a_reason_then_with_one(logged_in, api, post_offer):
    offer = post_offer(UserFactory())
    moderator = logged_in(UserFactory(is_admin=True))
    token = csrf_token(moderator, "/offers/review")
    refused = moderator.post(
        "/offers/review", data={"csrf_token": token, "offer_id": offer["id"], "action": "refuse"}
    )
    assert refused.status_code == 422
    done = moderator.post(
        "/offers/review",
        data={"csrf_token": token, "offer_id": offer["id"], "action": "refuse", "reason": "Flou"},
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Offer, offer["id"]).status == "refused"


# --- "known to us" codes: listed and revoked by the association's administrators ----------


def _association_with_admin():
    from tests.directory.factories import AssociationFactory, MembershipFactory

    association = AssociationFactory(status="approved")
    admin = UserFactory()
    MembershipFactory(association=association, user=admin, role="admin")
    member = UserFactory()
    MembershipFactory(association=association, user=member, role="member")
    db.session.commit()
    return association, admin, member


def _code(api, admin, association_id: int, person) -> str:
    made = api(admin).post(
        f"/api/v1/associations/{association_id}/referrals", json={"user_id": person.id}
    )
    assert made.status_code == 201
    return made.get_json()["token"]


def test_codes_are_listed_without_the_person_and_an_unused_one_is_revoked(api, vouched, post_offer):
    association, admin, member = _association_with_admin()
    person = UserFactory(display_name="Secret Beneficiary")
    kept, lost = (
        _code(api, admin, association.id, person),
        _code(api, admin, association.id, person),
    )
    offer = post_offer(vouched())
    used = api(person).post(f"/api/v1/offers/{offer['id']}/claims", json={"referral_token": kept})
    assert used.status_code == 201
    path = f"/api/v1/associations/{association.id}/referrals"
    assert api(None).get(path).status_code == 401
    for who in (member, UserFactory(), UserFactory(is_admin=True)):
        assert api(who).get(path).status_code == 403
    assert api(admin).get("/api/v1/associations/999999/referrals").status_code == 404
    listed = api(admin).get(path)
    assert listed.status_code == 200
    page = listed.get_json()
    assert page["total"] == 2
    newest, oldest = page["items"]
    assert newest["hint"] == lost[-4:] and newest["status"] == "unused" and not newest["used_at"]
    assert oldest["hint"] == kept[-4:] and oldest["status"] == "used" and oldest["used_at"]
    text = listed.get_data(as_text=True)
    assert "Secret Beneficiary" not in text and person.username not in text
    assert "user_id" not in text and kept not in text and lost not in text
    # revoking: the association's administrators only, the unused code only
    revoke = f"{path}/{newest['id']}/revoke"
    assert api(None).post(revoke).status_code == 401
    assert api(member).post(revoke).status_code == 403
    assert api(UserFactory(is_admin=True)).post(revoke).status_code == 403
    other, other_admin, _m = _association_with_admin()
    foreign = api(other_admin).post(
        f"/api/v1/associations/{other.id}/referrals/{newest['id']}/revoke"
    )
    assert foreign.status_code == 404
    done = api(admin).post(revoke)
    assert done.status_code == 200 and done.get_json()["status"] == "revoked"
    assert api(admin).post(revoke).get_json()["status"] == "revoked"  # again: nothing changes
    used_one = api(admin).post(f"{path}/{oldest['id']}/revoke")
    assert used_one.status_code == 409 and used_one.get_json()["error"]["code"] == "referral_used"
    # a request presenting the revoked code is refused, in the person's language
    other_offer = post_offer(
        vouched(), title="Livres de lecture", support_type="books", body="Des livres gratuits."
    )
    refused = api(person).post(
        f"/api/v1/offers/{other_offer['id']}/claims",
        json={"referral_token": lost},
        headers={"Accept-Language": "fr"},
    )
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert "retiré par l’association" in error["message"] and "referral_token" in error["fields"]
    db.session.expire_all()
    from offers.models import Claim

    assert db.session.query(Claim).filter_by(offer_id=other_offer["id"]).count() == 0
    spec = api(None).get("/api/v1/openapi.json").get_json()
    assert "/api/v1/associations/{association_id}/referrals/{referral_id}/revoke" in spec["paths"]


def test_the_codes_page_lists_and_revokes(api, logged_in):
    association, admin, member = _association_with_admin()
    person = UserFactory(display_name="Secret Beneficiary")
    token = _code(api, admin, association.id, person)
    url = f"/offers/referrals/{association.id}"
    board = logged_in(admin)
    html = board.get(url, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert f"…{token[-4:]}" in html and "Pas encore utilisé" in html
    assert "Secret Beneficiary" not in html and token not in html
    [revoke] = re.findall(r'action="(/offers/referrals/\d+/\d+/revoke)"', html)
    stranger = logged_in(member)
    assert stranger.post(revoke, data={"csrf_token": csrf_token(stranger, "/")}).status_code == 403
    done = board.post(revoke, data={"csrf_token": csrf_token(board, url)})
    assert done.status_code == 303
    after = board.get(url, headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert "أُلغي في" in after and 'action="' + revoke not in after


# --- strikes: a refusal (readers' flags upheld too) counts, and acts at the thresholds -----


def _refuse(api, moderator, offer_id: int, reason: str) -> None:
    done = api(moderator).post(
        f"/api/v1/offers/{offer_id}/review", json={"action": "refuse", "reason": reason}
    )
    assert done.status_code == 200, done.get_json()


def _flag_three_times(api, offer_id: int) -> None:
    for _n in range(3):
        sent = api(UserFactory()).post(f"/api/v1/offers/{offer_id}/flags", json={"reason": "pub"})
        assert sent.status_code == 201


def test_strikes_take_publish_at_once_away_then_mark_a_spammer(
    api, app, logged_in, vouched, post_offer
):
    from app.notifications.models import Notification
    from offers.models import Standing, Strike

    author = vouched()
    author.locale = "fr"
    db.session.commit()
    moderator = UserFactory(is_admin=True)
    titles = ["Cours de maths", "Livres de lecture", "Vêtements chauds", "Jouets", "Couffin"]
    # first strike: readers' flags upheld by a moderator
    first = post_offer(author, title=titles[0])
    assert first["status"] == "published"
    _flag_three_times(api, first["id"])
    _refuse(api, moderator, first["id"], "Payant en réalité")
    # second: a post refused... the author still publishes at once
    second = post_offer(author, title=titles[1], body="Une caisse de livres.", support_type="books")
    assert second["status"] == "published"
    _flag_three_times(api, second["id"])
    _refuse(api, moderator, second["id"], "Hors sujet")
    db.session.expire_all()
    kinds = [s.kind for s in db.session.query(Strike).order_by(Strike.id)]
    assert kinds == ["flags", "flags"]
    notes = api(author).get("/api/v1/notifications", headers={"Accept-Language": "fr"})
    texts = [n["text"] for n in notes.get_json()["items"]]
    assert any("Payant en réalité" in t and "avertissement" in t for t in texts), texts
    # third: under review from now on, even a vouched person
    third = post_offer(author, title=titles[2], body="Des pulls.", support_type="clothes")
    assert third["status"] == "published"
    _flag_three_times(api, third["id"])
    _refuse(api, moderator, third["id"], "Annonce commerciale")
    waiting = post_offer(author, title=titles[3], body="Des jouets.", support_type="other")
    assert waiting["status"] == "review" and waiting["review_reason"] == "strikes"
    queue = api(moderator).get("/api/v1/offers/review").get_json()["items"]
    assert [(o["id"], o["review_reason"]) for o in queue] == [(waiting["id"], "strikes")]
    html = logged_in(author).get("/offers/mine").get_data(as_text=True)  # in their French
    assert "Annonce commerciale" in html and "Payant en réalité" in html
    assert "3 avertissements ces 90 derniers jours" in html
    assert "Vos annonces sont lues par un modérateur" in html
    # a moderator publishes it; the fourth strike, then the fifth: marked as a spammer
    assert (
        api(moderator)
        .post(f"/api/v1/offers/{waiting['id']}/review", json={"action": "approve"})
        .status_code
        == 200
    )
    fifth = post_offer(author, title=titles[4], body="Un couffin.", support_type="furniture")
    assert fifth["status"] == "review"
    _refuse(api, moderator, fifth["id"], "Doublon")
    db.session.expire_all()
    assert not db.session.get(Standing, author.id).spammer
    _flag_three_times(api, waiting["id"])
    _refuse(api, moderator, waiting["id"], "Revente")
    db.session.expire_all()
    row = db.session.get(Standing, author.id)
    assert row.spammer and row.strikes == 5
    assert db.session.query(Offer).filter_by(author_id=author.id, hidden=False).count() == 0
    refused = api(author).post("/api/v1/offers", json={"title": "x"})
    assert refused.status_code == 403
    kinds = {n.kind for n in db.session.query(Notification).filter_by(user_id=author.id)}
    assert {"offer_strike", "offer_under_review", "offer_spammer"} <= kinds


def test_strikes_older_than_the_window_stop_counting(api, app, vouched, post_offer):
    import datetime as dt

    from app.db import utcnow
    from offers.models import Strike

    author = vouched()
    moderator = UserFactory(is_admin=True)
    old = utcnow() - dt.timedelta(days=app.config["OFFERS_STRIKE_WINDOW_DAYS"] + 1)
    for _n in range(3):
        db.session.add(Strike(user_id=author.id, kind="refused", reason="ancien", created_at=old))
    db.session.commit()
    fresh = post_offer(author)
    assert fresh["status"] == "published"  # three strikes, all too old to count
    _flag_three_times(api, fresh["id"])
    _refuse(api, moderator, fresh["id"], "Payant")
    again = post_offer(author, title="Livres", body="Une caisse de livres.", support_type="books")
    assert again["status"] == "published"  # one strike counts: below the threshold


def test_a_first_post_refused_is_a_strike_with_its_reason_told(api, logged_in, post_offer):
    from app.notifications.models import Notification

    author = UserFactory(locale="ar")
    offer = post_offer(author)
    _refuse(api, UserFactory(is_admin=True), offer["id"], "غير مجاني")
    note = db.session.query(Notification).filter_by(user_id=author.id).one()
    assert note.kind == "offer_strike"
    html = logged_in(author).get("/notifications").get_data(as_text=True)
    assert "غير مجاني" in html and "إنذار" in html


def test_the_strike_settings_are_typed_and_checked():
    import pytest

    from app.config import Config, ConfigError

    cfg = Config.from_env(
        {
            "JAM3IA_OFFERS_STRIKE_WINDOW_DAYS": "30",
            "JAM3IA_OFFERS_STRIKES_TO_REVIEW": "2",
            "JAM3IA_OFFERS_STRIKES_TO_SPAMMER": "4",
        }
    )
    assert (cfg.offers_strike_window_days, cfg.offers_strikes_to_review) == (30, 2)
    assert cfg.flask_settings()["OFFERS_STRIKES_TO_SPAMMER"] == 4
    for wrong in (
        {"JAM3IA_OFFERS_STRIKES_TO_REVIEW": "three"},
        {"JAM3IA_OFFERS_STRIKE_WINDOW_DAYS": "0"},
        {"JAM3IA_OFFERS_STRIKES_TO_REVIEW": "5", "JAM3IA_OFFERS_STRIKES_TO_SPAMMER": "5"},
    ):
        with pytest.raises(ConfigError, match="JAM3IA_OFFERS_STRIKE"):
            Config.from_env(wrong)
