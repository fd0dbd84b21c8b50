"""The Redis presence store and typing throttle against the machine's Redis, with several
store objects standing for several processes (the cluster tests cover them end to end)."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import pytest
import redis

from messaging.presence import RedisPresence, RedisThrottle, redis_client
from tests.conftest import service_unavailable
from tests.scale.conftest import REDIS_URL


@pytest.fixture
def prefix() -> Iterator[str]:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except (redis.RedisError, OSError) as exc:
        service_unavailable(f"Redis at {REDIS_URL} ({exc})")
    name = f"jam3ia-test-presence-{uuid.uuid4().hex[:10]}"
    yield name
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{name}*"):
        client.delete(key)


def test_tabs_opening_and_closing_at_once_on_two_processes(prefix: str) -> None:
    procs = [RedisPresence(redis_client(REDIS_URL), prefix) for _ in range(2)]
    results: list[int] = []
    lock = threading.Lock()

    def run(store: RedisPresence, action: str) -> None:
        count = getattr(store, action)(7)
        with lock:
            results.append(count)

    for action in ("connect", "disconnect"):
        results.clear()
        threads = [threading.Thread(target=run, args=(procs[i % 2], action)) for i in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        # exactly one caller saw the transition (first tab opened / last tab closed)
        edge = 1 if action == "connect" else 0
        assert results.count(edge) == 1, sorted(results)
        assert sorted(results) == (list(range(1, 17)) if edge else list(range(16)))
        assert procs[0].is_online(7) is bool(edge) and procs[1].is_online(7) is bool(edge)


def test_a_dead_process_stops_counting_and_is_reaped_once(prefix: str) -> None:
    dying = RedisPresence(redis_client(REDIS_URL), prefix, ttl=1)
    survivors = [RedisPresence(redis_client(REDIS_URL), prefix) for _ in range(2)]
    assert dying.connect(1) == 1
    assert dying.connect(2) == 1
    assert survivors[0].connect(2) == 2  # user 2 also has a tab on a live process
    assert survivors[0].online_among([1, 2, 3]) == {1, 2}
    deadline = time.monotonic() + 30
    while survivors[1].is_online(1):  # the dying process beats no more: its key expires
        assert time.monotonic() < deadline
        time.sleep(0.2)
    offline = [survivors[0].heartbeat(), survivors[1].heartbeat()]
    assert sorted(offline, key=len) == [[], [1]]  # announced once, by one survivor
    assert survivors[1].online_among([1, 2]) == {2}
    assert survivors[0].disconnect(2) == 0


def test_counts_come_back_after_redis_lost_them(prefix: str) -> None:
    owner, other = (RedisPresence(redis_client(REDIS_URL), prefix) for _ in range(2))
    owner.connect(5)
    owner.heartbeat()
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}*"):  # as a restart without persistence does
        client.delete(key)
    assert other.is_online(5) is False
    assert owner.heartbeat() == []  # notices its key is gone and writes its counts back
    assert other.is_online(5) is True
    assert owner.disconnect(5) == 0
    assert other.is_online(5) is False


def test_typing_throttle_is_shared(prefix: str) -> None:
    a, b = (RedisThrottle(30.0, redis_client(REDIS_URL), prefix) for _ in range(2))
    assert a.allow((1, 10)) is True
    assert b.allow((1, 10)) is False  # the other process sees the same interval
    assert b.allow((1, 11)) is True and b.allow((2, 10)) is True


def test_store_answers_locally_while_redis_is_unreachable() -> None:
    store = RedisPresence(redis_client("redis://127.0.0.1:1/0"), "jam3ia-test-down")
    assert store.connect(3) == 1
    assert store.is_online(3) is True
    assert store.disconnect(3) == 0
    with pytest.raises(redis.RedisError):
        store.heartbeat()
    assert RedisThrottle(5.0, redis_client("redis://127.0.0.1:1/0"), "x").allow((1, 1)) is True
