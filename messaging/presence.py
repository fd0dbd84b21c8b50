"""Small stores behind presence, typing throttles and the socket send limit.

Each is an interface with an in-process implementation (a dict under a lock) so that several
processes can later share a Redis one (issue 7) without touching the callers.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

from limits import RateLimitItem, parse_many
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter


class PresenceStore(Protocol):
    def connect(self, user_id: int) -> int:
        """Count one more open socket for ``user_id``; returns the new count."""

    def disconnect(self, user_id: int) -> int:
        """Count one socket less (never below zero); returns the new count."""

    def is_online(self, user_id: int) -> bool: ...


class LocalPresence:
    """Open sockets per user in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[int, int] = {}

    def connect(self, user_id: int) -> int:
        with self._lock:
            count = self._counts.get(user_id, 0) + 1
            self._counts[user_id] = count
            return count

    def disconnect(self, user_id: int) -> int:
        with self._lock:
            count = max(0, self._counts.get(user_id, 0) - 1)
            if count:
                self._counts[user_id] = count
            else:
                self._counts.pop(user_id, None)
            return count

    def is_online(self, user_id: int) -> bool:
        with self._lock:
            return self._counts.get(user_id, 0) > 0


class Throttle:
    """``allow(key)`` is true at most once per ``interval`` seconds per key."""

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self._clock = clock
        self._lock = threading.Lock()
        self._last: dict[tuple[int, int], float] = {}

    def allow(self, key: tuple[int, int]) -> bool:
        now = self._clock()
        with self._lock:
            last = self._last.get(key)
            if last is not None and now - last < self.interval:
                return False
            self._last[key] = now
            if len(self._last) > 50_000:  # forget stale keys now and then
                cutoff = now - self.interval
                self._last = {k: v for k, v in self._last.items() if v >= cutoff}
            return True


class SendLimiter:
    """Per-user limit on socket sends, with the ``limits`` library Flask-Limiter runs on.

    It uses the same storage URI as Flask-Limiter (``memory://`` or Redis), so REST and socket
    sends are counted alike across processes once Redis is configured.
    """

    def __init__(self, rule: str, storage_uri: str = "memory://") -> None:
        self.items: list[RateLimitItem] = parse_many(rule)
        storage = storage_from_string(storage_uri)
        if not isinstance(storage, Storage):
            raise TypeError("the chat send limiter needs a synchronous limits storage")
        self.storage = storage
        self.limiter = MovingWindowRateLimiter(self.storage)

    def hit(self, user_id: int) -> bool:
        """Count one send; false when the user is over the limit."""
        ok = True
        for item in self.items:
            ok = self.limiter.hit(item, "chat_send", str(user_id)) and ok
        return ok
