"""Namespaces that take visitors (``app.realtime.PublicNamespace``) and the ones that do not:
every namespace but the public board's refuses a socket without a credential; on a public
one a visitor reaches only the handlers marked ``app.sockets.public``, and nothing it sends
is written or pushed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import socketio
import websocket
from sqlalchemy import select, update

from app.accounts.models import User
from app.db import db
from app.realtime import PublicNamespace, emit_after_commit, user_room
from app.realtime import socketio as server_io
from app.sockets import handler, ok, public
from tests.factories import UserFactory
from tests.support.sockets import Inbox

pytestmark = pytest.mark.live

#: The namespaces whose every reader may be a visitor (the free-offers board's wall).
PUBLIC = {"/offers"}
BOARD = "/test-board"


@pytest.fixture(autouse=True)
def _quick_close(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in tests/security/test_authz_sockets.py: the test server leaves websocket close
    frames unanswered and the client would wait 3 s for each refused or closed socket."""
    original = websocket.WebSocket.close

    def close(self: Any, status: int = 1000, reason: Any = b"", timeout: Any = 0.05) -> None:
        original(self, status, reason, timeout=min(timeout or 0.05, 0.05))

    monkeypatch.setattr(websocket.WebSocket, "close", close)


def test_only_the_public_board_takes_visitors(sio_connect):
    handlers = server_io.server.namespace_handlers
    public_ones = {ns for ns, h in handlers.items() if isinstance(h, PublicNamespace)}
    assert public_ones == PUBLIC
    assert {"/chat", "/forums", "/projects", "/notifications"} <= set(handlers) - public_ones
    for namespace in sorted(set(handlers) - public_ones):
        with pytest.raises(socketio.exceptions.ConnectionError):
            sio_connect(None, namespaces=[namespace])
    for namespace in sorted(public_ones):
        assert namespace in sio_connect(None, namespaces=[namespace]).namespaces


class Board(PublicNamespace):
    """A public namespace for this test: one read for all, one write, one sneaky "read"."""

    @public("feed_watch")
    def on_look(self, user: User | None, _data: dict[str, Any]) -> dict[str, Any]:
        return ok(user_id=user.id if user is not None else None)

    @handler
    def on_rename(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        user.display_name = str(data.get("name"))
        return ok()

    @public("feed_watch")
    def on_sneak(self, user: User | None, data: dict[str, Any]) -> dict[str, Any]:
        # a public handler that (wrongly) writes and pushes: a visitor's call keeps neither
        db.session.execute(
            update(User).where(User.id == data["victim"]).values(display_name="sneaked")
        )
        emit_after_commit("sneaked", {}, to=user_room(data["victim"]), namespace=BOARD)
        return ok()


@pytest.fixture
def board(app: Any) -> Iterator[None]:
    instance = Board(BOARD)
    server_io.on_namespace(instance)
    yield
    server_io.server.namespace_handlers.pop(BOARD, None)
    if instance in server_io.namespace_handlers:  # registered before the server existed
        server_io.namespace_handlers.remove(instance)


def test_a_visitor_reaches_only_public_handlers_and_writes_nothing(board, sio_connect):
    victim = UserFactory(display_name="Amal")
    db.session.commit()
    watching = sio_connect(victim, namespaces=[BOARD])
    pushes = Inbox(watching, "sneaked", BOARD)
    visitor = sio_connect(None, namespaces=[BOARD])

    def call(sock: socketio.Client, event: str, data: dict[str, Any]) -> Any:
        return sock.call(event, data, namespace=BOARD, timeout=10)

    assert call(visitor, "look", {}) == {"ok": True, "user_id": None}
    assert call(watching, "look", {}) == {"ok": True, "user_id": victim.id}
    refused = call(visitor, "rename", {"name": "x"})
    assert refused["ok"] is False and refused["error"]["code"] == "unauthorized"
    assert call(visitor, "sneak", {"victim": victim.id}) == {"ok": True}
    assert not pushes.wait(1)
    db.session.expire_all()
    assert db.session.scalar(select(User.display_name).where(User.id == victim.id)) == "Amal"
    # a signed-in socket of the same namespace is served as on any namespace
    assert call(watching, "rename", {"name": "Amal B."}) == {"ok": True}
    db.session.expire_all()
    assert db.session.scalar(select(User.display_name).where(User.id == victim.id)) == "Amal B."
