"""Chat across two worker processes: delivery, presence, typing, send limits, revocation."""

from __future__ import annotations

import uuid
from typing import Any

import requests

from tests.scale.conftest import Cluster, Recorder, Worker
from tests.support import auth

CHAT = ["message_new", "typing", "presence", "resync"]


def bearer(user: dict[str, Any]) -> dict[str, str]:
    return auth.bearer(user["token"])


def start_conversation(worker: Worker, owner: dict[str, Any], *others: dict[str, Any]) -> int:
    response = requests.post(
        f"{worker.url}/api/v1/conversations",
        json={"member_ids": [o["id"] for o in others]},
        headers=bearer(owner),
        timeout=10,
    )
    assert response.status_code in (200, 201), response.text
    return int(response.json()["id"])


def consent(worker: Worker, *people: dict[str, Any]) -> None:
    """Presence flows only between people who wrote to each other (or share an association):
    ``people`` write once each in a group of their own, so the conversations under test keep
    only their own messages."""
    response = requests.post(
        f"{worker.url}/api/v1/conversations",
        json={"member_ids": [p["id"] for p in people[1:]], "title": "présence"},
        headers=bearer(people[0]),
        timeout=10,
    )
    assert response.status_code in (200, 201), response.text
    conversation_id = int(response.json()["id"])
    for person in people:
        sent = requests.post(
            f"{worker.url}/api/v1/conversations/{conversation_id}/messages",
            json={"body": "salam", "client_id": uuid.uuid4().hex},
            headers=bearer(person),
            timeout=10,
        )
        assert sent.status_code == 201, sent.text


def send(rec: Recorder, conversation_id: int, body: str) -> dict[str, Any]:
    ack = rec.call(
        "message_send",
        {"conversation_id": conversation_id, "body": body, "client_id": uuid.uuid4().hex},
    )
    assert ack["ok"] is True, ack
    return dict(ack["message"])


def delivered_ids(rec: Recorder, conversation_id: int) -> list[int]:
    return [
        d["message"]["id"]
        for d in rec.of("message_new")
        if d["message"]["conversation_id"] == conversation_id
    ]


def member_online(worker: Worker, viewer: dict[str, Any], conversation_id: int) -> dict[int, bool]:
    response = requests.get(
        f"{worker.url}/api/v1/conversations/{conversation_id}", headers=bearer(viewer), timeout=10
    )
    response.raise_for_status()
    return {m["user_id"]: m["online"] for m in response.json()["members"]}


def test_message_sent_through_a_reaches_members_on_b_exactly_once(cluster: Cluster, recorder):
    alice, bob, carol = (cluster.register(n) for n in ("alice", "bob", "carol"))
    conv = start_conversation(cluster.a, alice, bob, carol)
    alice_a = recorder(cluster.a, alice["token"], {"/chat": CHAT})
    alice_b = recorder(cluster.b, alice["token"], {"/chat": CHAT})  # the sender's other tab
    bob_b = recorder(cluster.b, bob["token"], {"/chat": CHAT})
    bob_a = recorder(cluster.a, bob["token"], {"/chat": CHAT})
    carol_b = recorder(cluster.b, carol["token"], {"/chat": CHAT})

    sent = [send(alice_a, conv, f"رسالة {i} / message {i}")["id"] for i in range(25)]
    # a last message through B proves B's sockets have had every earlier delivery
    fence = send(carol_b, conv, "fin")["id"]
    expected = [*sent, fence]
    for rec in (alice_a, alice_b, bob_b, bob_a, carol_b):
        rec.wait_for(lambda rec=rec: fence in delivered_ids(rec, conv))
        assert delivered_ids(rec, conv) == expected  # each once, in order
    stored = requests.get(
        f"{cluster.b.url}/api/v1/conversations/{conv}/messages",
        params={"limit": 100},
        headers=bearer(bob),
        timeout=10,
    ).json()["items"]
    assert [m["id"] for m in stored] == expected


def test_presence_is_right_with_tabs_on_both_workers(cluster: Cluster, recorder):
    alice, bob = cluster.register("alice"), cluster.register("bob")
    conv = start_conversation(cluster.a, alice, bob)
    consent(cluster.a, alice, bob)
    bob_b = recorder(cluster.b, bob["token"], {"/chat": CHAT})

    def alice_presence() -> list[bool]:
        return [p["online"] for p in bob_b.of("presence") if p["user_id"] == alice["id"]]

    tab_a = recorder(cluster.a, alice["token"], {"/chat": CHAT})
    bob_b.wait_for(lambda: alice_presence() == [True])
    tab_b = recorder(cluster.b, alice["token"], {"/chat": CHAT})
    for worker in cluster.workers:
        assert member_online(worker, bob, conv)[alice["id"]] is True

    tab_a.sio.disconnect()  # the tab on B is still open: alice stays online
    fence = send(tab_b, conv, "toujours là")["id"]
    bob_b.wait_for(lambda: fence in delivered_ids(bob_b, conv))
    assert alice_presence() == [True]
    for worker in cluster.workers:
        assert member_online(worker, bob, conv)[alice["id"]] is True

    tab_b.sio.disconnect()  # the last one
    bob_b.wait_for(lambda: alice_presence() == [True, False])
    for worker in cluster.workers:
        assert member_online(worker, bob, conv)[alice["id"]] is False


def test_typing_is_throttled_across_workers(cluster: Cluster, recorder):
    alice, bob = cluster.register("alice"), cluster.register("bob")
    conv = start_conversation(cluster.a, alice, bob)
    bob_b = recorder(cluster.b, bob["token"], {"/chat": CHAT})
    tab_a = recorder(cluster.a, alice["token"], {"/chat": CHAT})
    tab_b = recorder(cluster.b, alice["token"], {"/chat": CHAT})
    # two tabs on two processes typing at once: one push per interval, not one per process
    assert tab_a.call("typing", {"conversation_id": conv}) == {"ok": True}
    assert tab_b.call("typing", {"conversation_id": conv}) == {"ok": True}
    fence = send(tab_a, conv, "voilà")["id"]
    bob_b.wait_for(lambda: fence in delivered_ids(bob_b, conv))
    assert bob_b.of("typing") == [{"conversation_id": conv, "user_id": alice["id"]}]


def test_socket_send_limit_counts_across_workers(cluster: Cluster, recorder):
    alice, bob = cluster.register("alice"), cluster.register("bob")
    conv = start_conversation(cluster.a, alice, bob)
    tabs = [recorder(w, alice["token"], {"/chat": CHAT}) for w in cluster.workers]
    acks = []
    for i in range(31):  # the limit is 30 per minute per person
        acks.append(
            tabs[i % 2].call(
                "message_send",
                {"conversation_id": conv, "body": f"n° {i}", "client_id": uuid.uuid4().hex},
            )
        )
    assert [a["ok"] for a in acks[:30]] == [True] * 30
    assert acks[30]["ok"] is False and acks[30]["error"]["code"] == "rate_limited"
    # bob has his own allowance, on either worker
    bob_b = recorder(cluster.b, bob["token"], {"/chat": CHAT})
    send(bob_b, conv, "moi aussi")


def test_revoking_a_token_on_a_disconnects_its_sockets_on_b(cluster: Cluster, recorder):
    alice, bob = cluster.register("alice"), cluster.register("bob")
    conv = start_conversation(cluster.a, alice, bob)
    other_token = cluster.token(cluster.b, "alice", "scale-password-1")
    doomed_b = recorder(cluster.b, alice["token"], {"/chat": CHAT, "/projects": []})
    doomed_a = recorder(cluster.a, alice["token"], {"/chat": CHAT})
    kept_b = recorder(cluster.b, other_token, {"/chat": CHAT})

    revoked = requests.delete(
        f"{cluster.a.url}/api/v1/auth/tokens/current", headers=bearer(alice), timeout=10
    )
    assert revoked.status_code == 204
    for rec in (doomed_b, doomed_a):
        rec.wait_for(lambda rec=rec: not rec.sio.connected)
    # the other token's socket on B is untouched and still served
    fence = send(kept_b, conv, "encore connectée")["id"]
    kept_b.wait_for(lambda: fence in delivered_ids(kept_b, conv))
    assert kept_b.sio.connected and kept_b.disconnects == 0
