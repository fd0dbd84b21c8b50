"""Listening to pushes with a real python-socketio client (``sio_connect`` in tests.conftest
connects one to the live server)."""

from __future__ import annotations

import threading

import socketio


class Inbox:
    """Collects one event's payloads on a namespace and lets a test wait for the next one."""

    def __init__(self, client: socketio.Client, event: str, namespace: str) -> None:
        self.items: list[object] = []
        self._arrived = threading.Event()

        def handler(data: object) -> None:
            self.items.append(data)
            self._arrived.set()

        client.on(event, handler, namespace=namespace)

    def wait(self, timeout: float = 5) -> bool:
        """Whether a payload arrived (since the last wait) within ``timeout`` seconds."""
        arrived = self._arrived.wait(timeout)
        self._arrived.clear()
        return arrived
