"""The author edits an offer from its page: the words, place hint, delivery and end date,
the board's rules checked again, refusals beside the fields, nothing half-written."""

from __future__ import annotations

from typing import Any

from app.db import db
from offers.models import Offer
from tests.conftest import csrf_token
from tests.factories import UserFactory


def _stored(offer_id: int) -> Offer:
    db.session.expire_all()
    row = db.session.get(Offer, offer_id)
    assert row is not None
    return row


def test_the_author_edits_the_words_from_the_page(
    logged_in: Any, vouched: Any, post_offer: Any
) -> None:
    author = vouched()
    offer = post_offer(author)
    browser = logged_in(author)
    shown = browser.get(f"/offers/{offer['id']}").get_data(as_text=True)
    assert f'href="/offers/{offer["id"]}/edit"' in shown
    page = browser.get(f"/offers/{offer['id']}/edit")
    assert page.status_code == 200
    assert f'value="{offer["title"]}"' in page.get_data(as_text=True)  # filled from the offer
    sent = browser.post(
        f"/offers/{offer['id']}/edit",
        data={
            "csrf_token": csrf_token(browser, f"/offers/{offer['id']}/edit"),
            "title": "Soutien en maths pour 2 élèves, le samedi",
            "body": "Niveau collège, à la bibliothèque du quartier.",
            "area_hint": "Hay Salam",
            "delivery_mode": "at_provider",
            "ends_on": "",
        },
    )
    assert sent.status_code == 303 and sent.headers["Location"].endswith(f"/offers/{offer['id']}")
    row = _stored(offer["id"])
    assert row.title == "Soutien en maths pour 2 élèves, le samedi"
    assert row.area_hint == "Hay Salam" and row.delivery_mode == "at_provider"
    assert row.version == offer.get("version", 1) + 1 and row.status == "published"


def test_a_rule_refusal_shows_on_the_page_and_keeps_the_offer(
    logged_in: Any, vouched: Any, post_offer: Any
) -> None:
    author = vouched()
    offer = post_offer(author)
    browser = logged_in(author)
    before = _stored(offer["id"]).body
    refused = browser.post(
        f"/offers/{offer['id']}/edit",
        data={
            "csrf_token": csrf_token(browser, f"/offers/{offer['id']}/edit"),
            "title": offer["title"],
            "body": "Maintenant 20 dh la séance",
        },
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'class="rule-hit rule-block"' in html  # the rule's reason, where the button was
    assert "Maintenant 20 dh la séance" in html  # what they typed is kept
    assert _stored(offer["id"]).body == before  # nothing half-written


def test_an_empty_title_is_refused_beside_the_field(
    logged_in: Any, vouched: Any, post_offer: Any
) -> None:
    author = vouched()
    offer = post_offer(author)
    browser = logged_in(author)
    refused = browser.post(
        f"/offers/{offer['id']}/edit",
        data={"csrf_token": csrf_token(browser, f"/offers/{offer['id']}/edit"), "title": ""},
    )
    assert refused.status_code == 422
    assert 'id="title-error"' in refused.get_data(as_text=True)
    assert _stored(offer["id"]).title == offer["title"]


def test_only_the_author_may_edit(
    logged_in: Any, client: Any, vouched: Any, post_offer: Any
) -> None:
    offer = post_offer(vouched())
    stranger = logged_in(UserFactory())
    assert stranger.get(f"/offers/{offer['id']}/edit").status_code == 403
    assert "/offers/" in stranger.get(f"/offers/{offer['id']}").get_data(as_text=True)
    assert f'/offers/{offer["id"]}/edit"' not in stranger.get(f"/offers/{offer['id']}").get_data(
        as_text=True
    )
    assert client.get(f"/offers/{offer['id']}/edit").status_code in (302, 401)
    posted = stranger.post(
        f"/offers/{offer['id']}/edit",
        data={"csrf_token": csrf_token(stranger), "title": "Pris"},
    )
    assert posted.status_code == 403 and _stored(offer["id"]).title == offer["title"]
