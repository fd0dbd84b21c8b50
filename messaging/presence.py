"""Small stores behind presence and typing throttles.

Each has an in-process implementation (a dict under a lock) for a single process, and a Redis
one that several processes share (selected when ``REDIS_URL`` is set).

Presence across processes (:class:`RedisPresence`): every process keeps the count of *its own*
open sockets per user in memory (the truth about them) and mirrors it into Redis, under a key
prefix taken from the Socket.IO channel:

- ``{prefix}:presence:user:{uid}``: hash, process id -> that process's open sockets of uid;
- ``{prefix}:presence:alive:{pid}``: exists while the process lives (TTL, renewed by
  :meth:`RedisPresence.heartbeat`);
- ``{prefix}:presence:users:{pid}``: the users a process has counted (for reaping);
- ``{prefix}:presence:procs``: the processes that have mirrored anything.

A user is online when a *live* process counts a socket for them. Counting per process rather
than per socket keeps the heartbeat at one command whatever the number of sockets, and lets a
SIGKILLed process (whose disconnect handlers never run) stop counting by itself: its alive key
expires, reads ignore its fields at once, and the next heartbeat of another process reaps them
and reports the users that went offline so they can be announced. Counting and reading the
total happen in one Lua script, so of two tabs opening (or closing) at once on two processes
exactly one sees the transition. When Redis loses the data (restart without persistence) or a
write failed while it was away, the next heartbeat writes the process's counts back.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any, Protocol

import redis

log = logging.getLogger("jam3ia.messaging")

#: Seconds between two heartbeats of a process, and how long its counts outlive the last one.
HEARTBEAT_INTERVAL = 4.0
PROCESS_TTL = 12


class PresenceStore(Protocol):
    def connect(self, user_id: int) -> int:
        """Count one more open socket for ``user_id``; returns the new count."""

    def disconnect(self, user_id: int) -> int:
        """Count one socket less (never below zero); returns the new count."""

    def is_online(self, user_id: int) -> bool: ...

    def online_among(self, user_ids: list[int]) -> set[int]:
        """Those of ``user_ids`` that have an open socket somewhere."""


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

    def online_among(self, user_ids: list[int]) -> set[int]:
        with self._lock:
            return {uid for uid in user_ids if self._counts.get(uid, 0) > 0}

    def snapshot(self) -> dict[int, int]:
        with self._lock:
            return dict(self._counts)


# KEYS[1]: the user's hash; ARGV: a process, its count for the user (0: none), the alive key
# prefix. Returns the user's open sockets over live processes (ARGV[1] counted even if its
# alive key is missing: the caller is that process, alive by definition).
_SET_AND_COUNT = """
if tonumber(ARGV[2]) > 0 then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
else
  redis.call('HDEL', KEYS[1], ARGV[1])
end
local total = 0
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  if all[i] == ARGV[1] or redis.call('EXISTS', ARGV[3] .. all[i]) == 1 then
    total = total + tonumber(all[i + 1])
  end
end
return total
"""

# KEYS: user hashes; ARGV[1]: the alive key prefix. Returns 1/0 per user.
_ONLINE = """
local result = {}
for k = 1, #KEYS do
  local online = 0
  local all = redis.call('HGETALL', KEYS[k])
  for i = 1, #all, 2 do
    if tonumber(all[i + 1]) > 0 and redis.call('EXISTS', ARGV[1] .. all[i]) == 1 then
      online = 1
      break
    end
  end
  result[k] = online
end
return result
"""


def redis_client(url: str) -> redis.Redis:
    """A client that fails fast (seconds) instead of hanging while Redis is away."""
    return redis.Redis.from_url(
        url, socket_connect_timeout=2, socket_timeout=5, health_check_interval=30
    )


class RedisPresence:
    """Open sockets per user across processes (see the module docstring)."""

    def __init__(
        self, client: redis.Redis, prefix: str, ttl: int = PROCESS_TTL, process_id: str = ""
    ) -> None:
        self.redis = client
        self.prefix = f"{prefix}:presence"
        self.ttl = ttl
        self.process_id = process_id or uuid.uuid4().hex
        self._local = LocalPresence()
        # One writer at a time: the local count and its mirror change together, so two
        # greenlets cannot write a process's counts to Redis out of order.
        self._lock = threading.Lock()
        # Set after a failed write: Redis is skipped (no wait on timeouts per connect) until a
        # heartbeat gets through and rewrites the whole mirror.
        self._stale = False
        self._set_and_count = client.register_script(_SET_AND_COUNT)
        self._online = client.register_script(_ONLINE)

    def _user_key(self, user_id: int) -> str:
        return f"{self.prefix}:user:{user_id}"

    def _alive_key(self, process_id: str) -> str:
        return f"{self.prefix}:alive:{process_id}"

    def _users_key(self, process_id: str) -> str:
        return f"{self.prefix}:users:{process_id}"

    @property
    def _procs_key(self) -> str:
        return f"{self.prefix}:procs"

    def connect(self, user_id: int) -> int:
        with self._lock:
            return self._mirror(user_id, self._local.connect(user_id))

    def disconnect(self, user_id: int) -> int:
        with self._lock:
            return self._mirror(user_id, self._local.disconnect(user_id))

    def _mirror(self, user_id: int, local_count: int) -> int:
        if self._stale:
            return local_count
        try:
            # SET ... GET answers None when the key was missing: first write of this process,
            # or Redis lost it (restart, or we were taken for dead): write everything back.
            renewed = self.redis.set(self._alive_key(self.process_id), 1, ex=self.ttl, get=True)
            if renewed is None:
                # all but this user, whose count the script below sets and reads atomically
                # (else two processes' first tabs would both read 2)
                self._rewrite(skip=user_id)
            if local_count:
                self.redis.sadd(self._users_key(self.process_id), user_id)
            total = self._set_and_count(
                keys=[self._user_key(user_id)],
                args=[self.process_id, local_count, self._alive_key("")],
            )
            return int(total)
        except redis.RedisError as exc:
            log.warning("presence: Redis unavailable (%s); counting locally", exc)
            self._stale = True
            return local_count

    def is_online(self, user_id: int) -> bool:
        return user_id in self.online_among([user_id])

    def online_among(self, user_ids: list[int]) -> set[int]:
        ids = list(dict.fromkeys(user_ids))
        if not ids:
            return set()
        if not self._stale:
            try:
                flags = self._online(
                    keys=[self._user_key(u) for u in ids], args=[self._alive_key("")]
                )
                return {uid for uid, flag in zip(ids, flags, strict=True) if int(flag)}
            except redis.RedisError as exc:
                log.warning("presence: Redis unavailable (%s); answering locally", exc)
        return self._local.online_among(ids)

    def heartbeat(self) -> list[int]:
        """Renew this process, rewrite its counts if Redis lost them, reap dead processes.

        Returns the users who went offline because a dead process was reaped here (each dead
        process is reaped by exactly one survivor: the one whose ``SREM`` removed it). Raises
        ``redis.RedisError`` while Redis is away (the caller logs and tries again later).
        """
        with self._lock:
            renewed = self.redis.set(self._alive_key(self.process_id), 1, ex=self.ttl, get=True)
            if renewed is None or self._stale:
                self._rewrite()
                self._stale = False
        return self._reap()

    def _rewrite(self, skip: int | None = None) -> None:
        counts = self._local.snapshot()
        counts.pop(skip, None)  # type: ignore[arg-type]
        users_key = self._users_key(self.process_id)
        pipe = self.redis.pipeline(transaction=True)
        pipe.set(self._alive_key(self.process_id), 1, ex=self.ttl)
        pipe.sadd(self._procs_key, self.process_id)
        pipe.delete(users_key)
        for user_id, count in counts.items():
            pipe.hset(self._user_key(user_id), self.process_id, count)
            pipe.sadd(users_key, user_id)
        pipe.execute()

    def _reap(self) -> list[int]:
        offline: list[int] = []
        for raw in self._members(self._procs_key):
            if raw == self.process_id or self.redis.exists(self._alive_key(raw)):
                continue
            if not self.redis.srem(self._procs_key, raw):
                continue  # another process reaps it
            users_key = self._users_key(raw)
            for user_id in sorted(int(uid) for uid in self._members(users_key)):
                user_key = self._user_key(user_id)
                had = self.redis.hexists(user_key, raw)
                total = self._set_and_count(keys=[user_key], args=[raw, 0, self._alive_key("")])
                if had and int(total) == 0:
                    offline.append(user_id)
            self.redis.delete(users_key)
        return offline

    def _members(self, key: str) -> list[str]:
        raw: Any = self.redis.smembers(key)
        return [m.decode() if isinstance(m, bytes) else str(m) for m in raw]


class TypingThrottle(Protocol):
    def allow(self, key: tuple[int, int]) -> bool:
        """True at most once per interval per key."""


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


class RedisThrottle:
    """:class:`Throttle` shared by processes: ``SET key NX PX interval``.

    While Redis is away it falls back on a per-process throttle (typing keeps working, each
    process limiting on its own).
    """

    def __init__(self, interval: float, client: redis.Redis, prefix: str) -> None:
        self.interval = interval
        self.redis = client
        self.prefix = f"{prefix}:typing"
        self._fallback = Throttle(interval)

    def allow(self, key: tuple[int, int]) -> bool:
        name = f"{self.prefix}:{key[0]}:{key[1]}"
        try:
            return bool(self.redis.set(name, 1, px=int(self.interval * 1000), nx=True))
        except redis.RedisError:
            return self._fallback.allow(key)
