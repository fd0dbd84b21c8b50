"""Two real server processes (gunicorn + gevent) on two ports, sharing PostgreSQL and Redis.

Each test gets its own PostgreSQL schema and its own Redis channel (the key prefix too), so
scale tests can run beside each other. Unreachable services skip, or fail with
JAM3IA_REQUIRE_SERVICES=1.

Fault tests also get: ``make_cluster(redis_url=..., database_host=...)`` (a cluster on a private
Redis, or reaching PostgreSQL through a proxy), :class:`TcpProxy` (a relay that can drop every
connection and refuse new ones; with several upstreams it fails over like a load balancer),
``private_redis`` (a redis-server of the test's own that it may stop and start again) and
:class:`Recorder` (the shared ``tests.support.sockets.Inbox`` over several namespaces).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis
import requests
import socketio
from sqlalchemy import create_engine, text

from tests.conftest import free_port, service_unavailable, wait_healthy
from tests.support.sockets import Inbox

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("SCALE_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("SCALE_REDIS_URL", "redis://127.0.0.1:6379/0")
WAIT = 30.0  # seconds a test waits for something that must happen (never a pass/fail timing)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.services)


@dataclass
class Worker:
    name: str
    port: int
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Worker:
        with self.log.open("ab") as out:
            self.process = self._spawn(out)
        return self._wait_healthy()

    def _spawn(self, out: object) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--workers", "1", "--port", str(self.port)],
            cwd=ROOT,
            env=self.env,
            stdout=out,  # type: ignore[arg-type]
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def _wait_healthy(self) -> Worker:
        assert self.process is not None
        wait_healthy(self.url, self.process, self.log.read_text, 30)
        return self

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=10)


@dataclass
class Cluster:
    database_url: str
    redis_url: str
    workers: list[Worker] = field(default_factory=list)

    @property
    def a(self) -> Worker:
        return self.workers[0]

    @property
    def b(self) -> Worker:
        return self.workers[1]

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "app.cli", *args],
            cwd=ROOT,
            env=self.a.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )

    def token(self, worker: Worker, login: str, password: str) -> str:
        response = requests.post(
            f"{worker.url}/api/v1/auth/tokens",
            json={"login": login, "password": password},
            timeout=10,
        )
        response.raise_for_status()
        return str(response.json()["token"])

    def register(
        self, username: str, password: str = "scale-password-1", with_token: bool = True
    ) -> dict[str, object]:
        response = requests.post(
            f"{self.a.url}/api/v1/auth/register",
            json={"username": username, "email": f"{username}@example.org", "password": password},
            timeout=10,
        )
        response.raise_for_status()
        user = dict(response.json())
        if with_token:
            user["token"] = self.token(self.a, username, password)
        return user


def _require_services() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except (redis.RedisError, OSError) as exc:
        service_unavailable(f"Redis at {REDIS_URL} ({exc})")
    try:
        engine = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        service_unavailable(f"PostgreSQL at {PG_URL} ({exc.__class__.__name__})")


@pytest.fixture
def make_cluster(tmp_path: Path) -> Iterator[Callable[..., Cluster]]:
    """``make_cluster(redis_url=..., database_host="127.0.0.1:port", env={...})``: two workers
    (A and B) on PostgreSQL and Redis, migrated, nothing else loaded. ``database_host`` replaces
    the PostgreSQL address the workers use (a proxy); migrations go direct; ``env`` adds
    settings (e.g. a rate limit)."""
    _require_services()
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    made: list[tuple[Cluster, str, str]] = []

    def make(
        redis_url: str = REDIS_URL,
        database_host: str | None = None,
        env: dict[str, str] | None = None,
    ) -> Cluster:
        schema = f"scale_{uuid.uuid4().hex[:10]}"
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        database_url = f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}"
        channel = f"jam3ia-test-{schema}"
        base_env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("JAM3IA_", "DATABASE_URL", "REDIS_URL", "TEST_DATABASE_URL"))
        }
        base_env.update(
            {
                "DATABASE_URL": database_url,
                "REDIS_URL": redis_url,
                "JAM3IA_REDIS_CHANNEL": channel,
                "SECRET_KEY": "scale-test-secret",
                "JAM3IA_ENV": "development",
                **(env or {}),
            }
        )
        served_url = database_url
        if database_host is not None:
            served_url = database_url.replace("127.0.0.1:5432", database_host, 1)
            assert served_url != database_url, "PG_URL must name 127.0.0.1:5432 to be proxied"
        workers = []
        for name in ("A", "B"):
            env = dict(
                base_env,
                DATABASE_URL=served_url,
                JAM3IA_INSTANCE_PATH=str(tmp_path / f"{schema}-host-{name}"),
            )
            workers.append(Worker(name, free_port(), env, tmp_path / f"{schema}-{name}.log"))
        cluster = Cluster(database_url, redis_url, workers)
        made.append((cluster, schema, channel))
        upgraded = subprocess.run(
            [sys.executable, "-m", "app.cli", "db", "upgrade"],
            cwd=ROOT,
            env=dict(base_env, JAM3IA_INSTANCE_PATH=str(tmp_path / f"{schema}-cli")),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert upgraded.returncode == 0, upgraded.stderr[-3000:]
        for worker in workers:
            worker.start()
        return cluster

    try:
        yield make
    finally:
        for cluster, schema, channel in made:
            for worker in cluster.workers:
                worker.kill(signal.SIGTERM)
            try:
                keys = redis.Redis.from_url(cluster.redis_url, socket_connect_timeout=2)
                for key in keys.scan_iter(f"{channel}*"):
                    keys.delete(key)
            except redis.RedisError:
                pass  # a private Redis already stopped
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def cluster(make_cluster: Callable[..., Cluster]) -> Cluster:
    """Two workers (A and B) on the machine's PostgreSQL and Redis."""
    return make_cluster()


@pytest.fixture
def connect_to() -> Iterator[Callable[..., socketio.Client]]:
    """``connect_to(worker, token, namespaces)`` -> a python-socketio client on that worker."""
    clients: list[socketio.Client] = []

    def connect(
        worker: Worker, token: str, namespaces: list[str], **kwargs: object
    ) -> socketio.Client:
        client = socketio.Client(**kwargs)  # type: ignore[arg-type]
        client.connect(
            worker.url,
            namespaces=namespaces,
            auth={"token": token},
            transports=["websocket"],
            wait_timeout=10,
        )
        clients.append(client)
        return client

    connect.clients = clients  # type: ignore[attr-defined]
    yield connect
    for client in clients:
        if client.connected:
            client.disconnect()


class Recorder(Inbox):
    """The shared :class:`tests.support.sockets.Inbox` listening on several namespaces
    (``{"/chat": [events...], "/projects": [...]}``), which also counts the connections and
    disconnections of the first one (a reconnection through a failover)."""

    def __init__(self, client: socketio.Client, events: dict[str, list[str]]) -> None:
        first = next(iter(events))
        super().__init__(client, events[first], first)
        for namespace, names in list(events.items())[1:]:
            self.listen(names, namespace)
        self.sio = client
        self.timeout = WAIT
        self.connects = 0
        self.disconnects = 0
        client.on("connect", self._count("connects"), namespace=first)
        client.on("disconnect", self._count("disconnects"), namespace=first)

    def _count(self, attribute: str) -> Callable[..., None]:
        def count(*_args: Any) -> None:
            with self._cond:
                setattr(self, attribute, getattr(self, attribute) + 1)
                self._cond.notify_all()

        return count


@pytest.fixture
def recorder(
    connect_to: Callable[..., socketio.Client],
) -> Callable[..., Recorder]:
    """``recorder(url_or_worker, token, {"/chat": [events...]}, **client_kwargs)``."""

    def make(target: Any, token: str, events: dict[str, list[str]], **kwargs: Any) -> Recorder:
        client = socketio.Client(**kwargs)
        rec = Recorder(client, events)
        url = target if isinstance(target, str) else target.url
        client.connect(
            url,
            namespaces=list(events),
            auth={"token": token},
            transports=["websocket"],
            wait_timeout=10,
        )
        connect_to.clients.append(client)  # type: ignore[attr-defined]
        return rec

    return make


class TcpProxy:
    """A TCP relay on a free port of 127.0.0.1 to the first upstream that accepts.

    ``drop()`` closes every relayed connection; ``refuse()`` stops listening (new connections
    are refused) until ``accept()``. With upstreams ``[A, B]`` it fails over to B once A
    refuses, as a load balancer does.
    """

    def __init__(self, upstreams: list[tuple[str, int]]) -> None:
        self.upstreams = upstreams
        self.port = free_port()
        self._lock = threading.Lock()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._listener: socket.socket | None = None
        self.accept()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.address}"

    def accept(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        self._listener = listener
        threading.Thread(target=self._serve, args=(listener,), daemon=True).start()

    def refuse(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()

    def drop(self) -> int:
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for pair in pairs:
            for sock in pair:
                _close(sock)
        return len(pairs)

    def close(self) -> None:
        self.refuse()
        self.drop()

    def _serve(self, listener: socket.socket) -> None:
        while True:
            try:
                downstream, _addr = listener.accept()
            except OSError:
                return
            upstream = self._connect_upstream()
            if upstream is None:
                _close(downstream)
                continue
            with self._lock:
                self._pairs.append((downstream, upstream))
            for src, dst in ((downstream, upstream), (upstream, downstream)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _connect_upstream(self) -> socket.socket | None:
        for host, port in self.upstreams:
            try:
                return socket.create_connection((host, port), timeout=2)
            except OSError:
                continue
        return None

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        src.settimeout(None)
        try:
            while chunk := src.recv(65536):
                dst.sendall(chunk)
        except OSError:
            pass
        _close(src)
        _close(dst)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


@pytest.fixture
def proxies() -> Iterator[Callable[..., TcpProxy]]:
    made: list[TcpProxy] = []

    def make(*upstreams: tuple[str, int]) -> TcpProxy:
        proxy = TcpProxy(list(upstreams))
        made.append(proxy)
        return proxy

    yield make
    for proxy in made:
        proxy.close()


@dataclass
class PrivateRedis:
    """A redis-server of one test's own, without persistence (a restart loses every key)."""

    port: int
    workdir: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            service_unavailable("redis-server (to run a private Redis)")
            return
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis(port=self.port, socket_connect_timeout=1).ping()
                return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(free_port(), tmp_path)
    server.start()
    yield server
    server.stop()
