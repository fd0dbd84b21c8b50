"""The /chat namespace through real python-socketio clients against a live server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import socketio

from app import limits
from app.db import db
from messaging.models import Conversation, Message
from tests.conftest import LiveServer, token_for
from tests.factories import UserFactory
from tests.messaging.conftest import NS, ChatClient
from tests.messaging.factories import direct, group, send

Chat = Callable[..., ChatClient]


def stored() -> int:
    db.session.expire_all()
    return db.session.query(Message).count()


def fence(sender: ChatClient, observer: ChatClient, conversation_id: int) -> None:
    """Send a marker to ``observer`` and wait for it: anything pushed before it has arrived."""
    ack = sender.send(conversation_id, "fence")
    assert ack["ok"], ack
    observer.wait_event("message_new", lambda d: d["message"]["id"] == ack["message"]["id"])


def test_delivery_to_members_and_senders_other_tabs(chat: Chat) -> None:
    a, b, stranger = UserFactory(), UserFactory(), UserFactory()
    conv = direct(a, b)
    side = direct(a, stranger)
    tab1, tab2, bob, eve = chat(a), chat(a), chat(b), chat(stranger)
    ack = tab1.send(conv.id, "سلام **عليكم**", "first")
    assert ack["ok"] is True and ack["created"] is True
    message = ack["message"]
    assert message["body"] == "سلام **عليكم**" and "<strong>عليكم</strong>" in message["body_html"]
    assert message["sender_id"] == a.id and message["client_id"] == "first"
    for client in (bob, tab2, tab1):
        got = client.wait_event("message_new", lambda d: d["message"]["id"] == message["id"])
        assert got["message"] == message
    fence(tab1, eve, side.id)
    assert eve.messages(conv.id) == []


def test_ordering_many_messages(chat: Chat) -> None:
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    conv = group(a, b, c)
    alice, bob, carol = chat(a), chat(b), chat(c)
    sent = []
    for i in range(15):
        sender = (alice, bob, carol)[i % 3]
        ack = sender.send(conv.id, f"msg {i}")
        assert ack["ok"], ack
        sent.append(ack["message"]["id"])
    assert sent == sorted(sent) and len(set(sent)) == 15
    for client in (alice, bob, carol):
        client.wait_for(lambda c=client: len(c.messages(conv.id)) == 15)
        assert [m["id"] for m in client.messages(conv.id)] == sent


def test_retry_with_same_client_id_is_stored_and_pushed_once(chat: Chat) -> None:
    a, b = UserFactory(), UserFactory()
    conv = direct(a, b)
    alice, bob = chat(a), chat(b)
    first = alice.send(conv.id, "une seule fois", "retry-1")
    again = alice.send(conv.id, "une seule fois", "retry-1")
    assert first["ok"] and again["ok"]
    assert again["created"] is False and again["message"] == first["message"]
    fence(alice, bob, conv.id)
    assert [m["client_id"] for m in bob.messages(conv.id)].count("retry-1") == 1
    different = alice.send(conv.id, "autre texte", "retry-1")
    assert different["ok"] is False and different["error"]["code"] == "client_id_reused"
    assert stored() == 2  # the message and the fence


def test_rest_send_then_socket_retry_gives_the_same_message(chat: Chat, api: Any) -> None:
    a, b = UserFactory(), UserFactory()
    conv = direct(a, b)
    alice = chat(a)
    rest = api(a).post(
        f"/api/v1/conversations/{conv.id}/messages", json={"body": "hybride", "client_id": "mix"}
    )
    assert rest.status_code == 201
    ack = alice.send(conv.id, "hybride", "mix")
    assert ack["ok"] and ack["created"] is False and ack["message"]["id"] == rest.json["id"]
    assert stored() == 1


BAD_PAYLOADS: list[tuple[Any, str]] = [
    ("not an object", "bad_payload"),
    (["a", "list"], "bad_payload"),
    (None, "bad_payload"),
    ({f"k{i}": i for i in range(50)}, "bad_payload"),
    ({"body": "x", "client_id": "c"}, "not_found"),
    ({"conversation_id": "1", "body": "x", "client_id": "c"}, "not_found"),
    ({"conversation_id": True, "body": "x", "client_id": "c"}, "not_found"),
    ({"conversation_id": 10**30, "body": "x", "client_id": "c"}, "not_found"),
    ({"conversation_id": 999_999, "body": "x", "client_id": "c"}, "not_found"),
    ({"conversation_id": "CONV", "client_id": "c"}, "validation_failed"),
    ({"conversation_id": "CONV", "body": 5, "client_id": "c"}, "validation_failed"),
    ({"conversation_id": "CONV", "body": {"x": 1}, "client_id": "c"}, "validation_failed"),
    ({"conversation_id": "CONV", "body": "", "client_id": "c"}, "empty_body"),
    ({"conversation_id": "CONV", "body": "x" * 5001, "client_id": "c"}, "body_too_long"),
    ({"conversation_id": "CONV", "body": "x" * 60_000, "client_id": "c"}, "body_too_long"),
    ({"conversation_id": "CONV", "body": "x"}, "invalid_client_id"),
    ({"conversation_id": "CONV", "body": "x", "client_id": 7}, "invalid_client_id"),
    ({"conversation_id": "CONV", "body": "x", "client_id": "c" * 10_000}, "invalid_client_id"),
]


@pytest.mark.parametrize(("payload", "code"), BAD_PAYLOADS)
def test_bad_send_payloads_get_error_acks_and_store_nothing(
    chat: Chat, payload: Any, code: str
) -> None:
    a, b = UserFactory(), UserFactory()
    conv = direct(a, b)
    alice = chat(a)
    if isinstance(payload, dict) and payload.get("conversation_id") == "CONV":
        payload = dict(payload, conversation_id=conv.id)
    ack = alice.call("message_send", payload)
    assert ack["ok"] is False, ack
    assert ack["error"]["code"] == code
    assert stored() == 0
    # the connection is still usable
    assert alice.send(conv.id, "still here")["ok"] is True
    assert stored() == 1


def test_non_member_cannot_send_type_read_or_edit(chat: Chat, api: Any) -> None:
    a, b, stranger = UserFactory(), UserFactory(), UserFactory()
    conv = direct(a, b)
    side = direct(a, stranger)
    alice, bob, eve = chat(a), chat(b), chat(stranger)
    message = alice.send(conv.id, "secret")["message"]
    for event, data in [
        ("message_send", {"conversation_id": conv.id, "body": "intrus", "client_id": "x"}),
        ("typing", {"conversation_id": conv.id}),
        ("read", {"conversation_id": conv.id, "last_read_id": message["id"]}),
        ("message_edit", {"message_id": message["id"], "body": "pirate"}),
        ("message_delete", {"message_id": message["id"]}),
    ]:
        ack = eve.call(event, data)
        assert ack == {"ok": False, "error": ack["error"]} and ack["error"]["code"] == "not_found"
    # the member (not the sender) may not edit either
    assert (
        bob.call("message_edit", {"message_id": message["id"], "body": "x"})["error"]["code"]
        == "forbidden"
    )
    fence(alice, bob, conv.id)
    assert [e for e, _d in bob.events if e in ("typing", "read", "message_updated")] == []
    fence(alice, eve, side.id)
    assert eve.messages(conv.id) == []
    assert stored() == 3


def test_unauthenticated_or_bad_token_connect_is_refused(live_server: LiveServer) -> None:
    for auth in (None, {"token": "nope"}, {"token": 12}):
        client = socketio.Client(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError):
            client.connect(
                live_server.url,
                namespaces=[NS],
                auth=auth,
                transports=["websocket"],
                wait_timeout=5,
            )
        client.disconnect()


def test_reconnect_catch_up_after_id(chat: Chat, api: Any) -> None:
    a, b = UserFactory(), UserFactory()
    conv = direct(a, b)
    alice, bob = chat(a), chat(b)
    first = alice.send(conv.id, "avant")["message"]
    bob.wait_event("message_new", lambda d: d["message"]["id"] == first["id"])
    last_id = max(m["id"] for m in bob.messages(conv.id))
    bob.sio.disconnect()
    missed = [alice.send(conv.id, f"pendant {i}")["message"]["id"] for i in range(3)]
    bob2 = chat(b)
    after = alice.send(conv.id, "après")["message"]
    bob2.wait_event("message_new", lambda d: d["message"]["id"] == after["id"])
    # what the page does on reconnect: fetch everything after the last id it holds, merge, dedupe
    fetched = (
        api(b)
        .get(f"/api/v1/conversations/{conv.id}/messages", query_string={"after_id": last_id})
        .json["items"]
    )
    merged = {m["id"]: m for m in [*bob.messages(conv.id), *fetched, *bob2.messages(conv.id)]}
    assert sorted(merged) == [first["id"], *missed, after["id"]]
    assert [m["id"] for m in fetched] == [*missed, after["id"]]


def test_edit_and_delete_are_pushed(chat: Chat) -> None:
    a, b = UserFactory(), UserFactory()
    conv = direct(a, b)
    alice, bob = chat(a), chat(b)
    message = alice.send(conv.id, "brouillon")["message"]
    edited = alice.call("message_edit", {"message_id": message["id"], "body": "version finale"})
    assert edited["ok"] and edited["message"]["edited_at"]
    got = bob.wait_event("message_updated", lambda d: d["message"]["edited_at"] is not None)
    assert got["message"]["body"] == "version finale"
    assert alice.call("message_delete", {"message_id": message["id"]})["ok"]
    gone = bob.wait_event("message_updated", lambda d: d["message"]["deleted"])
    assert gone["message"]["body"] == "" and gone["message"]["id"] == message["id"]
    assert (
        alice.call("message_edit", {"message_id": "x", "body": "y"})["error"]["code"]
        == "validation_failed"
    )


def test_typing_reaches_other_members_once_per_interval(chat: Chat) -> None:
    a, b, stranger = UserFactory(), UserFactory(), UserFactory()
    conv = direct(a, b)
    side = direct(a, stranger)
    alice, bob, eve = chat(a), chat(b), chat(stranger)
    assert alice.call("typing", {"conversation_id": conv.id}) == {"ok": True}
    assert alice.call("typing", {"conversation_id": conv.id}) == {"ok": True}  # throttled
    got = bob.wait_event("typing")
    assert got == {"conversation_id": conv.id, "user_id": a.id}
    fence(alice, bob, conv.id)
    assert len(bob.of("typing")) == 1
    fence(alice, eve, side.id)
    assert eve.of("typing") == []
    assert alice.of("typing") == []  # not echoed to the typist
    assert alice.call("typing", {"conversation_id": "x"})["ok"] is False
    assert alice.call("typing", "x")["error"]["code"] == "bad_payload"


def test_read_event_reaches_members_and_readers_tabs(chat: Chat) -> None:
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    conv = group(a, b, c)
    alice, bob, bob_tab, carol = chat(a), chat(b), chat(b), chat(c)
    ids = [alice.send(conv.id, f"lu {i}")["message"]["id"] for i in range(2)]
    ack = bob.call("read", {"conversation_id": conv.id, "last_read_id": ids[1]})
    assert ack == {"ok": True, "conversation_id": conv.id, "last_read_id": ids[1]}
    seen = alice.wait_event("read")
    assert seen == {"conversation_id": conv.id, "user_id": b.id, "last_read_id": ids[1]}
    carol.wait_event("read")
    mine = bob_tab.wait_event("read")
    assert mine["unread_count"] == 0 and mine["unread_total"] == 0
    bad = bob.call("read", {"conversation_id": conv.id, "last_read_id": "x"})
    assert bad["ok"] is False and bad["error"]["code"] == "validation_failed"


def _exchange(conversation_id: int, *people: Any) -> None:
    """Each of ``people`` writes once: presence needs consent (see test_privacy.py)."""
    for person in people:
        send(person, db.session.get(Conversation, conversation_id), "salam", f"x{person.id}")
    db.session.commit()


def test_presence_online_across_tabs(chat: Chat) -> None:
    a, b, stranger = UserFactory(), UserFactory(), UserFactory()
    conv = direct(a, b)
    _exchange(conv.id, a, b)
    side = direct(b, stranger)  # the stranger shares nothing with a
    bob, eve = chat(b), chat(stranger)
    tab1 = chat(a)
    assert bob.wait_event("presence", lambda d: d["user_id"] == a.id) == {
        "user_id": a.id,
        "online": True,
    }
    tab2 = chat(a)
    tab1.sio.disconnect()
    fence(tab2, bob, conv.id)
    assert [p for p in bob.of("presence") if p["user_id"] == a.id] == [
        {"user_id": a.id, "online": True}
    ]
    tab2.sio.disconnect()
    offline = bob.wait_event("presence", lambda d: d["user_id"] == a.id and not d["online"])
    assert offline == {"user_id": a.id, "online": False}
    fence(bob, eve, side.id)
    assert [p for p in eve.of("presence") if p["user_id"] == a.id] == []


def test_every_connect_gets_the_presence_it_missed(chat: Chat) -> None:
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    conv = group(a, b, c)
    _exchange(conv.id, a, b, c)
    alice = chat(a)
    assert alice.wait_event("presence_state") == {"online": []}
    # bob was not connected when alice came online: the connect tells him
    bob = chat(b)
    assert bob.wait_event("presence_state") == {"online": [a.id]}
    # while bob is away, alice leaves and carol arrives; bob's reconnect corrects both
    bob.sio.disconnect()
    alice.sio.disconnect()
    carol = chat(c)
    carol.wait_event("presence_state")
    bob_again = chat(b)
    assert bob_again.wait_event("presence_state") == {"online": [c.id]}


def test_presence_shown_in_conversation_detail(chat: Chat, api: Any) -> None:
    a, b = UserFactory(), UserFactory()
    conv = direct(a, b)
    _exchange(conv.id, a, b)
    chat(a)
    members = api(b).get(f"/api/v1/conversations/{conv.id}").json["members"]
    assert {m["user_id"]: m["online"] for m in members} == {a.id: True, b.id: False}


def test_removed_member_stops_receiving_at_once(chat: Chat, api: Any) -> None:
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    conv = group(a, b, c)
    side = direct(a, c)
    alice, carol = chat(a), chat(c)
    before = alice.send(conv.id, "encore là")["message"]
    carol.wait_event("message_new", lambda d: d["message"]["id"] == before["id"])
    assert api(a).delete(f"/api/v1/conversations/{conv.id}/members/{c.id}").status_code == 204
    assert carol.wait_event("conversation_removed") == {"conversation_id": conv.id}
    after = alice.send(conv.id, "plus pour toi")["message"]
    fence(alice, carol, side.id)
    assert after["id"] not in [m["id"] for m in carol.messages()]
    denied = carol.send(conv.id, "je reviens")
    assert denied["ok"] is False and denied["error"]["code"] == "not_found"


def test_socket_send_rate_limit(chat: Chat, app: Any) -> None:
    a, b = UserFactory(), UserFactory()
    conv = direct(a, b)
    alice = chat(a)
    limit = limits.items("chat_send")[0].amount  # the named limit in force
    for i in range(limit):
        assert alice.send(conv.id, f"n{i}")["ok"]
    refused = alice.send(conv.id, "one too many")
    assert refused["ok"] is False and refused["error"]["code"] == "rate_limited"
    assert stored() == limit


def test_revoked_token_stops_socket_events(chat: Chat, api: Any) -> None:
    a, b = UserFactory(), UserFactory()
    conv = direct(a, b)
    token = token_for(a)
    alice = chat(a, token=token)
    assert alice.send(conv.id, "avant")["ok"]
    assert api(None).delete(
        "/api/v1/auth/tokens/current", headers={"Authorization": f"Bearer {token}"}
    ).status_code in (200, 204)
    alice.wait_for(lambda: not alice.sio.connected)
    assert stored() == 1


def test_association_inbox_pushes_to_admins_and_coordinators_only(chat: Chat, api: Any) -> None:
    from tests.directory.factories import AssociationFactory, MembershipFactory

    assoc = AssociationFactory(status="approved")
    boss, coord, plain, outsider = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    MembershipFactory(association=assoc, user=boss, role="admin")
    MembershipFactory(association=assoc, user=coord, role="coordinator")
    MembershipFactory(association=assoc, user=plain, role="member")
    made = api(outsider).post("/api/v1/conversations", json={"association_id": assoc.id})
    conv_id = made.json["id"]
    side = direct(outsider, plain)
    asker, boss_s, coord_s, plain_s = chat(outsider), chat(boss), chat(coord), chat(plain)
    sent = asker.send(conv_id, "Bonjour l'association")["message"]
    for staff in (boss_s, coord_s):
        staff.wait_event("message_new", lambda d: d["message"]["id"] == sent["id"])
    reply = coord_s.send(conv_id, "أهلا وسهلا")
    assert reply["ok"], reply
    asker.wait_event("message_new", lambda d: d["message"]["id"] == reply["message"]["id"])
    boss_s.wait_event("message_new", lambda d: d["message"]["id"] == reply["message"]["id"])
    fence(asker, plain_s, side.id)
    assert plain_s.messages(conv_id) == []
    assert plain_s.send(conv_id, "moi aussi")["error"]["code"] == "not_found"
