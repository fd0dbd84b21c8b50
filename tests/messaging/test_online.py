"""Presence plumbing (:mod:`messaging.online`): who is shown online, asked of the store once."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from flask import Flask

from app.db import db
from messaging import online
from messaging.presence import RedisPresence, redis_client
from tests.conftest import service_unavailable
from tests.factories import UserFactory
from tests.messaging.factories import group, send
from tests.scale.conftest import REDIS_URL

BASE = "/api/v1/conversations"


class CountingRedis(redis.Redis):
    """A real Redis client that counts the round trips it makes."""

    calls = 0

    def execute_command(self, *args: Any, **options: Any) -> Any:
        type(self).calls += 1
        return super().execute_command(*args, **options)


@pytest.fixture
def redis_store(app: Flask) -> Iterator[RedisPresence]:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except (redis.RedisError, OSError) as exc:
        service_unavailable(f"Redis at {REDIS_URL} ({exc})")
    prefix = f"jam3ia-test-online-{uuid.uuid4().hex[:10]}"
    client = CountingRedis.from_url(REDIS_URL)
    store = RedisPresence(client, prefix)
    app.extensions["messaging_presence"] = store
    yield store
    app.extensions.pop("messaging_presence", None)
    plain = redis_client(REDIS_URL)
    for key in plain.scan_iter(f"{prefix}*"):
        plain.delete(key)


def test_a_conversation_asks_the_store_once_whatever_its_size(
    api: Any, redis_store: RedisPresence
) -> None:
    admin = UserFactory()
    people = [UserFactory() for _ in range(6)]
    conversation = group(admin, *people)
    for i, person in enumerate([admin, *people]):  # everybody wrote: everybody may be seen
        send(person, conversation, f"salam {i}", f"c{i}")
    db.session.commit()
    for person in people[:3]:
        redis_store.connect(person.id)
    redis_store.online_among([admin.id])  # loads the Lua script (a first call only)
    CountingRedis.calls = 0
    got = api(admin).get(f"{BASE}/{conversation.id}")
    assert got.status_code == 200, got.json
    online_ids = {m["user_id"] for m in got.json["members"] if m["online"]}
    assert online_ids == {p.id for p in people[:3]}
    assert CountingRedis.calls == 1


def test_visible_online_leaves_out_who_may_not_be_seen(app: Flask) -> None:
    a, b, stranger = UserFactory(), UserFactory(), UserFactory()
    store = online.presence.store()
    for user in (a, b, stranger):
        store.connect(user.id)
    try:
        conversation = group(a, b)
        send(a, conversation, "salam", "x1")
        send(b, conversation, "wa alaykum", "x2")
        db.session.commit()
        assert online.visible_online(a.id, [a.id, b.id, stranger.id]) == {a.id, b.id}
        assert online.visible_online(a.id, []) == set()
    finally:
        for user in (a, b, stranger):
            store.disconnect(user.id)
