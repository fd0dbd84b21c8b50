"""Listening to pushes with a real python-socketio client (``sio_connect`` in tests.conftest
connects one to the live server; messaging's ``chat`` fixture records its own ``/chat``
clients with the same class)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

import socketio

WAIT = 10.0


class Inbox:
    """Records the payloads of one event (or of several) on a namespace of ``client``, in the
    order they arrive, and lets a test wait for them.

    Give it the client before it connects to miss nothing (handlers registered later only hear
    what comes after)."""

    def __init__(self, client: socketio.Client, event: str | Iterable[str], namespace: str) -> None:
        self.client = client
        self.namespace = namespace
        #: how long ``wait_for``, ``wait_event`` and ``call`` wait unless told
        self.timeout = WAIT
        #: every payload heard, with the name of its event
        self.events: list[tuple[str, Any]] = []
        self._cond = threading.Condition()
        self._waited = 0
        self.listen(event, namespace)

    def listen(self, event: str | Iterable[str], namespace: str) -> None:
        """Record ``event`` (or each of several) on ``namespace`` too."""
        for name in [event] if isinstance(event, str) else event:
            self.client.on(name, self._recorder(name), namespace=namespace)

    def _recorder(self, name: str) -> Callable[..., None]:
        def record(data: Any = None) -> None:
            self.record(name, data)

        return record

    def record(self, name: str, data: Any) -> None:
        with self._cond:
            self.events.append((name, data))
            self._cond.notify_all()

    @property
    def items(self) -> list[Any]:
        """The payloads heard, whatever their event."""
        with self._cond:
            return [data for _name, data in self.events]

    def of(self, name: str) -> list[Any]:
        """The payloads of event ``name``."""
        with self._cond:
            return [data for event, data in self.events if event == name]

    def wait(self, timeout: float = 5) -> bool:
        """Whether a payload arrived (since the last wait) within ``timeout`` seconds."""
        with self._cond:
            arrived = self._cond.wait_for(lambda: len(self.events) > self._waited, timeout)
            self._waited = len(self.events)
            return arrived

    def wait_for(self, predicate: Callable[[], bool], timeout: float | None = None) -> None:
        """Wait until ``predicate()`` holds (checked at each arrival); fails the test, with
        what was heard, after ``timeout`` seconds."""
        deadline = time.monotonic() + (timeout or self.timeout)
        with self._cond:
            while not predicate():
                left = deadline - time.monotonic()
                assert left > 0, f"timed out; events so far: {self.events[-20:]}"
                # a predicate on the connection (``not client.connected``) hears no event
                self._cond.wait(min(left, 0.5))

    def wait_event(self, name: str, match: Callable[[Any], bool] = lambda _d: True) -> Any:
        """The first payload of ``name`` that ``match``es, waiting for it if needed."""
        found: list[Any] = []

        def seen() -> bool:
            found[:] = [d for d in self.of(name) if match(d)]
            return bool(found)

        self.wait_for(seen)
        return found[0]

    def call(
        self, event: str, data: Any, namespace: str | None = None, timeout: float | None = None
    ) -> Any:
        """Emit ``event`` (on the first namespace unless told) and return its
        acknowledgement."""
        return self.client.call(
            event, data, namespace=namespace or self.namespace, timeout=timeout or self.timeout
        )
