"""Two real server processes (gunicorn + gevent) on two ports, sharing PostgreSQL and Redis.

Each test gets its own PostgreSQL schema and its own Redis channel/database, so scale tests
can run beside each other. Unreachable services skip, or fail with JAM3IA_REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
import requests
import socketio
from sqlalchemy import create_engine, text

from tests.conftest import free_port, service_unavailable

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("SCALE_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("SCALE_REDIS_URL", "redis://127.0.0.1:6379/0")


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
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log.read_text()[-3000:]}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not become healthy: {self.log.read_text()[-3000:]}")

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
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    """Two workers (A and B) on PostgreSQL and Redis, migrated, nothing else loaded."""
    _require_services()
    schema = f"scale_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
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
            "REDIS_URL": REDIS_URL,
            "JAM3IA_REDIS_CHANNEL": channel,
            "SECRET_KEY": "scale-test-secret",
            "JAM3IA_ENV": "development",
        }
    )
    workers = []
    for name in ("A", "B"):
        env = dict(base_env, JAM3IA_INSTANCE_PATH=str(tmp_path / f"host-{name}"))
        workers.append(Worker(name, free_port(), env, tmp_path / f"worker-{name}.log"))
    cluster = Cluster(database_url, REDIS_URL, workers)
    try:
        cluster.cli("db", "upgrade")
        for worker in workers:
            worker.start()
        yield cluster
    finally:
        for worker in workers:
            worker.kill(signal.SIGTERM)
        keys = redis.Redis.from_url(REDIS_URL)
        for key in keys.scan_iter(f"{channel}*"):
            keys.delete(key)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


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

    yield connect
    for client in clients:
        if client.connected:
            client.disconnect()
