"""Moderation of the board: the review queue says why a post waits (readers' flags counted
per reason, never who flagged; its photos), pages and API alike."""

from __future__ import annotations

import io

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
