"""Chat limits on every face: named rate limits (one counter per action and person across the
form, the API and the socket) and the socket event size limit below the transport's."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest

from app.config import Config
from app.db import db
from messaging.models import Message
from tests.conftest import csrf_token
from tests.factories import UserFactory
from tests.messaging.factories import direct

LIMITS = {
    "chat_send": "4 per minute",
    "message_edit": "2 per minute",
    "conversation_start": "2 per minute",
    "typing": "3 per minute",
    "read": "3 per minute",
    "post_edit": "2 per minute",
    "association_create": "2 per minute",
}
CLIENT_ID_RE = re.compile(r'name="client_id" value="([^"]+)"')


@pytest.fixture
def config(config: Config) -> Config:
    return replace(config, rate_limits=LIMITS)


def _stored() -> int:
    db.session.expire_all()
    return db.session.query(Message).count()


def _form_send(browser: Any, conversation_id: int, body: str) -> Any:
    page = browser.get(f"/chat/{conversation_id}").get_data(as_text=True)
    client_id = CLIENT_ID_RE.search(page).group(1)  # type: ignore[union-attr]
    form = {"body": body, "client_id": client_id, "csrf_token": csrf_token(browser)}
    return browser.post(f"/chat/{conversation_id}/send", data=form)


def test_chat_sends_count_once_across_rest_form_and_socket(
    api: Any, logged_in: Any, chat: Any
) -> None:
    a, b = UserFactory(), UserFactory()
    conv = direct(a, b)
    url = f"/api/v1/conversations/{conv.id}/messages"
    rest, browser, alice = api(a), logged_in(a), chat(a)
    assert rest.post(url, json={"body": "1", "client_id": "r1"}).status_code == 201
    assert rest.post(url, json={"body": "2", "client_id": "r2"}).status_code == 201
    assert _form_send(browser, conv.id, "3").status_code == 302
    assert alice.send(conv.id, "4")["ok"] is True
    # the fifth send is refused on every face
    refused = alice.send(conv.id, "5")
    assert refused["ok"] is False and refused["error"]["code"] == "rate_limited"
    over = rest.post(url, json={"body": "5", "client_id": "r5"})
    assert over.status_code == 429 and over.json["error"]["code"] == "rate_limited"
    assert _form_send(browser, conv.id, "5").status_code == 429
    assert _stored() == 4
    # another person is not slowed down
    assert api(b).post(url, json={"body": "b", "client_id": "b1"}).status_code == 201


def test_message_edits_are_limited_on_rest_and_socket(api: Any, chat: Any) -> None:
    a, b = UserFactory(), UserFactory()
    conv = direct(a, b)
    sent = api(a).post(
        f"/api/v1/conversations/{conv.id}/messages", json={"body": "x", "client_id": "e"}
    )
    url = f"/api/v1/messages/{sent.json['id']}"
    alice = chat(a)
    assert api(a).patch(url, json={"body": "e1"}).status_code == 200
    assert alice.call("message_edit", {"message_id": sent.json["id"], "body": "e2"})["ok"]
    assert api(a).patch(url, json={"body": "e3"}).status_code == 429
    refused = alice.call("message_edit", {"message_id": sent.json["id"], "body": "e4"})
    assert refused["ok"] is False and refused["error"]["code"] == "rate_limited"


def test_typing_and_read_are_limited(api: Any, chat: Any) -> None:
    a, b = UserFactory(), UserFactory()
    conv = direct(a, b)
    sent = api(b).post(
        f"/api/v1/conversations/{conv.id}/messages", json={"body": "x", "client_id": "t"}
    )
    alice = chat(a)
    for _ in range(3):
        assert alice.call("typing", {"conversation_id": conv.id})["ok"] is True
    refused = alice.call("typing", {"conversation_id": conv.id})
    assert refused["ok"] is False and refused["error"]["code"] == "rate_limited"
    read = {"conversation_id": conv.id, "last_read_id": sent.json["id"]}
    assert alice.call("read", read)["ok"] is True
    assert alice.call("read", read)["ok"] is True
    rest_read = f"/api/v1/conversations/{conv.id}/read"
    assert api(a).post(rest_read, json={"last_read_id": sent.json["id"]}).status_code == 200
    assert alice.call("read", read)["error"]["code"] == "rate_limited"
    assert api(a).post(rest_read, json={"last_read_id": sent.json["id"]}).status_code == 429


def test_too_large_chat_frame_gets_an_error_ack_and_the_socket_stays(api: Any, chat: Any) -> None:
    a, b = UserFactory(), UserFactory()
    conv = direct(a, b)
    alice = chat(a)
    ack = alice.send(conv.id, "x" * (70 * 1024))
    assert ack["ok"] is False and ack["error"]["code"] == "too_large"
    assert alice.sio.connected
    assert alice.send(conv.id, "still here")["ok"] is True
    assert _stored() == 1
