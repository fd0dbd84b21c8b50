"""The open feed hears offers live on ``/offers``: new ones matching its filters, and the end
of any offer (given, withdrawn, paused) so it leaves every open feed."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory
from tests.offers.conftest import offer_body
from tests.support.sockets import Inbox

NS = "/offers"

pytestmark = pytest.mark.live


def test_a_feed_hears_matching_offers_and_their_end(sio_connect, api, vouched, city):
    author = vouched()
    tutoring_reader = sio_connect(UserFactory(), namespaces=[NS])
    books_reader = sio_connect(UserFactory(), namespaces=[NS])
    heard = Inbox(tutoring_reader, "offer_new", NS)
    not_for_me = Inbox(books_reader, "offer_new", NS)
    closed = Inbox(books_reader, "offer_closed", NS)
    ack = tutoring_reader.call(
        "feed_watch", {"filters": {"type": "tutoring"}}, namespace=NS, timeout=10
    )
    assert ack == {"ok": True, "room": "offers:tutoring:*:*"}
    books_reader.call("feed_watch", {"filters": {"type": "books"}}, namespace=NS, timeout=10)
    bad = books_reader.call("feed_watch", {"filters": {"type": "guns"}}, namespace=NS, timeout=10)
    assert bad["ok"] is False

    created = api(author).post("/api/v1/offers", json=offer_body(city()))
    assert created.status_code == 201
    offer_id = created.get_json()["id"]
    assert heard.wait()
    offer = heard.items[-1]["offer"]
    assert offer["id"] == offer_id and offer["title"].startswith("Cours de maths")
    assert "hits" not in offer and "review_reason" not in offer
    assert not not_for_me.wait(1)

    assert api(author).delete(f"/api/v1/offers/{offer_id}").status_code == 204
    assert closed.wait()
    assert closed.items[-1] == {"id": offer_id}


def test_a_post_in_review_is_not_heard(sio_connect, api, city):
    reader = sio_connect(UserFactory(), namespaces=[NS])
    heard = Inbox(reader, "offer_new", NS)
    reader.call("feed_watch", {"filters": {}}, namespace=NS, timeout=10)
    response = api(UserFactory()).post("/api/v1/offers", json=offer_body(city()))
    assert response.get_json()["status"] == "review"
    assert not heard.wait(1)
