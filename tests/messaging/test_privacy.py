"""Presence with consent: only between people who wrote to each other or share an
association; blocks (no messages, no presence, no mentions) and hidden presence, on the API,
the pages and the socket."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from app.db import db
from app.notifications.models import Notification
from tests.conftest import csrf_token
from tests.factories import UserFactory
from tests.messaging.conftest import ChatClient
from tests.messaging.factories import direct

Chat = Callable[..., ChatClient]


def fence(sender: ChatClient, observer: ChatClient, conversation_id: int) -> None:
    ack = sender.send(conversation_id, "fence")
    assert ack["ok"], ack
    observer.wait_event("message_new", lambda d: d["message"]["id"] == ack["message"]["id"])


def heard(observer: ChatClient, user_id: int) -> list[Any]:
    return [p for p in observer.of("presence") if p["user_id"] == user_id]


def online_in_detail(api: Any, viewer: Any, conversation_id: int) -> dict[int, bool]:
    members = api(viewer).get(f"/api/v1/conversations/{conversation_id}").json["members"]
    return {m["user_id"]: m["online"] for m in members}


def talk(api: Any, conversation_id: int, *people: Any) -> None:
    for i, person in enumerate(people):
        url = f"/api/v1/conversations/{conversation_id}/messages"
        cid = f"talk{conversation_id}-{i}"
        reply = api(person).post(url, json={"body": "salam", "client_id": cid})
        assert reply.status_code == 201, reply.json


def test_an_empty_direct_conversation_gives_no_presence(chat: Chat, api: Any) -> None:
    a, stranger, friend = UserFactory(), UserFactory(), UserFactory()
    opened = direct(stranger, a)  # anyone can open one; a never answered
    talk(api, opened.id, stranger)  # even writing into it is not consent
    side = direct(friend, stranger)
    talk(api, side.id, friend, stranger)
    eve = chat(stranger)
    alice = chat(a)
    fence(chat(friend), eve, side.id)
    assert heard(eve, a.id) == []
    assert online_in_detail(api, stranger, opened.id)[a.id] is False
    # once a answers, they have exchanged messages: presence flows
    talk(api, opened.id, a)
    assert online_in_detail(api, stranger, opened.id)[a.id] is True
    alice.sio.disconnect()
    assert eve.wait_event("presence", lambda d: d["user_id"] == a.id) == {
        "user_id": a.id,
        "online": False,
    }


def test_people_of_one_association_see_each_other(chat: Chat, api: Any) -> None:
    from tests.directory.factories import AssociationFactory, MembershipFactory

    assoc = AssociationFactory(status="approved")
    a, b = UserFactory(), UserFactory()
    MembershipFactory(association=assoc, user=a, role="member")
    MembershipFactory(association=assoc, user=b, role="member")
    conv = direct(a, b)
    bob = chat(b)
    chat(a)
    assert bob.wait_event("presence", lambda d: d["user_id"] == a.id)["online"] is True
    assert online_in_detail(api, b, conv.id)[a.id] is True


def test_a_block_stops_messages_and_presence_both_ways(chat: Chat, api: Any) -> None:
    a, b = UserFactory(), UserFactory()
    conv = direct(a, b)
    talk(api, conv.id, a, b)
    assert api(a).put(f"/api/v1/me/blocks/{b.id}").status_code == 204
    assert api(a).put(f"/api/v1/me/blocks/{b.id}").status_code == 204  # idempotent
    assert [p["id"] for p in api(a).get("/api/v1/me/blocks").json["items"]] == [b.id]
    url = f"/api/v1/conversations/{conv.id}/messages"
    refused = api(b).post(url, json={"body": "hé", "client_id": "after-block"})
    assert refused.status_code == 403 and refused.json["error"]["code"] == "blocked"
    assert api(a).post(url, json={"body": "x", "client_id": "mine"}).status_code == 403
    bob = chat(b)
    ack = bob.send(conv.id, "par socket")
    assert ack["ok"] is False and ack["error"]["code"] == "blocked"
    again = api(b).post("/api/v1/conversations", json={"member_ids": [a.id], "title": "g"})
    assert again.status_code == 403
    # neither sees the other online
    chat(a)
    assert online_in_detail(api, b, conv.id)[a.id] is False
    assert online_in_detail(api, a, conv.id)[b.id] is False
    side = direct(UserFactory(), b)
    other = chat(db.session.get(type(a), side.members[0].user_id))
    fence(other, bob, side.id)
    assert heard(bob, a.id) == []
    assert api(a).put(f"/api/v1/me/blocks/{a.id}").status_code == 422
    assert api(a).put("/api/v1/me/blocks/999999").status_code == 404
    # unblocked: they write again
    assert api(a).delete(f"/api/v1/me/blocks/{b.id}").status_code == 204
    assert api(b).post(url, json={"body": "re", "client_id": "unblocked"}).status_code == 201
    assert api(a).get("/api/v1/me/blocks").json["items"] == []


def test_hidden_presence(chat: Chat, api: Any, logged_in: Any) -> None:
    a, b = UserFactory(), UserFactory()
    conv = direct(a, b)
    talk(api, conv.id, a, b)
    changed = api(a).patch("/api/v1/me", json={"hide_presence": True})
    assert changed.status_code == 200 and changed.json["hide_presence"] is True
    bob = chat(b)
    alice = chat(a)
    fence(alice, bob, conv.id)
    assert heard(bob, a.id) == []
    assert online_in_detail(api, b, conv.id)[a.id] is False
    assert online_in_detail(api, a, conv.id)[a.id] is True  # one's own tabs still know
    # the settings page turns it off again
    browser = logged_in(a)
    form = {
        "action": "profile",
        "display_name": a.display_name,
        "bio": "",
        "locale": "",
        "csrf_token": csrf_token(browser, "/settings"),
    }
    assert browser.post("/settings", data=form).status_code == 302
    assert api(a).get("/api/v1/me").json["hide_presence"] is False
    form["hide_presence"] = "y"
    assert browser.post("/settings", data=form).status_code == 302
    assert api(a).get("/api/v1/me").json["hide_presence"] is True
    assert 'name="hide_presence"' in browser.get("/settings").get_data(as_text=True)


def test_block_from_the_profile_page_and_no_mentions(api: Any, logged_in: Any) -> None:
    from tests.forums.factories import ForumFactory, make_topic

    a = UserFactory(username="amal")
    b = UserFactory()
    browser = logged_in(a)
    token = csrf_token(browser, f"/users/{b.id}")
    assert browser.post(f"/users/{b.id}/block", data={"csrf_token": token}).status_code == 302
    assert "/unblock" in browser.get(f"/users/{b.id}").get_data(as_text=True)
    assert [p["id"] for p in api(a).get("/api/v1/me/blocks").json["items"]] == [b.id]
    topic, _post = make_topic(forum=ForumFactory())
    reply = api(b).post(f"/api/v1/topics/{topic.id}/posts", json={"body": "hello @amal"})
    assert reply.status_code == 201
    db.session.expire_all()
    notes = db.session.scalars(select(Notification).where(Notification.user_id == a.id)).all()
    assert notes == []
    assert browser.post(f"/users/{b.id}/unblock", data={"csrf_token": token}).status_code == 302
    assert api(a).get("/api/v1/me/blocks").json["items"] == []


def test_hiding_or_blocking_while_online_tells_the_others_offline(chat: Chat, api: Any) -> None:
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    with_b, with_c = direct(a, b), direct(a, c)
    talk(api, with_b.id, a, b)
    talk(api, with_c.id, a, c)
    bob, carol = chat(b), chat(c)
    alice = chat(a)
    for ear in (bob, carol):
        assert ear.wait_event("presence", lambda d: d["user_id"] == a.id)["online"] is True
    # b blocks a: each hears the other go offline at once
    assert api(b).put(f"/api/v1/me/blocks/{a.id}").status_code == 204
    offline = {"user_id": a.id, "online": False}
    assert bob.wait_event("presence", lambda d: d == offline) == offline
    assert alice.wait_event("presence", lambda d: d["user_id"] == b.id) == {
        "user_id": b.id,
        "online": False,
    }
    # a hides their presence: the people who saw it hear offline
    assert api(a).patch("/api/v1/me", json={"hide_presence": True}).status_code == 200
    assert carol.wait_event("presence", lambda d: d == offline) == offline
