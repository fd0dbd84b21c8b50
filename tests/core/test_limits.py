"""Named rate limits (app.limits) on pages and the API, their settings, and the socket caps
per user and per address (the chat faces are in tests/messaging/test_limits.py)."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from pathlib import Path
from typing import Any

import engineio
import pytest
import socketio

from app import create_app
from app.config import Config, ConfigError
from tests.conftest import LiveServer, csrf_token, token_for
from tests.factories import UserFactory

LIMITS = {
    "chat_send": "4 per minute",
    "message_edit": "2 per minute",
    "conversation_start": "2 per minute",
    "typing": "3 per minute",
    "read": "3 per minute",
    "post_edit": "2 per minute",
    "association_create": "2 per minute",
}


@pytest.fixture
def config(config: Config) -> Config:
    return replace(config, rate_limits=LIMITS, max_sockets_per_user=2, max_sockets_per_address=4)


def test_conversation_starts_are_limited_on_api_and_form(api: Any, logged_in: Any) -> None:
    a, b, c, d, e = (UserFactory() for _ in range(5))
    browser = logged_in(a)
    assert api(a).post("/api/v1/conversations", json={"member_ids": [b.id]}).status_code == 201
    form = {"usernames": c.username, "csrf_token": csrf_token(browser, "/chat")}
    assert browser.post("/chat/new", data=form).status_code == 302
    over = api(a).post("/api/v1/conversations", json={"member_ids": [d.id]})
    assert over.status_code == 429 and over.json["error"]["code"] == "rate_limited"
    form = {"usernames": e.username, "csrf_token": csrf_token(browser, "/chat")}
    assert browser.post("/chat/new", data=form).status_code == 429


def test_post_edits_are_limited_on_page_and_api(api: Any, logged_in: Any) -> None:
    from tests.forums.factories import make_topic

    author = UserFactory()
    _topic, post = make_topic(author=author)
    browser = logged_in(author)
    url = f"/api/v1/posts/{post.id}"
    assert api(author).patch(url, json={"body": "edit one"}).status_code == 200
    token = csrf_token(browser, f"/posts/{post.id}/edit")
    page = f"/posts/{post.id}/edit"
    assert browser.post(page, data={"body": "edit two", "csrf_token": token}).status_code == 302
    assert api(author).patch(url, json={"body": "edit three"}).status_code == 429
    assert browser.post(page, data={"body": "edit four", "csrf_token": token}).status_code == 429


def test_association_creation_is_limited_on_page_and_api(api: Any, logged_in: Any) -> None:
    someone = UserFactory()
    browser = logged_in(someone)
    token = csrf_token(browser, "/associations/new")
    # incomplete forms still count: the limit is on attempts
    assert browser.post("/associations/new", data={"csrf_token": token}).status_code == 422
    assert browser.post("/associations/new", data={"csrf_token": token}).status_code == 422
    assert browser.post("/associations/new", data={"csrf_token": token}).status_code == 429
    over = api(someone).post("/api/v1/associations", json={"name": "x"})
    assert over.status_code == 429 and over.json["error"]["code"] == "rate_limited"


def _connect(url: str, token: str) -> tuple[socketio.Client, list[Any]]:
    errors: list[Any] = []
    client = socketio.Client(reconnection=False)
    client.on("connect_error", errors.append, namespace="/chat")
    with contextlib.suppress(socketio.exceptions.ConnectionError):
        client.connect(
            url,
            namespaces=["/chat"],
            auth={"token": token},
            transports=["websocket"],
            wait_timeout=10,
        )
    return client, errors


def test_sockets_per_user_are_capped_with_a_reason(live_server: LiveServer) -> None:
    a = UserFactory()
    token = token_for(a)
    first, _ = _connect(live_server.url, token)
    second, _ = _connect(live_server.url, token)
    third, errors = _connect(live_server.url, token)
    try:
        assert first.connected and second.connected
        assert "/chat" not in third.namespaces
        assert errors and errors[0]["message"] == "too_many_sockets"
        # another person still gets in; a closed socket frees its place
        other, _ = _connect(live_server.url, token_for(UserFactory()))
        assert other.connected
        other.disconnect()
        first.disconnect()
        again, errors = _connect(live_server.url, token)
        assert again.connected and not errors
        again.disconnect()
    finally:
        for client in (first, second, third):
            if client.connected:
                client.disconnect()


def test_sockets_per_address_are_capped(live_server: LiveServer) -> None:
    opened: list[engineio.Client] = []
    try:
        for _ in range(4):  # bare transports: no sign-in needed to hold one
            client = engineio.Client()
            client.connect(live_server.url, transports=["websocket"], engineio_path="socket.io")
            opened.append(client)
        refused = engineio.Client()
        with pytest.raises(engineio.exceptions.ConnectionError):
            refused.connect(live_server.url, transports=["websocket"], engineio_path="socket.io")
        opened.pop().disconnect()
        again = engineio.Client()
        again.connect(live_server.url, transports=["websocket"], engineio_path="socket.io")
        opened.append(again)
    finally:
        for client in opened:
            client.disconnect()


def test_limits_are_settings(tmp_path: Path) -> None:
    cfg = Config.from_env(
        {"JAM3IA_RATE_LIMIT_CHAT_SEND": "5 per minute", "JAM3IA_MAX_SOCKETS_PER_USER": "7"}
    )
    assert cfg.rate_limits == {"chat_send": "5 per minute"}
    assert cfg.max_sockets_per_user == 7
    base = Config(env="testing", instance_path=tmp_path, secret_key="k")
    with pytest.raises(ConfigError, match="no_such_action"):
        create_app(base.with_changes(rate_limits={"no_such_action": "1 per minute"}))
    with pytest.raises(ConfigError, match="chat_send"):
        create_app(base.with_changes(rate_limits={"chat_send": "often"}))
