"""Faults across two worker processes: a worker SIGKILLed mid-traffic, Redis restarting under
traffic, PostgreSQL dropping every connection. Nothing acknowledged is lost, nothing is
delivered twice, errors are clean answers, and everything resumes by itself."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import requests
import socketio

from tests.conftest import stored_messages
from tests.scale.conftest import WAIT, Cluster, PrivateRedis, Recorder, TcpProxy, Worker
from tests.scale.test_messaging_scale import (
    CHAT,
    bearer,
    consent,
    delivered_ids,
    member_online,
    start_conversation,
)

RECONNECTING = {
    "reconnection": True,
    "reconnection_delay": 0.2,
    "reconnection_delay_max": 1,
    "randomization_factor": 0,
}


def stored(worker: Worker, user: dict[str, Any], conversation_id: int) -> list[dict[str, Any]]:
    """Every stored message, oldest first, as a client catches up through ``worker``."""
    return stored_messages(worker.url, str(user["token"]), conversation_id)


def catch_up(rec: Recorder, url: str, user: dict[str, Any], conversation_id: int) -> list[int]:
    """What a client does after a reconnect: everything after the last id it holds, merged
    with what it received live, duplicates dropped."""
    return _merge(
        rec,
        url,
        user,
        conversation_id,
        {"after_id": max(delivered_ids(rec, conversation_id), default=0)},
    )


def resync(rec: Recorder, url: str, user: dict[str, Any], conversation_id: int) -> list[int]:
    """What a client does on ``resync`` (chat.js): the queue lost events at any point of the
    recent past, so the newest page is merged with what it holds."""
    return _merge(rec, url, user, conversation_id, {})


def _merge(
    rec: Recorder, url: str, user: dict[str, Any], conversation_id: int, params: dict[str, int]
) -> list[int]:
    held = delivered_ids(rec, conversation_id)
    response = requests.get(
        f"{url}/api/v1/conversations/{conversation_id}/messages",
        params={**params, "limit": 200},
        headers=bearer(user),
        timeout=10,
    )
    response.raise_for_status()
    fetched = [m["id"] for m in response.json()["items"]]
    assert fetched == sorted(fetched)
    return sorted(set(held) | set(fetched))


def assert_delivered_once(rec: Recorder, conversation_id: int) -> None:
    ids = delivered_ids(rec, conversation_id)
    assert len(ids) == len(set(ids)), f"delivered twice: {ids}"


def wait_until(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


class Sender:
    """Alice's sending tab: sends over its socket; when the socket fails (its worker died),
    sends the same ``client_id`` again over REST to ``fallback``, as chat.js resends unacked
    messages. Every send ends acknowledged; ``acked`` maps client_id -> message id."""

    def __init__(self, sio: socketio.Client, fallback: Worker, user: dict, conv: int) -> None:
        self.sio, self.fallback, self.user, self.conv = sio, fallback, user, conv
        self.acked: dict[str, int] = {}
        self.order: list[str] = []
        self.resent: list[str] = []

    def send(self, body: str) -> int:
        client_id = uuid.uuid4().hex
        self.order.append(client_id)
        payload = {"conversation_id": self.conv, "body": body, "client_id": client_id}
        ack: Any = None
        if self.sio.connected:
            try:
                ack = self.sio.call("message_send", payload, namespace="/chat", timeout=5)
            except (socketio.exceptions.TimeoutError, socketio.exceptions.SocketIOError):
                ack = None
        if not (isinstance(ack, dict) and ack.get("ok")):
            self.resent.append(client_id)
            response = requests.post(
                f"{self.fallback.url}/api/v1/conversations/{self.conv}/messages",
                json={"body": body, "client_id": client_id},
                headers=bearer(self.user),
                timeout=10,
            )
            assert response.status_code in (200, 201), response.text
            ack = {"ok": True, "message": response.json()}
        self.acked[client_id] = ack["message"]["id"]
        return int(ack["message"]["id"])


def test_sigkill_of_a_loses_nothing_and_clients_catch_up_on_b(
    make_cluster, recorder, proxies: Callable[..., TcpProxy]
):
    # 40 sends in a few seconds through the socket, then REST: one chat_send counter per
    # person whatever the face, so the limit is raised for this traffic test
    cluster: Cluster = make_cluster(env={"JAM3IA_RATE_LIMIT_CHAT_SEND": "600 per minute"})
    alice, bob = cluster.register("alice"), cluster.register("bob")
    conv = start_conversation(cluster.a, alice, bob)
    balancer = proxies(("127.0.0.1", cluster.a.port), ("127.0.0.1", cluster.b.port))
    bob_lb = recorder(balancer.url, bob["token"], {"/chat": CHAT}, **RECONNECTING)  # on A
    bob_b = recorder(cluster.b, bob["token"], {"/chat": CHAT})
    alice_a = recorder(cluster.a, alice["token"], {"/chat": CHAT})
    sender = Sender(alice_a.sio, cluster.b, alice, conv)

    killed = threading.Event()

    def traffic() -> None:
        for i in range(40):
            sender.send(f"message {i} / رسالة {i}")
            if i == 15:
                killed.wait(timeout=WAIT)

    worker = threading.Thread(target=traffic)
    worker.start()
    wait_until(lambda: len(sender.acked) >= 16, "sixteen acknowledged sends")
    cluster.a.kill()  # SIGKILL, mid-traffic
    killed.set()
    worker.join(timeout=120)
    assert not worker.is_alive()

    # nothing acknowledged is lost, nothing stored twice (resends carried the same client_id)
    everything = stored(cluster.b, bob, conv)
    assert [m["client_id"] for m in everything] == sender.order
    assert {m["client_id"]: m["id"] for m in everything} == sender.acked
    assert sender.resent, "the kill should have interrupted the socket sends"
    ids = [m["id"] for m in everything]
    assert ids == sorted(ids)

    # the balanced client reconnected (to B) and catches up after its last id
    bob_lb.wait_for(lambda: bob_lb.connects >= 2 and bob_lb.sio.connected)
    assert catch_up(bob_lb, balancer.url, bob, conv) == ids
    # the client on B all along received each message at most once, and catches up the rest
    assert catch_up(bob_b, cluster.b.url, bob, conv) == ids
    for rec in (bob_lb, bob_b):
        assert_delivered_once(rec, conv)

    # and life goes on through B
    alice_b = recorder(cluster.b, alice["token"], {"/chat": CHAT})
    last = Sender(alice_b.sio, cluster.b, alice, conv).send("après la panne")
    bob_lb.wait_for(lambda: last in delivered_ids(bob_lb, conv))


def test_redis_restart_during_traffic(make_cluster, private_redis: PrivateRedis, recorder):
    cluster: Cluster = make_cluster(redis_url=private_redis.url)
    alice, bob = cluster.register("alice"), cluster.register("bob")
    conv = start_conversation(cluster.a, alice, bob)
    consent(cluster.a, alice, bob)  # presence needs it; the traffic stays under 30 a minute
    bob_b = recorder(cluster.b, bob["token"], {"/chat": CHAT})
    alice_a = recorder(cluster.a, alice["token"], {"/chat": CHAT})
    bob_b.wait_event("presence", lambda d: d["user_id"] == alice["id"] and d["online"])
    sender = Sender(alice_a.sio, cluster.a, alice, conv)
    first = sender.send("avant")
    bob_b.wait_for(lambda: first in delivered_ids(bob_b, conv))

    errors: list[BaseException] = []

    def traffic() -> None:  # 24 sends in about six seconds: under the 30 a minute limit
        try:
            for i in range(24):
                sender.send(f"pendant {i}")
                time.sleep(0.25)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    worker = threading.Thread(target=traffic)
    worker.start()
    wait_until(lambda: len(sender.acked) >= 4, "traffic")
    private_redis.stop()  # every key is lost: no persistence
    count_at_stop = len(sender.acked)
    wait_until(lambda: len(sender.acked) >= count_at_stop + 4 or bool(errors), "sends, no Redis")
    private_redis.start()
    worker.join(timeout=120)
    assert not worker.is_alive()
    assert not errors, errors
    assert not sender.resent, "sends over the socket kept working while Redis was away"
    # the workers re-subscribe by themselves and tell their clients to fetch what they missed
    bob_b.wait_event("resync")

    # delivery across workers resumes
    after = sender.send("après")
    bob_b.wait_for(lambda: after in delivered_ids(bob_b, conv))
    ids = [m["id"] for m in stored(cluster.b, bob, conv)]
    assert [m["client_id"] for m in stored(cluster.a, alice, conv)] == sender.order
    missed = sorted(set(ids) - set(delivered_ids(bob_b, conv)))
    assert missed, "Redis was away: some deliveries to B must have been lost"
    assert resync(bob_b, cluster.b.url, bob, conv) == ids
    assert_delivered_once(bob_b, conv)
    # presence came back although Redis lost it: the heartbeat wrote the counts back
    wait_until(lambda: member_online(cluster.b, bob, conv)[alice["id"]], "alice online again")
    # and the shared throttle and rate limit work again
    assert alice_a.call("typing", {"conversation_id": conv}) == {"ok": True}
    bob_b.wait_event("typing")


def test_postgres_dropping_connections_fails_cleanly_then_recovers(
    make_cluster, proxies: Callable[..., TcpProxy], recorder
):
    database = proxies(("127.0.0.1", 5432))
    cluster: Cluster = make_cluster(database_host=database.address)
    alice, bob = cluster.register("alice"), cluster.register("bob")
    conv = start_conversation(cluster.a, alice, bob)
    alice_b = recorder(cluster.b, alice["token"], {"/chat": CHAT})

    answers: list[tuple[str, int, str, str]] = []
    stop = threading.Event()

    def hammer(worker: Worker) -> None:
        session = requests.Session()
        i = 0
        while not stop.is_set():
            i += 1
            calls = [
                ("GET", f"/api/v1/conversations/{conv}/messages", None),
                ("POST", f"/api/v1/conversations/{conv}/messages", {"body": f"{i}"}),
                ("GET", "/", None),
            ]
            for method, path, body in calls:
                if body is not None:
                    body = dict(body, client_id=uuid.uuid4().hex)
                try:
                    r = session.request(
                        method,
                        worker.url + path,
                        json=body,
                        headers=bearer(alice),
                        timeout=20,
                    )
                except requests.RequestException as exc:
                    answers.append((path, 0, "", repr(exc)))
                    continue
                answers.append((path, r.status_code, r.headers.get("Content-Type", ""), r.text))

    threads = [threading.Thread(target=hammer, args=(w,)) for w in cluster.workers]
    for thread in threads:
        thread.start()
    wait_until(lambda: len(answers) >= 10, "traffic")
    database.refuse()  # new connections are refused...
    assert database.drop() > 0  # ...and every open one is cut, mid-query for some
    outage_starts = len(answers)
    wait_until(lambda: len(answers) >= outage_starts + 10, "answers during the outage")
    during = alice_b.call("message_send", {"conversation_id": conv, "body": "x", "client_id": "c1"})
    database.accept()
    wait_until(
        lambda: any(s == 201 for p, s, _c, _t in answers[outage_starts + 10 :]),
        "a successful send after the outage",
    )
    stop.set()
    for thread in threads:
        thread.join(timeout=60)

    statuses = {s for _p, s, _c, _t in answers}
    assert 503 in statuses, "the outage was never observed"
    for path, status, content_type, text in answers:
        assert status in (200, 201, 503), (path, status, text[:500])
        assert "Traceback" not in text and 'File "' not in text
        if status == 503 and path.startswith("/api/"):  # the JSON error envelope
            assert content_type.startswith("application/json"), (path, content_type)
            assert '"error"' in text and '"unavailable"' in text
        elif status == 503:  # the error page
            assert content_type.startswith("text/html") and "<html" in text, text[:500]
    # the socket survived the outage: its send failed with an error ack (or got through)
    assert during["ok"] is True or during["error"]["code"] in ("internal_error", "unavailable")
    assert alice_b.sio.connected
    # later requests all succeed, on both workers, and the socket sends again
    for worker in cluster.workers:
        for _ in range(3):
            r = requests.get(
                f"{worker.url}/api/v1/conversations/{conv}", headers=bearer(alice), timeout=10
            )
            assert r.status_code == 200, r.text
    ack = alice_b.call("message_send", {"conversation_id": conv, "body": "ok", "client_id": "c2"})
    assert ack["ok"] is True, ack


def test_presence_of_a_sigkilled_worker_expires(cluster: Cluster, recorder):
    alice, bob, carol = (cluster.register(n) for n in ("alice", "bob", "carol"))
    conv = start_conversation(cluster.a, alice, bob, carol)
    consent(cluster.a, alice, bob, carol)
    bob_b = recorder(cluster.b, bob["token"], {"/chat": CHAT})
    recorder(cluster.a, alice["token"], {"/chat": CHAT})  # alice: one tab, on A
    recorder(cluster.a, carol["token"], {"/chat": CHAT})  # carol: a tab on A...
    carol_b = recorder(cluster.b, carol["token"], {"/chat": CHAT})  # ...and one on B

    def presence_of(user: dict[str, Any]) -> list[bool]:
        return [p["online"] for p in bob_b.of("presence") if p["user_id"] == user["id"]]

    bob_b.wait_for(lambda: presence_of(alice) == [True] and presence_of(carol) == [True])
    cluster.a.kill()  # no disconnect handler runs on A: its counts must expire by themselves
    # B reaps A once A's heartbeat key has expired, and announces who went offline
    bob_b.wait_for(lambda: presence_of(alice) == [True, False])
    assert member_online(cluster.b, bob, conv) == {
        alice["id"]: False,
        bob["id"]: True,
        carol["id"]: True,  # her tab on B still counts
    }
    fence = Sender(carol_b.sio, cluster.b, carol, conv).send("je suis là")
    bob_b.wait_for(lambda: fence in delivered_ids(bob_b, conv))
    assert presence_of(carol) == [True]
