"""Backup and restore drill: ``jam3ia backup`` while the server writes, ``jam3ia restore``
into a fresh instance, which then serves exactly what the database held at backup time.

Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL (pg_dump / pg_restore).
"""

from __future__ import annotations

import io
import json
import tarfile
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from PIL import Image
from sqlalchemy import Text, create_engine, select, type_coerce

from app.db import db
from app.privacy import EncryptedText
from tests.faults.conftest import Instance, token
from tests.support.auth import bearer

pytestmark = pytest.mark.live

#: Tables whose rows change in place as people use the site (last message, read marks, last
#: use of a token, the indexing queue, a forum's counters): compared by key only.
CHANGING = {"conversations", "conversation_members", "credentials", "search_outbox", "forums"}
#: Tables nothing writes to after the backup in the drill: restored exactly.
UNTOUCHED = {
    "users", "associations", "association_fields", "memberships", "forums", "projects",
    "project_milestones", "project_activities", "fields", "regions", "provinces", "cities",
}  # fmt: skip


def _engine(instance: Instance) -> Any:
    return create_engine(instance.config.sqlalchemy_url)


def _freeze(value: Any) -> Any:
    """Rows in sets: JSON values as sorted text."""
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return value


def _table_rows(instance: Instance) -> dict[str, set[tuple[Any, ...]]]:
    """Every row of every model table (keys only for the tables that change in place)."""
    engine = _engine(instance)
    found: dict[str, set[tuple[Any, ...]]] = {}
    try:
        with engine.connect() as conn:
            for name, table in db.metadata.tables.items():
                if name.startswith("search_") and name != "search_outbox":
                    continue  # the search backend's own tables: rebuilt, checked by searching
                columns = list(table.primary_key.columns) if name in CHANGING else list(table.c)
                # encrypted personal fields are compared as stored (no key needed)
                columns = [
                    type_coerce(c, Text) if isinstance(c.type, EncryptedText) else c
                    for c in columns
                ]
                found[name] = {
                    tuple(_freeze(v) for v in row) for row in conn.execute(select(*columns))
                }
    finally:
        engine.dispose()
    return found


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 60)).save(out, format="PNG")
    return out.getvalue()


#: Chat sends are limited to 30 a minute per person: each writer stays under it.
SEND_INTERVAL = 2.2
WRITERS = ("fatima", "hassan", "nadia")
GROUP_TITLE = "Bénévoles — caravane médicale"


class Writer(threading.Thread):
    """One person sending chat messages one after another until stopped. Each writer is
    sequential, so what a consistent snapshot holds of its messages is a prefix of them."""

    def __init__(self, url: str, username: str, conversation_id: int) -> None:
        super().__init__(daemon=True)
        self.url, self.username, self.conversation_id = url, username, conversation_id
        self.secret = token(url, username)
        self.sent = 0
        self.errors: list[str] = []
        self.stop = threading.Event()

    def client_id(self, number: int) -> str:
        return f"bk-{self.username}-{number}"

    def run(self) -> None:
        with requests.Session() as http:
            while not self.stop.is_set():
                response = http.post(
                    f"{self.url}/api/v1/conversations/{self.conversation_id}/messages",
                    json={"body": f"pendant la sauvegarde {self.sent}",
                          "client_id": self.client_id(self.sent)},
                    headers=bearer(self.secret),
                    timeout=30,
                )  # fmt: skip
                if response.status_code != 201:
                    self.errors.append(f"{response.status_code} {response.text[:300]}")
                    return
                self.sent += 1
                self.stop.wait(SEND_INTERVAL)


def _total(writers: list[Writer]) -> int:
    return sum(w.sent for w in writers)


def _wait_for(writers: list[Writer], total: int) -> None:
    while _total(writers) < total and all(w.is_alive() for w in writers):
        time.sleep(0.05)
    assert not [e for w in writers for e in w.errors], [w.errors for w in writers]


def test_restore_drill(instance_factory, serve, tmp_path):
    source = instance_factory("source")
    source.migrate()
    source.cli("seed-demo")
    server = serve(source)
    admin = token(server.url, "admin")
    fatima = token(server.url, "fatima")
    listed = requests.get(f"{server.url}/api/v1/associations", headers=bearer(admin), timeout=30)
    assert listed.status_code == 200, listed.text
    assoc = listed.json()["items"][0]
    logo = requests.post(
        f"{server.url}/api/v1/associations/{assoc['id']}/logo",
        files={"file": ("logo.png", _png(), "image/png")},
        headers=bearer(admin),
        timeout=30,
    )
    assert logo.status_code == 200, logo.text
    logo_url = logo.json()["logo_url"]
    logo_bytes = requests.get(f"{server.url}{logo_url}", timeout=30).content
    listed = requests.get(f"{server.url}/api/v1/conversations", headers=bearer(fatima), timeout=30)
    assert listed.status_code == 200, listed.text
    conversations = listed.json()["items"]
    group = next(c for c in conversations if c.get("title") == GROUP_TITLE)

    writers = [Writer(server.url, name, group["id"]) for name in WRITERS]
    for writer in writers:
        writer.start()
    _wait_for(writers, 5)
    archive = tmp_path / "drill.tar.gz"
    made = source.cli("backup", "--output", str(archive))
    at_backup = _total(writers)
    _wait_for(writers, at_backup + 5)  # the server keeps writing after the snapshot
    for writer in writers:
        writer.stop.set()
        writer.join(timeout=30)
    assert not [e for w in writers for e in w.errors]
    later = requests.post(
        f"{server.url}/api/v1/forums/{_first_forum(server.url, fatima)}/topics",
        json={"title": "Écrit après la sauvegarde", "body": "ne doit pas revenir"},
        headers=bearer(fatima),
        timeout=30,
    )
    assert later.status_code == 201, later.text
    assert str(archive) in made.stdout

    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert archive.stat().st_mode & 0o777 == 0o600
    assert manifest["database"] == ("postgresql" if source.database_url else "sqlite")
    assert manifest["revisions"] and manifest["app_version"] and manifest["created_at"]
    assert any(name.startswith("uploads/logos/") for name in names)
    assert not any(name.startswith("search") for name in names)  # rebuilt on restore

    target = instance_factory("target")
    restored = target.cli("restore", str(archive))
    assert "Restored" in restored.stdout and "search associations" in restored.stdout

    before, after = _table_rows(source), _table_rows(target)
    assert len(after["messages"]) == manifest["tables"]["messages"]
    # A consistent snapshot: of each writer's messages, a prefix; none of the later writes.
    during = 0
    for writer in writers:
        kept = {str(row[3]) for row in after["messages"]} & {
            writer.client_id(i) for i in range(writer.sent)
        }
        assert kept == {writer.client_id(i) for i in range(len(kept))}, writer.username
        during += len(kept)
    assert 5 <= during <= at_backup
    assert len(before["messages"]) - len(after["messages"]) >= 5
    assert not any("après la sauvegarde" in str(row) for row in after["forum_topics"])
    assert any("après la sauvegarde" in str(row) for row in before["forum_topics"])
    for name, rows in after.items():
        assert rows <= before[name], name
        if name in UNTOUCHED:
            assert rows == before[name], name
    server.kill()

    # The restored instance serves it: log in, read, search, the logo.
    restored_server = serve(target)
    url = restored_server.url
    fatima2 = token(url, "fatima")
    listing = requests.get(
        f"{url}/api/v1/conversations/{group['id']}/messages",
        params={"limit": 200},
        headers=bearer(fatima2),
        timeout=30,
    )
    assert listing.status_code == 200
    served = {m["client_id"] for m in listing.json()["items"]}
    assert served == {str(row[3]) for row in after["messages"] if row[1] == group["id"]}
    found = requests.get(
        f"{url}/api/v1/search",
        params={"q": assoc["name"], "scope": "associations"},
        headers=bearer(fatima2),
        timeout=30,
    ).json()
    assert assoc["id"] in [hit["id"] for hit in found["items"]]
    assert requests.get(f"{url}{logo_url}", timeout=30).content == logo_bytes
    assert requests.get(f"{url}/directory", timeout=30).status_code == 200


def _first_forum(url: str, secret: str) -> int:
    forums = requests.get(f"{url}/api/v1/forums", headers=bearer(secret), timeout=30).json()
    items = forums["items"] if isinstance(forums, dict) else forums
    return int(items[0]["id"])


@pytest.fixture
def archived(instance_factory, tmp_path) -> tuple[Instance, Path]:
    source = instance_factory("source")
    source.migrate()
    source.cli("create-admin", "--username", "amina", "--email", "amina@example.org",
               "--password", "a-long-password-1")  # fmt: skip
    archive = tmp_path / "small.tar.gz"
    source.cli("backup", "--output", str(archive))
    return source, archive


def test_restore_refuses_a_database_with_accounts_unless_forced(archived, instance_factory):
    _source, archive = archived
    target = instance_factory("target")
    target.migrate()
    target.cli("create-admin", "--username", "karim", "--email", "karim@example.org",
               "--password", "a-long-password-2")  # fmt: skip
    refused = target.cli("restore", str(archive), check=False)
    assert refused.returncode != 0
    assert "already holds accounts" in refused.stderr and "--force" in refused.stderr
    assert _usernames(target) == {"karim"}  # untouched
    target.cli("restore", "--force", str(archive))
    assert _usernames(target) == {"amina"}


def _usernames(instance: Instance) -> set[str]:
    engine = _engine(instance)
    try:
        with engine.connect() as conn:
            return {str(r[0]) for r in conn.exec_driver_sql("SELECT username FROM users")}
    finally:
        engine.dispose()


def _rewrite(archive: Path, out: Path, change: Any) -> Path:
    """A copy of ``archive`` with ``change(manifest)`` applied, or members edited."""
    with tarfile.open(archive) as src, tarfile.open(out, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "manifest.json" and change is not None:
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
            elif member.name.startswith("database") and change is None:
                data = data[:-4096] + b"\0" * 4096  # damaged in storage
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    return out


def test_restore_refuses_an_archive_from_a_newer_release(archived, instance_factory, tmp_path):
    _source, archive = archived
    newer = _rewrite(
        archive, tmp_path / "newer.tar.gz", lambda m: m.update(revisions=["9999_from_the_future"])
    )
    target = instance_factory("target")
    refused = target.cli("restore", str(newer), check=False)
    assert refused.returncode != 0
    assert "9999_from_the_future" in refused.stderr and "newer release" in refused.stderr


def test_restore_refuses_a_damaged_archive_or_another_database(
    archived, instance_factory, tmp_path
):
    _source, archive = archived
    target = instance_factory("target")
    damaged = _rewrite(archive, tmp_path / "damaged.tar.gz", None)
    refused = target.cli("restore", str(damaged), check=False)
    assert refused.returncode != 0 and "checksum" in refused.stderr
    other = "sqlite" if target.database_url else "postgresql"
    foreign = _rewrite(archive, tmp_path / "foreign.tar.gz", lambda m: m.update(database=other))
    refused = target.cli("restore", str(foreign), check=False)
    assert refused.returncode != 0 and f"holds a {other} database" in refused.stderr
    not_an_archive = tmp_path / "notes.txt"
    not_an_archive.write_text("hello")
    refused = target.cli("restore", str(not_an_archive), check=False)
    assert refused.returncode != 0 and "not a readable jam3ia archive" in refused.stderr


def test_an_archive_from_an_older_release_is_migrated_on_restore(instance_factory, tmp_path):
    from flask_migrate import downgrade

    source = instance_factory("source")
    source.migrate()
    application = source.app()
    with application.app_context():
        downgrade(revision="0006_projects")  # as a release before the merge left it
        db.session.remove()
        db.engine.dispose()
    archive = tmp_path / "old.tar.gz"
    source.cli("backup", "--output", str(archive))
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert "0007_merge_features" not in manifest["revisions"]
    target = instance_factory("target")
    restored = target.cli("restore", str(archive))
    heads = target.cli("db", "heads").stdout.split()[0]
    assert f"now at migration {heads}" in restored.stdout
    current = target.cli("db", "current").stdout
    assert heads in current and "(head)" in current


def test_a_restore_that_fails_half_way_leaves_the_database_as_it_was(
    archived, instance_factory, tmp_path
):
    """A dump cut short (its checksum made to match): the restore fails, with --force, and
    the database it was to replace still holds its accounts."""
    import hashlib

    _source, archive = archived
    cut = tmp_path / "cut.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(cut, "w:gz") as dst:
        members = {m.name: src.extractfile(m).read() for m in src.getmembers()}  # type: ignore[union-attr]
        name = next(n for n in members if n.startswith("database"))
        members[name] = members[name][: len(members[name]) * 2 // 3]
        manifest = json.loads(members["manifest.json"])
        manifest["files"][name] = hashlib.sha256(members[name]).hexdigest()
        members["manifest.json"] = json.dumps(manifest).encode()
        for member_name, data in members.items():
            info = tarfile.TarInfo(member_name)
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))
    target = instance_factory("target")
    target.migrate()
    target.cli("create-admin", "--username", "karim", "--email", "karim@example.org",
               "--password", "a-long-password-2")  # fmt: skip
    failed = target.cli("restore", "--force", str(cut), check=False)
    assert failed.returncode != 0
    assert "Traceback" not in failed.stderr, failed.stderr
    assert "failed" in failed.stderr or "integrity check" in failed.stderr, failed.stderr
    assert _usernames(target) == {"karim"}
