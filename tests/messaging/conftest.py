"""Live Socket.IO helpers: a recording /chat client and a "fence" that proves silence."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import socketio

from app.accounts.models import User
from tests.conftest import LiveServer, token_for

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
WAIT = 10.0
_ids = itertools.count()


class ChatClient:
    """A connected python-socketio client that records every ``/chat`` event it receives."""

    def __init__(self, sio: socketio.Client, user: User) -> None:
        self.sio = sio
        self.user = user
        self.events: list[tuple[str, Any]] = []
        self._cond = threading.Condition()

    def record(self, name: str, data: Any) -> None:
        with self._cond:
            self.events.append((name, data))
            self._cond.notify_all()

    def of(self, name: str) -> list[Any]:
        with self._cond:
            return [data for event, data in self.events if event == name]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = WAIT) -> None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate():
                left = deadline - time.monotonic()
                assert left > 0, f"timed out; events so far: {self.events}"
                self._cond.wait(left)

    def wait_event(self, name: str, match: Callable[[Any], bool] = lambda _d: True) -> Any:
        found: list[Any] = []

        def seen() -> bool:
            found[:] = [d for d in self.of(name) if match(d)]
            return bool(found)

        self.wait_for(seen)
        return found[0]

    def call(self, event: str, data: Any) -> Any:
        return self.sio.call(event, data, namespace=NS, timeout=WAIT)

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
        for name in EVENTS:
            sio.on(name, (lambda n: lambda data: client.record(n, data))(name), namespace=NS)
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
