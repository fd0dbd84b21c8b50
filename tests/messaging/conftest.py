"""Live Socket.IO helpers: a recording /chat client and a "fence" that proves silence."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import socketio

from app.accounts.models import User
from tests.conftest import LiveServer, token_for
from tests.support.sockets import Inbox

NS = "/chat"
EVENTS = (
    "message_new",
    "message_updated",
    "typing",
    "read",
    "presence",
    "presence_state",
    "conversation_new",
    "conversation_updated",
    "conversation_removed",
)
_ids = itertools.count()


class ChatClient(Inbox):
    """A python-socketio client recording every ``/chat`` event it receives (the shared
    :class:`tests.support.sockets.Inbox`), with the chat's own verbs."""

    def __init__(self, sio: socketio.Client, user: User) -> None:
        super().__init__(sio, EVENTS, NS)
        self.sio = sio
        self.user = user

    def send(self, conversation_id: int, body: str, client_id: str | None = None) -> Any:
        cid = client_id or f"t{next(_ids)}"
        return self.call(
            "message_send", {"conversation_id": conversation_id, "body": body, "client_id": cid}
        )

    def messages(self, conversation_id: int | None = None) -> list[dict[str, Any]]:
        return [
            d["message"]
            for d in self.of("message_new")
            if conversation_id is None or d["message"]["conversation_id"] == conversation_id
        ]


@pytest.fixture
def chat(live_server: LiveServer) -> Iterator[Callable[..., ChatClient]]:
    """``chat(user)`` -> a recording client connected to ``/chat`` as ``user`` (handlers are
    in place before the connection, so nothing is missed)."""
    made: list[ChatClient] = []

    def make(user: User, token: str | None = None) -> ChatClient:
        sio = socketio.Client(reconnection=False)
        client = ChatClient(sio, user)
        sio.connect(
            live_server.url,
            namespaces=[NS],
            auth={"token": token or token_for(user)},
            transports=["websocket"],
            wait_timeout=10,
        )
        made.append(client)
        return client

    yield make
    # each close waits a moment for the server's side; closing them together saves seconds
    closers = [threading.Thread(target=c.sio.disconnect) for c in made if c.sio.connected]
    for t in closers:
        t.start()
    for t in closers:
        t.join(timeout=15)
