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
        #: every payload heard, with the name of its event
        self.events: list[tuple[str, Any]] = []
        self._cond = threading.Condition()
        self._waited = 0
        for name in [event] if isinstance(event, str) else event:
            client.on(name, self._recorder(name), namespace=namespace)

    def _recorder(self, name: str) -> Callable[[Any], None]:
        def record(data: Any) -> None:
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

    def wait_for(self, predicate: Callable[[], bool], timeout: float = WAIT) -> None:
        """Wait until ``predicate()`` holds (checked at each arrival); fails the test, with
        what was heard, after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate():
                left = deadline - time.monotonic()
                assert left > 0, f"timed out; events so far: {self.events}"
                self._cond.wait(left)

    def wait_event(self, name: str, match: Callable[[Any], bool] = lambda _d: True) -> Any:
        """The first payload of ``name`` that ``match``es, waiting for it if needed."""
        found: list[Any] = []

        def seen() -> bool:
            found[:] = [d for d in self.of(name) if match(d)]
            return bool(found)

        self.wait_for(seen)
        return found[0]

    def call(self, event: str, data: Any, timeout: float = WAIT) -> Any:
        """Emit ``event`` on the namespace and return its acknowledgement."""
        return self.client.call(event, data, namespace=self.namespace, timeout=timeout)
