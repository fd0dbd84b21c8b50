"""Instances built the way an operator builds them: migrated with Alembic, demo data loaded by
the CLI, served by ``jam3ia serve`` in a separate process that tests may kill.

``instance_factory`` makes instances on SQLite (a folder in tmp) or, with
``TEST_DATABASE_URL``, on PostgreSQL (a schema of its own in a database of its own, so a
restore can recreate it).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from app import create_app
from app.config import Config
from app.db import db
from tests.conftest import TEST_DATABASE_URL, free_port, service_unavailable, wait_healthy

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "demo-password"


def _admin_url(dbname: str | None = None) -> str:
    base = TEST_DATABASE_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    if dbname is None:
        return base
    head, _sep, _db = base.partition("?")[0].rpartition("/")
    return f"{head}/{dbname}"


@dataclass
class Instance:
    """One jam3ia instance: its instance folder and its database URL (None: SQLite)."""

    path: Path
    database_url: str | None
    env: dict[str, str] = field(default_factory=dict)

    @property
    def config(self) -> Config:
        return Config(
            env="testing",
            instance_path=self.path,
            database_url=self.database_url,
            secret_key="faults-secret",
        )

    def app(self) -> Flask:
        return create_app(self.config)

    def cli(self, *args: str, check: bool = True, timeout: float = 300) -> Any:
        """``python -m app.cli ARGS`` in a process of its own, as an operator runs it."""
        result = subprocess.run(
            [sys.executable, "-m", "app.cli", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"jam3ia {' '.join(args)}: {result.stdout}\n{result.stderr}")
        return result

    def migrate(self) -> None:
        application = self.app()
        with application.app_context():
            upgrade()
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def instance_factory(tmp_path: Path) -> Iterator[Callable[[str], Instance]]:
    """``instance_factory(name)`` -> an empty instance (not migrated)."""
    databases: list[str] = []
    admin = None
    if TEST_DATABASE_URL:
        admin = create_engine(_admin_url(), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:  # pragma: no cover - depends on the machine
            service_unavailable(f"PostgreSQL at TEST_DATABASE_URL ({exc.__class__.__name__})")
    schema = f"f_{uuid.uuid4().hex[:10]}"

    def make(name: str) -> Instance:
        database_url = None
        if admin is not None:
            dbname = f"jam3ia_{name}_{uuid.uuid4().hex[:10]}"
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{dbname}"'))
            databases.append(dbname)
            engine = create_engine(_admin_url(dbname))
            with engine.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            engine.dispose()
            # every instance of a test uses the same schema name, in its own database
            database_url = f"{_admin_url(dbname)}?options=-csearch_path%3D{schema}".replace(
                "postgresql+psycopg://", "postgresql://", 1
            )
        path = tmp_path / name
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("JAM3IA_", "DATABASE_URL", "REDIS_URL", "TEST_DATABASE_URL"))
        }
        env.update({"JAM3IA_INSTANCE_PATH": str(path), "SECRET_KEY": "faults-secret"})
        if database_url:
            env["DATABASE_URL"] = database_url
        return Instance(path=path, database_url=database_url, env=env)

    yield make
    if admin is not None:
        with admin.connect() as conn:
            for dbname in databases:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Server:
    """``jam3ia serve --workers 1`` (gunicorn + gevent) in its own process group."""

    instance: Instance
    log: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    preexec: Callable[[], None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def spawn(self) -> subprocess.Popen[bytes]:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [
                    *(sys.executable, "-m", "app.cli", "serve"),
                    *("--workers", "1", "--port", str(self.port)),
                ],
                cwd=ROOT,
                env=dict(self.instance.env, JAM3IA_ENV="development"),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=self.preexec,
            )
        return self.process

    def start(self) -> Server:
        wait_healthy(self.url, self.spawn(), self.output, 60)
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=20)


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """``serve(instance)`` -> a started server; every server is killed at teardown."""
    servers: list[Server] = []

    def start(instance: Instance, **kwargs: Any) -> Server:
        server = Server(instance, tmp_path / f"server-{len(servers)}.log", **kwargs)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.kill()


def token(server_url: str, login: str, password: str = DEMO_PASSWORD) -> str:
    response = requests.post(
        f"{server_url}/api/v1/auth/tokens", json={"login": login, "password": password}, timeout=30
    )
    response.raise_for_status()
    return str(response.json()["token"])
