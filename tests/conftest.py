"""Fixtures shared by every test: app, clients, users, a live server, Socket.IO clients.

Each test gets its own app and database: a temporary SQLite file, or (``TEST_DATABASE_URL``
set to PostgreSQL) a schema of its own. With ``JAM3IA_REQUIRE_SERVICES=1`` a service that is
needed and unreachable fails the test instead of skipping it.
"""

from __future__ import annotations

import contextvars
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text
from werkzeug.serving import make_server

from app import create_app
from app.accounts.models import User
from app.accounts.services import issue_credential
from app.config import Config
from app.db import db, transaction
from tests.factories import PASSWORD, UserFactory
from tests.support.auth import bearer

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
REQUIRE_SERVICES = os.environ.get("JAM3IA_REQUIRE_SERVICES") == "1"
CSRF_RE = re.compile(r'name="csrf-token" content="([^"]+)"')


def service_unavailable(what: str) -> None:
    """Skip, or fail when services are required (CI)."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is unreachable and JAM3IA_REQUIRE_SERVICES=1")
    pytest.skip(f"{what} is unreachable")


def _pg_url(schema: str) -> str:
    base = TEST_DATABASE_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    joiner = "&" if "?" in base else "?"
    return f"{base}{joiner}options=-csearch_path%3D{schema}"


#: A test's own PostgreSQL schema costs 0.7 s to create with every table and index and to drop
#: again (276 DDL statements, then DROP ... CASCADE): 30 minutes of CPU for the suite. A schema
#: whose tables a test left exactly as ``create_all`` made them is emptied instead (rows
#: deleted, sequences restarted, search partitions dropped, ~40 ms) and handed to the next
#: test's app under that test's schema name; any other schema is dropped as before.
_SCHEMA_POOL: list[str] = []
_TEMPLATE: dict[str, str] = {}  # "signature": the catalog signature of a create_all schema
_FRESH: dict[str, str] = {}  # url -> schema, for the app fixture

_SIGNATURE = text(
    """
    SELECT md5(coalesce(string_agg(item, '|' ORDER BY item), '')) FROM (
      SELECT concat_ws(':', c.relname, c.relkind, c.relpersistence, coalesce((
          SELECT string_agg(concat_ws(' ', a.attname, format_type(a.atttypid, a.atttypmod),
                                      a.attnotnull, pg_get_expr(d.adbin, d.adrelid)),
                            ',' ORDER BY a.attnum)
          FROM pg_attribute a
          LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
          WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), ''),
          replace(pg_get_indexdef(c.oid), quote_ident(:s) || '.', '')) AS item
        FROM pg_class c WHERE c.relnamespace = to_regnamespace(:s)
      UNION ALL
      SELECT concat_ws(':', 'con', conrelid::regclass, conname, pg_get_constraintdef(oid))
        FROM pg_constraint WHERE connamespace = to_regnamespace(:s)
      UNION ALL
      SELECT concat_ws(':', 'trg', tgname) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        WHERE c.relnamespace = to_regnamespace(:s) AND NOT t.tgisinternal
      UNION ALL
      SELECT concat_ws(':', 'fn', proname) FROM pg_proc WHERE pronamespace = to_regnamespace(:s)
      UNION ALL
      SELECT concat_ws(':', 'type', typname) FROM pg_type
        WHERE typnamespace = to_regnamespace(:s) AND typrelid = 0 AND typelem = 0
    ) items
    """
)


def _signature(conn: Any, schema: str) -> str:
    conn.execute(text(f'SET LOCAL search_path = "{schema}"'))
    return str(conn.execute(_SIGNATURE, {"s": schema}).scalar())


def _recycle(admin: Any, schema: str) -> bool:
    """Empty ``schema`` for the next test if it is exactly a ``create_all`` schema."""
    template = _TEMPLATE.get("signature")
    if template is None:
        return False
    try:
        with admin.begin() as conn:
            conn.execute(text("SET LOCAL lock_timeout = '5s'"))
            parts = conn.execute(
                text(
                    "SELECT relname FROM pg_class"
                    " WHERE relnamespace = to_regnamespace(:s) AND relispartition AND relkind = 'r'"
                ),
                {"s": schema},
            ).scalars()
            for part in list(parts):
                conn.execute(text(f'DROP TABLE "{schema}"."{part}"'))
            if _signature(conn, schema) != template:
                return False
            tables = conn.execute(
                text(
                    "SELECT relname FROM pg_class WHERE relnamespace = to_regnamespace(:s)"
                    " AND relkind IN ('r', 'p') AND NOT relispartition"
                ),
                {"s": schema},
            ).scalars()
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            script = "".join(f'DELETE FROM "{schema}"."{t}";' for t in tables)  # noqa: S608
            conn.connection.driver_connection.execute(script)  # one round trip, no parameters
            conn.execute(
                text(
                    "SELECT setval(format('%I.%I', schemaname, sequencename), start_value, false)"
                    " FROM pg_sequences WHERE schemaname = :s"
                ),
                {"s": schema},
            )
        return True
    except Exception:  # a lock still held, no superuser: the schema is dropped instead
        return False


@pytest.fixture
def database_url() -> Iterator[str | None]:
    """None (SQLite in the instance folder) or a fresh PostgreSQL schema for this test."""
    if not TEST_DATABASE_URL:
        yield None
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(TEST_DATABASE_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # pragma: no cover - depends on the machine
        admin.dispose()
        service_unavailable(f"PostgreSQL at TEST_DATABASE_URL ({exc.__class__.__name__})")
    url = _pg_url(schema)
    _FRESH[url] = schema
    try:
        yield url
    finally:
        _FRESH.pop(url, None)
        if _recycle(admin, schema):
            pooled = f"p_{uuid.uuid4().hex[:12]}"
            with admin.begin() as conn:
                conn.execute(text(f'ALTER SCHEMA "{schema}" RENAME TO "{pooled}"'))
            _SCHEMA_POOL.append(pooled)
        else:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session", autouse=True)
def _drop_pooled_schemas() -> Iterator[None]:
    """The emptied schemas still waiting for a test are dropped when the worker ends."""
    yield
    if TEST_DATABASE_URL and _SCHEMA_POOL:
        admin = create_engine(_pg_url("public"))
        with admin.begin() as conn:
            for pooled in _SCHEMA_POOL:
                conn.execute(text(f'DROP SCHEMA "{pooled}" CASCADE'))
        _SCHEMA_POOL.clear()
        admin.dispose()


def _create_sqlite_tables() -> None:
    """SQLite: a copy of this worker's first ``create_all`` file (2 ms instead of 90)."""
    path = Path(str(db.engine.url.database))
    template = _TEMPLATE.get("sqlite")
    db.engine.dispose()  # nothing is open on the file while it is replaced
    if template is not None and not path.exists():
        shutil.copyfile(template, path)
        return
    db.create_all()
    if template is None:
        db.engine.dispose()  # the last connection closing checkpoints the WAL into the file
        copy = Path(tempfile.mkdtemp(prefix="jam3ia-template-")) / "jam3ia.db"
        shutil.copyfile(path, copy)
        _TEMPLATE["sqlite"] = str(copy)


def create_tables(url: str | None) -> None:
    """``db.create_all()`` for a test's app: on PostgreSQL, an emptied schema of an earlier
    test takes the fresh (empty) schema's name when there is one."""
    if url is None and db.engine.dialect.name == "sqlite":
        _create_sqlite_tables()
        return
    schema = _FRESH.pop(url, None) if url else None
    if schema is None:
        db.create_all()
        return
    if _SCHEMA_POOL:
        pooled = _SCHEMA_POOL.pop()
        with db.engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}"'))
            conn.execute(text(f'ALTER SCHEMA "{pooled}" RENAME TO "{schema}"'))
        return
    db.create_all()
    if "signature" not in _TEMPLATE:
        with db.engine.begin() as conn:
            _TEMPLATE["signature"] = _signature(conn, schema)


@pytest.fixture
def config(tmp_path: Path, database_url: str | None) -> Config:
    return Config(
        env="testing",
        instance_path=tmp_path / "instance",
        database_url=database_url,
        secret_key="test-secret-key",
        map_tiles_url="",  # no test fetches map tiles from the internet
    )


class IsolatedClient(FlaskClient):
    """A test client whose requests run in their own app context, as in production.

    The test's own app context (and database session) stays apart from the request's, so a
    service that forgets to commit fails its test instead of passing through a shared session.
    Read what a request changed after ``db.session.expire_all()``.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def app(config: Config) -> Iterator[Flask]:
    application = create_app(config)
    application.test_client_class = IsolatedClient
    with application.app_context():
        create_tables(config.database_url)
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def user(app: Flask) -> User:
    return UserFactory()


@pytest.fixture
def admin(app: Flask) -> User:
    return UserFactory(is_admin=True)


class ApiClient:
    """A test client that speaks JSON with a bearer token (or anonymously)."""

    def __init__(self, app: Flask, token: str | None = None) -> None:
        self.app = app
        self.token = token
        self.client = app.test_client()

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        merged = dict(headers or {})
        if self.token:
            merged.setdefault("Authorization", f"Bearer {self.token}")
        return merged

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        kwargs["headers"] = self._headers(kwargs.get("headers"))
        return self.client.open(path, method=method, **kwargs)

    def get(self, path: str, **kw: Any) -> Any:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Any:
        return self.request("POST", path, **kw)

    def patch(self, path: str, **kw: Any) -> Any:
        return self.request("PATCH", path, **kw)

    def put(self, path: str, **kw: Any) -> Any:
        return self.request("PUT", path, **kw)

    def delete(self, path: str, **kw: Any) -> Any:
        return self.request("DELETE", path, **kw)


def token_for(user: User) -> str:
    with transaction():
        secret, _cred = issue_credential(user, "token", "tests")
    return secret


@pytest.fixture
def api(app: Flask) -> Callable[[User | None], ApiClient]:
    """``api(user)`` -> a JSON client authenticated as ``user`` (``api(None)``: anonymous)."""

    def make(who: User | None = None) -> ApiClient:
        return ApiClient(app, token_for(who) if who is not None else None)

    return make


def csrf_token(client: FlaskClient, path: str = "/") -> str:
    """The CSRF token of the client's session, read from a page's meta tag."""
    page = client.get(path)
    match = CSRF_RE.search(page.get_data(as_text=True))
    assert match, f"no csrf-token meta on {path}"
    return match.group(1)


def login(client: FlaskClient, who: User, password: str = PASSWORD) -> None:
    """Log ``client`` in through the HTML form, as a browser would."""
    token = csrf_token(client)
    response = client.post(
        "/login", data={"login": who.username, "password": password, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


@pytest.fixture
def logged_in(app: Flask) -> Callable[[User], FlaskClient]:
    """``logged_in(user)`` -> a browser-like client with a session cookie."""

    def make(who: User) -> FlaskClient:
        c = app.test_client()
        login(c, who)
        return c

    return make


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(
    url: str, process: subprocess.Popen[bytes], log: Callable[[], str], seconds: float
) -> None:
    """Wait until the server ``process`` answers ``url``/healthz; fail with its log's end."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited: {log()[-3000:]}")
        try:
            if requests.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not become healthy: {log()[-3000:]}")


def stored_messages(url: str, token: str, conversation_id: int) -> list[dict[str, Any]]:
    """Every stored message of a conversation, oldest first, page by page ("after id N"), as
    a client catches up."""
    found: list[dict[str, Any]] = []
    after = 0
    while True:
        page = requests.get(
            f"{url}/api/v1/conversations/{conversation_id}/messages",
            params={"after_id": after, "limit": 100},
            headers=bearer(token),
            timeout=30,
        )
        assert page.status_code == 200, page.text
        items = page.json()["items"]
        if not items:
            return found
        found.extend(items)
        after = items[-1]["id"]


class LiveServer:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = make_server("127.0.0.1", self.port, app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> LiveServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    """The app served on a loopback port by a real HTTP server (websockets included)."""
    server = LiveServer(app).start()
    yield server
    server.stop()


@pytest.fixture
def sio_connect(live_server: LiveServer) -> Iterator[Callable[..., socketio.Client]]:
    """``sio_connect(user, namespaces=["/chat"])`` -> a connected python-socketio client."""
    clients: list[socketio.Client] = []

    def connect(
        who: User | None,
        namespaces: list[str] | None = None,
        token: str | None = None,
        transports: list[str] | None = None,
        **kwargs: Any,
    ) -> socketio.Client:
        client = socketio.Client(reconnection=False)
        auth = {"token": token or token_for(who)} if (who is not None or token) else None
        clients.append(client)
        client.connect(
            live_server.url,
            namespaces=namespaces or ["/"],
            auth=auth,
            transports=transports or ["websocket"],
            wait_timeout=10,
            **kwargs,
        )
        return client

    yield connect
    for client in clients:
        if client.connected:
            client.disconnect()


#: A fixed Fernet key (32 bytes, url-safe base64) for production-like configurations.
PRODUCTION_DATA_KEY = "cHJvZHVjdGlvbi1kYXRhLWtleS0zMi1ieXRlcy0hISE="


@pytest.fixture
def app_factory_production(tmp_path: Path) -> Iterator[Flask]:
    """An app configured as in production (secure cookies, HSTS), on SQLite."""
    cfg = Config(
        env="production",
        instance_path=tmp_path / "prod",
        secret_key="production-secret",
        base_url="https://jam3ia.example.ma",
        data_key=PRODUCTION_DATA_KEY,
        token_key="production-token-key-0123456789-abcdefghij",
    )
    application = create_app(cfg)
    with application.app_context():
        db.create_all()
        yield application
        db.session.remove()
        db.engine.dispose()


@contextmanager
def count_statements() -> Iterator[list[str]]:
    """The SQL statements run inside the block (to check a page's query count is constant)."""
    statements: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
