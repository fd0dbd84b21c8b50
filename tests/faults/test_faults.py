"""Faults against the real server (``jam3ia serve`` in a process of its own): ``kill -9`` in
the middle of chat sends, many writers at once on one SQLite file, a full disk, a read-only
instance folder. What a client was told must be true afterwards, errors must be plain, and
the database must stay whole.
"""

from __future__ import annotations

import gc
import os
import resource
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio
from sqlalchemy import create_engine

from app.accounts.services import register_user
from app.db import db, transaction
from tests.conftest import stored_messages
from tests.faults.conftest import ROOT, Instance, Server, token
from tests.support.auth import bearer

pytestmark = pytest.mark.live
PASSWORD = "fault-password-1"


def _people(instance: Instance, names: list[str]) -> None:
    """Migrate ``instance`` and create these accounts (before any server runs)."""
    instance.migrate()
    application = instance.app()
    with application.app_context():
        with transaction():
            for name in names:
                register_user(name, f"{name}@example.org", PASSWORD)
        db.session.remove()
        db.engine.dispose()


def _tokens(url: str, names: list[str]) -> dict[str, str]:
    return {name: token(url, name, PASSWORD) for name in names}


def _conversation(url: str, tokens: dict[str, str], owner: str) -> int:
    ids = []
    for name, secret in tokens.items():
        me = requests.get(f"{url}/api/v1/me", headers=bearer(secret), timeout=30)
        me.raise_for_status()
        if name != owner:
            ids.append(me.json()["id"])
    response = requests.post(
        f"{url}/api/v1/conversations",
        json={"member_ids": ids, "title": "Pannes"},
        headers=bearer(tokens[owner]),
        timeout=30,
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _integrity(instance: Instance) -> None:
    if instance.database_url:
        return
    conn = sqlite3.connect(instance.path / "jam3ia.db")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


# --- kill -9 in the middle of sends --------------------------------------------------------


def _chat_client(url: str, secret: str) -> socketio.Client:
    client = socketio.Client(reconnection=False)
    client.connect(
        url, namespaces=["/chat"], auth={"token": secret}, transports=["websocket"], wait_timeout=10
    )
    return client


class Sender(threading.Thread):
    """One person sending numbered messages over Socket.IO, waiting for each ack."""

    def __init__(self, url: str, name: str, secret: str, conversation_id: int, total: int):
        super().__init__(daemon=True)
        self.name_, self.secret, self.conversation_id = name, secret, conversation_id
        self.url, self.total = url, total
        self.acked: dict[str, int] = {}  # client_id -> message id the server acknowledged
        self.unacked: list[str] = []  # sent (or about to be) without an ack
        self.errors: list[str] = []

    def client_id(self, number: int) -> str:
        return f"{self.name_}-{number}"

    def run(self) -> None:
        try:
            client = _chat_client(self.url, self.secret)
        except socketio.exceptions.ConnectionError as error:
            self.errors.append(f"connect: {error}")
            return
        number = 0
        try:
            for number in range(self.total):
                cid = self.client_id(number)
                ack = client.call(
                    "message_send",
                    {"conversation_id": self.conversation_id, "body": f"n°{number}",
                     "client_id": cid},
                    namespace="/chat",
                    timeout=10,
                )  # fmt: skip
                if not ack or not ack.get("ok"):
                    self.errors.append(f"{cid}: {ack}")
                    return
                self.acked[cid] = ack["message"]["id"]
        except (socketio.exceptions.TimeoutError, socketio.exceptions.SocketIOError):
            # the server died under us: this one and the rest were never acknowledged
            self.unacked = [self.client_id(n) for n in range(number, self.total)]
        finally:
            if client.connected:
                client.disconnect()


# A client whose server is killed may leave its socket for the garbage collector.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_kill_9_in_the_middle_of_sends_loses_no_acked_message_and_stores_retries_once(
    instance_factory, serve
):
    names = ["amal", "badr", "chama", "driss"]
    instance = instance_factory("chat")
    _people(instance, names)
    server = serve(instance)
    tokens = _tokens(server.url, names)
    conversation_id = _conversation(server.url, tokens, "amal")
    per_person = 25  # under the 30-a-minute send limit
    senders = [Sender(server.url, n, tokens[n], conversation_id, per_person) for n in names]
    for sender in senders:
        sender.start()
    deadline = time.monotonic() + 60
    while sum(len(s.acked) for s in senders) < 30 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.kill()  # SIGKILL to gunicorn and its worker, in the middle of the sends
    for sender in senders:
        sender.join(timeout=30)
    assert not [e for s in senders for e in s.errors]
    acked = {cid: mid for s in senders for cid, mid in s.acked.items()}
    unacked = [cid for s in senders for cid in s.unacked]
    assert len(acked) >= 30 and unacked, "the kill did not land in the middle of the sends"
    _integrity(instance)

    restarted = serve(instance)
    # Retry every send that had no ack, with the same client_id, as a client does.
    retried: dict[str, bool] = {}
    for sender in senders:
        client = _chat_client(restarted.url, sender.secret)
        for cid in sender.unacked:
            number = int(cid.rsplit("-", 1)[1])
            ack = client.call(
                "message_send",
                {"conversation_id": conversation_id, "body": f"n°{number}", "client_id": cid},
                namespace="/chat",
                timeout=10,
            )
            assert ack["ok"], ack
            retried[cid] = ack["created"]
        client.disconnect()

    stored = stored_messages(restarted.url, tokens["amal"], conversation_id)
    client_ids = [m["client_id"] for m in stored]
    assert len(client_ids) == len(set(client_ids)), "a message was stored twice"
    assert set(client_ids) == set(acked) | set(retried)
    by_cid = {m["client_id"]: m["id"] for m in stored}
    assert all(by_cid[cid] == mid for cid, mid in acked.items()), "an ack named another row"
    assert len(stored) == len(names) * per_person
    gc.collect()  # the dead server's client sockets go now, under this test's filters


# --- many writers on one SQLite file ----------------------------------------------------------


def test_concurrent_writers_threads_and_processes_never_see_database_locked(
    instance_factory, serve
):
    names = [f"writer{i}" for i in range(8)]
    instance = instance_factory("writers")
    _people(instance, names)
    server = serve(instance)
    tokens = _tokens(server.url, names)
    conversation_id = _conversation(server.url, tokens, names[0])
    per_person = 12

    def send(name: str) -> list[str]:
        problems = []
        with requests.Session() as http:
            for number in range(per_person):
                response = http.post(
                    f"{server.url}/api/v1/conversations/{conversation_id}/messages",
                    json={"body": f"{name} {number}", "client_id": f"{name}-{number}"},
                    headers=bearer(tokens[name]),
                    timeout=60,
                )
                if response.status_code != 201:
                    problems.append(f"{response.status_code} {response.text[:300]}")
        return problems

    # Other processes write the same database at the same time: each adds associations
    # (and indexes them) through the app, as `jam3ia directory generate` does.
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "app.cli",
                "directory",
                "generate",
                "--count",
                "40",
                "--seed",
                str(seed),
            ],
            cwd=ROOT,
            env=instance.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for seed in (1, 2, 3)
    ]
    with ThreadPoolExecutor(len(names)) as pool:
        problems = [p for found in pool.map(send, names) for p in found]
    outputs = [p.communicate(timeout=300)[0] for p in processes]
    assert problems == []
    assert [p.returncode for p in processes] == [0, 0, 0], outputs
    assert all("40 associations added" in out for out in outputs), outputs
    assert not any("locked" in out for out in outputs)
    assert "database is locked" not in server.output()
    stored = stored_messages(server.url, tokens[names[0]], conversation_id)
    assert len(stored) == len(names) * per_person
    engine = create_engine(instance.config.sqlalchemy_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM associations").scalar() == 120
        approved = conn.exec_driver_sql(
            "SELECT count(*) FROM associations WHERE status = 'approved'"
        ).scalar()
    engine.dispose()
    # Concurrent full rebuilds may leave an older id list last (see the report); a reindex
    # afterwards makes the listing whole, and the running server sees it.
    instance.cli("reindex")
    deadline = time.monotonic() + 30
    while True:
        listed = requests.get(
            f"{server.url}/api/v1/associations", params={"per_page": 1}, timeout=30
        ).json()
        if listed["total"] == approved or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert listed["total"] == approved
    server.kill()
    _integrity(instance)


# --- a full disk -------------------------------------------------------------------------


def _worker_pids(server: Server) -> list[int]:
    assert server.process is not None
    master = server.process.pid
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


@contextmanager
def _small_disk(path: Path, size_kb: int) -> Iterator[Path]:
    """A tmpfs of ``size_kb`` mounted at ``path`` (root with CAP_SYS_ADMIN), else skip."""
    path.mkdir(parents=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(path)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _fill(url: str, tokens: dict[str, str], conversation_id: int) -> tuple[list[str], Any]:
    """Send long messages in turn until one is refused; returns the accepted ids and the
    refused response (with ``request_json`` and ``sender`` to send it again)."""
    accepted: list[str] = []
    body = "امتلاء القرص " * 280  # about 4 KB of Arabic
    names = list(tokens)
    for number in range(100):  # 25 each: under the 30-a-minute send limit
        name = names[number % len(names)]
        payload = {"body": body, "client_id": f"{name}-fill-{number}"}
        response = requests.post(
            f"{url}/api/v1/conversations/{conversation_id}/messages",
            json=payload,
            headers=bearer(tokens[name]),
            timeout=60,
        )
        if response.status_code != 201:
            response.request_json, response.sender = payload, name  # type: ignore[attr-defined]
            return accepted, response
        accepted.append(payload["client_id"])
    raise AssertionError("the disk never filled up")


@pytest.mark.parametrize("how", ["tmpfs", "file-size-limit"])
def test_a_full_disk_is_a_clear_error_and_breaks_nothing(instance_factory, serve, tmp_path, how):
    """tmpfs: a real ENOSPC (SQLite: "database or disk is full"); file-size-limit: the
    worker's RLIMIT_FSIZE, EFBIG (SQLite: "disk I/O error"), which works without root."""
    instance = instance_factory("full")
    if instance.database_url:
        pytest.skip("the disk that fills here is SQLite's")
    names = ["hind", "ilyas", "jamal", "kenza"]
    with ExitStack() as stack:
        if how == "tmpfs":
            mount = stack.enter_context(_small_disk(tmp_path / "small", 8 * 1024))
            instance.path = mount / "instance"
            instance.env["JAM3IA_INSTANCE_PATH"] = str(instance.path)
        _people(instance, names)
        server = serve(instance)
        stack.callback(server.kill)  # before the tmpfs goes
        tokens = _tokens(server.url, names)
        conversation_id = _conversation(server.url, tokens, names[0])
        before = stored_messages(server.url, tokens[names[0]], conversation_id)
        ballast = mount / "ballast" if how == "tmpfs" else None
        if ballast is not None:
            stat = os.statvfs(mount)
            with ballast.open("wb") as out:  # leave about 150 KB free
                out.write(b"\0" * max(stat.f_bavail * stat.f_frsize - 150 * 1024, 0))
        else:
            wal = instance.path / "jam3ia.db-wal"
            limit = max(wal.stat().st_size if wal.exists() else 0, 64 * 1024) + 128 * 1024
            for pid in _worker_pids(server):
                resource.prlimit(pid, resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))

        accepted, refused = _fill(server.url, tokens, conversation_id)
        assert refused.status_code == 507, refused.text
        error = refused.json()["error"]
        assert error["code"] == "storage_full" and "storage is full" in error["message"]
        # Reads still work, and everything acknowledged is there.
        now = stored_messages(server.url, tokens[names[0]], conversation_id)
        assert {m["client_id"] for m in now} == {m["client_id"] for m in before} | set(accepted)

        # Room again: the refused send goes through, stored once.
        if ballast is not None:
            ballast.unlink()
        else:
            for pid in _worker_pids(server):
                unlimited = (resource.RLIM_INFINITY, resource.RLIM_INFINITY)
                resource.prlimit(pid, resource.RLIMIT_FSIZE, unlimited)
        again = requests.post(
            f"{server.url}/api/v1/conversations/{conversation_id}/messages",
            json=refused.request_json,
            headers=bearer(tokens[refused.sender]),
            timeout=60,
        )
        assert again.status_code == 201, again.text
        final = stored_messages(server.url, tokens[names[0]], conversation_id)
        assert len(final) == len(now) + 1
        server.kill()
        _integrity(instance)


# --- a read-only instance folder --------------------------------------------------------


@contextmanager
def _read_only(path: Path) -> Iterator[None]:
    """Make ``path`` read-only, even for root (a read-only bind mount), else skip."""
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in [path, *path.rglob("*")]}
        for p in modes:
            p.chmod(0o555 if p.is_dir() else 0o444)
        try:
            yield
        finally:
            for p, mode in modes.items():
                p.chmod(mode)
        return
    bound = subprocess.run(["mount", "--bind", str(path), str(path)], capture_output=True)
    if bound.returncode != 0:
        pytest.skip(f"cannot bind-mount here: {bound.stderr.decode().strip()}")
    try:
        remount = subprocess.run(
            ["mount", "-o", "remount,bind,ro", str(path)], capture_output=True, check=False
        )
        if remount.returncode != 0:
            pytest.skip(f"cannot remount read-only: {remount.stderr.decode().strip()}")
        yield
    finally:
        subprocess.run(["umount", str(path)], check=False)


def test_a_read_only_instance_folder_stops_the_start_with_a_clear_message(
    instance_factory, tmp_path
):
    instance = instance_factory("ro")
    _people(instance, ["lamia"])
    server = Server(instance, tmp_path / "ro.log")
    with _read_only(instance.path):
        process = server.spawn()
        try:
            code = process.wait(timeout=60)
        finally:
            server.kill()
        output = server.output()
        assert code != 0
        assert f"The instance folder {instance.path} is read-only" in output
        assert "JAM3IA_INSTANCE_PATH" in output
        cli = instance.cli("reindex", check=False)
        assert cli.returncode != 0 and "is read-only" in cli.stderr
    _integrity(instance)
    # Writable again: it starts and the account is there.
    server = Server(instance, tmp_path / "rw.log").start()
    try:
        assert token(server.url, "lamia", PASSWORD)
    finally:
        server.kill()
