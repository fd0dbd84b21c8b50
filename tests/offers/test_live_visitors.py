"""A visitor's open feed hears offers live too: anonymous sockets connect to ``/offers`` and
may only ``feed_watch`` (read-only), under the per-address socket cap and the ``feed_watch``
rate limit counted per address; they hear exactly what the public feed shows."""

from __future__ import annotations

from dataclasses import replace

import pytest
import socketio

from app.config import Config
from app.realtime import PublicNamespace
from app.realtime import socketio as server_io
from tests.factories import UserFactory
from tests.offers.conftest import offer_body
from tests.support.sockets import Inbox

NS = "/offers"
CAP = 3

pytestmark = pytest.mark.live


@pytest.fixture
def config(config: Config) -> Config:
    return replace(config, rate_limits={"feed_watch": "3 per minute"}, max_sockets_per_address=CAP)


def watch(sock: socketio.Client, filters: dict | None = None) -> dict:
    return sock.call("feed_watch", {"filters": filters or {}}, namespace=NS, timeout=10)


def test_a_visitor_hears_new_offers_as_the_public_feed_shows_them(
    sio_connect, api, vouched, city, client
):
    visitor = sio_connect(None, namespaces=[NS])  # no token, no session: a visitor
    heard = Inbox(visitor, "offer_new", NS)
    closed = Inbox(visitor, "offer_closed", NS)
    assert watch(visitor, {"type": "tutoring"}) == {"ok": True, "room": "offers:tutoring:*:*"}

    author = vouched()
    long_body = "Professeur retraité, je donne des cours de maths gratuits le samedi. " * 6
    created = api(author).post("/api/v1/offers", json=offer_body(city(), body=long_body))
    assert created.status_code == 201, created.get_json()
    offer_id = created.get_json()["id"]
    assert heard.wait()
    pushed = heard.items[-1]["offer"]
    # exactly the item of a visitor's feed (the body cut as there), nothing more
    feed = api(None).get("/api/v1/offers").get_json()["items"]
    assert pushed == next(item for item in feed if item["id"] == offer_id)
    assert len(pushed["body"]) == 280 and "hits" not in pushed and "review_reason" not in pushed
    # the card the page fetches next answers a visitor
    card = client.get(f"/offers/{offer_id}/card")
    assert card.status_code == 200
    assert f'data-offer-id="{offer_id}"' in card.get_json()["html"]

    assert api(author).delete(f"/api/v1/offers/{offer_id}").status_code == 204
    assert closed.wait()
    assert closed.items[-1] == {"id": offer_id}
    assert client.get(f"/offers/{offer_id}/card").status_code == 404  # withdrawn: gone


def test_a_visitor_hears_nothing_the_public_feed_does_not_show(sio_connect, api, city, client):
    visitor = sio_connect(None, namespaces=[NS])
    heard = Inbox(visitor, "offer_new", NS)
    assert watch(visitor)["ok"] is True
    newcomer = api(UserFactory()).post("/api/v1/offers", json=offer_body(city()))
    assert newcomer.get_json()["status"] == "review"  # a first post waits for a moderator
    assert not heard.wait(1)
    assert client.get(f"/offers/{newcomer.get_json()['id']}/card").status_code == 404


def test_a_visitor_may_only_watch(app, sio_connect):
    handler = server_io.server.namespace_handlers[NS]
    assert isinstance(handler, PublicNamespace)
    events = {n for n in dir(handler) if n.startswith("on_") and callable(getattr(handler, n))}
    assert events - {"on_connect", "on_disconnect"} == {"on_feed_watch"}
    visitor = sio_connect(None, namespaces=[NS])
    bad = watch(visitor, {"type": "guns"})
    assert bad["ok"] is False and bad["error"]["code"] == "validation_failed"
    # a visitor is in its own socket's room and the feed's rooms, never a user's
    assert watch(visitor, {"type": "books"})["ok"] is True
    sid = visitor.get_sid(NS)
    rooms = set(server_io.server.manager.get_rooms(sid, NS))
    assert rooms == {sid, "offers:books:*:*", "offers-closed"}


def test_visitors_of_one_address_share_the_feed_watch_limit(sio_connect):
    first, second = sio_connect(None, namespaces=[NS]), sio_connect(None, namespaces=[NS])
    acks = [watch(sock) for sock in (first, second, first, second)]
    assert [a["ok"] for a in acks] == [True, True, True, False]
    assert acks[-1]["error"]["code"] == "rate_limited"
    # a signed-in reader on the same address counts on their own, as before
    reader = sio_connect(UserFactory(), namespaces=[NS])
    assert watch(reader)["ok"] is True


def test_visitors_are_held_to_the_per_address_socket_cap(sio_connect):
    for _ in range(CAP):
        sio_connect(None, namespaces=[NS])
    with pytest.raises(socketio.exceptions.ConnectionError):
        sio_connect(None, namespaces=[NS])


def test_a_bad_token_is_refused_not_taken_for_a_visitor(sio_connect):
    with pytest.raises(socketio.exceptions.ConnectionError):
        sio_connect(None, namespaces=[NS], token="not-a-token")
