"""app.memo.per_request: a read asked again in the same GET request is answered once; writes,
other requests and code outside a request read afresh."""

from __future__ import annotations

from app.memo import per_request

calls: list[int] = []


@per_request
def square(n: int) -> int:
    calls.append(n)
    return n * n


def test_a_get_request_reads_once_per_arguments(app):
    calls.clear()
    with app.test_request_context("/", method="GET"):
        assert [square(3), square(3), square(4), square(n=3)] == [9, 9, 16, 9]
        assert calls == [3, 4, 3]  # a keyword call is its own key
    with app.test_request_context("/", method="GET"):
        square(3)
    assert calls == [3, 4, 3, 3]  # the next request asks again


def test_writes_and_code_outside_a_request_always_read(app):
    calls.clear()
    with app.test_request_context("/", method="POST"):
        square(2)
        square(2)
    with app.app_context():
        square(2)
    assert calls == [2, 2, 2]


def test_socket_events_always_read(app):
    """A Socket.IO event runs in its connection's handshake GET, as long as the connection
    lasts: it must read afresh (a role changed since connecting counts at once)."""
    calls.clear()
    with app.test_request_context("/socket.io/", method="GET") as ctx:
        ctx.request.sid = "abc"  # what Flask-SocketIO sets for each event
        square(5)
        square(5)
    assert calls == [5, 5]
