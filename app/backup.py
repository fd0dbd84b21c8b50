"""``jam3ia backup`` and ``jam3ia restore``: one archive holds everything an instance needs.

An archive is a ``.tar.gz`` with:

- ``manifest.json``: format, app version, the Alembic revision(s) of the database, the
  database kind, ``created_at``, the row count of every table *as dumped* and the SHA-256 of
  every file in the archive;
- ``database.sqlite3`` (SQLite: a copy made with SQLite's online backup API, in one step, so
  it is one consistent snapshot even while the server writes; WAL readers do not block
  writers) or ``database.pgdump`` (PostgreSQL: ``pg_dump --format=custom`` of the schema the
  app uses, run on a snapshot exported by a REPEATABLE READ transaction, the same snapshot the
  row counts are read in);
- ``uploads/``: the uploaded files of the instance folder (association logos).

The search index is *not* archived: it is derived from the database, and a copy of it could
only be taken at another instant than the database snapshot (documents written in between
would be missing or ghosts). Restore rebuilds it from the restored database (``reindex``) and
empties the search outbox, so search answers exactly what the database holds.

Restore refuses: an archive of another database kind, an archive whose migration revision the
code does not know (a newer release made it: upgrade the code first), and, without ``force``,
a database that already holds accounts. An archive from an older release is restored and then
migrated to the code's head. The restored row counts are checked against the manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask_migrate import upgrade
from sqlalchemy import URL, Connection, Engine, delete, inspect, text

from app.db import SQLITE_BUSY_TIMEOUT_MS, db
from app.plugins import registry
from app.search.models import SearchOutbox

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
UPLOADS = "uploads"
#: The table every piece of content hangs from: no account, no data.
ACCOUNTS_TABLE = "users"
ALEMBIC_TABLE = "alembic_version"


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass
class Manifest:
    database: str
    revisions: list[str]
    tables: dict[str, int]
    files: dict[str, str] = field(default_factory=dict)
    app_version: str = ""
    created_at: str = ""
    schema: str | None = None
    format: int = FORMAT

    def to_json(self) -> str:
        return json.dumps(self.__dict__, indent=2, sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            data = json.loads(raw)
            manifest = cls(**data)
        except (ValueError, TypeError) as error:
            raise BackupError(f"The archive's manifest is unreadable: {error}") from error
        if manifest.format != FORMAT:
            raise BackupError(
                f"Archive format {manifest.format} is not supported (this release reads {FORMAT})."
            )
        return manifest


@dataclass
class RestoreReport:
    manifest: Manifest
    migrated_to: list[str]
    indexed: dict[str, int]
    uploads: int


def app_version() -> str:
    try:
        return metadata.version("jam3ia")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _utc_stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _uploads_dir(app: Flask) -> Path:
    return Path(app.instance_path) / UPLOADS


def _engine() -> Engine:
    return db.engine


def _revisions(conn: Connection) -> list[str]:
    if not inspect(conn).has_table(ALEMBIC_TABLE):
        return []
    rows = conn.execute(text(f"SELECT version_num FROM {ALEMBIC_TABLE}"))  # noqa: S608
    return sorted(str(r[0]) for r in rows)


def code_revisions() -> tuple[set[str], list[str]]:
    """Every revision the code knows, and its head(s)."""

    config = current_app.extensions["migrate"].migrate.get_config()
    script = ScriptDirectory.from_config(config)
    known = {rev.revision for rev in script.walk_revisions()}
    return known, sorted(script.get_heads())


# --- backup ---------------------------------------------------------------------------------


def default_output(app: Flask, kind: str) -> Path:
    return Path(app.instance_path) / "backups" / f"jam3ia-{kind}-{_utc_stamp()}.tar.gz"


def create_backup(app: Flask, output: Path | None = None) -> tuple[Path, Manifest]:
    """Write an archive of the database and the uploads; returns its path and manifest."""
    engine = _engine()
    kind = engine.dialect.name
    if kind not in ("sqlite", "postgresql"):  # pragma: no cover - no other dialect is set up
        raise BackupError(f"Backups of {kind} databases are not supported.")
    target = (output or default_output(app, kind)).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".jam3ia-backup-", dir=target.parent))
    try:
        if kind == "sqlite":
            db_file = work / SQLITE_FILE
            manifest = _dump_sqlite(engine, db_file)
        else:
            db_file = work / PG_FILE
            manifest = _dump_postgres(engine, db_file)
        manifest.app_version = app_version()
        manifest.created_at = dt.datetime.now(dt.UTC).isoformat()
        manifest.files[db_file.name] = _sha256(db_file)
        uploads = _uploads_dir(app)
        upload_files = sorted(p for p in uploads.rglob("*") if p.is_file())
        for path in upload_files:
            manifest.files[f"{UPLOADS}/{path.relative_to(uploads).as_posix()}"] = _sha256(path)
        partial = work / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as tar:
            _add_bytes(tar, MANIFEST, manifest.to_json().encode())
            tar.add(db_file, arcname=db_file.name)
            for path in upload_files:
                tar.add(path, arcname=f"{UPLOADS}/{path.relative_to(uploads).as_posix()}")
        partial.chmod(0o600)  # it holds password hashes and private messages
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target, manifest


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("This SQLite database lives in memory: there is nothing to back up.")
    return Path(database)


def _sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {n: int(conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0]) for n in names}  # noqa: S608


def _sqlite_revisions(conn: sqlite3.Connection) -> list[str]:
    try:
        return sorted(r[0] for r in conn.execute(f"SELECT version_num FROM {ALEMBIC_TABLE}"))  # noqa: S608
    except sqlite3.OperationalError:
        return []


def _dump_sqlite(engine: Engine, out: Path) -> Manifest:
    source_path = _sqlite_path(engine)
    if not source_path.exists():
        raise BackupError(f"No database at {source_path}: nothing to back up.")
    source = sqlite3.connect(source_path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    copy = sqlite3.connect(out)
    try:
        # pages=-1: the whole database in one step, inside one read transaction: a consistent
        # snapshot. In WAL mode this reader does not hold writers back.
        source.backup(copy, pages=-1)
        copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        check = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":  # pragma: no cover - would mean the source itself is damaged
            raise BackupError(f"The copy fails SQLite's integrity check: {check}")
        tables = _sqlite_counts(copy)
        revisions = _sqlite_revisions(copy)
    finally:
        copy.close()
        source.close()
    return Manifest(database="sqlite", revisions=revisions, tables=tables)


def _libpq(engine: Engine) -> tuple[str, dict[str, str]]:
    """A libpq URI for the client tools (without the password, which goes in the env)."""
    url: URL = engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _pg_schema(conn: Connection) -> str:
    """The schema the app's tables live in (the first one of its search_path)."""
    schema = conn.execute(text("SELECT current_schema()")).scalar()
    if schema:
        return str(schema)
    path = str(conn.execute(text("SHOW search_path")).scalar() or "")
    for part in (p.strip().strip('"') for p in path.split(",")):
        if part and part != "$user":
            return part
    return "public"


def _pg_counts(conn: Connection, schema: str) -> dict[str, int]:
    names = inspect(conn).get_table_names(schema=schema)
    return {
        n: int(conn.execute(text(f'SELECT count(*) FROM "{schema}"."{n}"')).scalar_one())  # noqa: S608
        for n in names
    }


def _pg_tool(name: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return tool


def _run_pg_tool(name: str, engine: Engine, *args: str) -> None:
    """Run a PostgreSQL client tool against the app's database; errors are BackupError."""
    uri, env = _libpq(engine)
    result = subprocess.run(
        [_pg_tool(name), *args, f"--dbname={uri}"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"{name} failed: {result.stderr.strip()}")


def _dump_postgres(engine: Engine, out: Path) -> Manifest:
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            # The dump and the counts read one snapshot: the manifest describes the dump.
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            schema = _pg_schema(conn)
            tables = _pg_counts(conn, schema)
            revisions = _revisions(conn)
            _run_pg_tool(
                "pg_dump",
                engine,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--schema={schema}",
                f"--file={out}",
            )
    return Manifest(database="postgresql", revisions=revisions, tables=tables, schema=schema)


# --- restore --------------------------------------------------------------------------------


@contextmanager
def open_archive(path: Path) -> Iterator[tuple[Manifest, Path]]:
    """Unpack ``path`` into a private folder; yields the manifest and that folder."""
    if not path.is_file():
        raise BackupError(f"No archive at {path}.")
    work = Path(tempfile.mkdtemp(prefix=".jam3ia-restore-"))
    try:
        try:
            with tarfile.open(path, "r:gz") as tar:
                # the "data" filter refuses absolute paths, "..", links out, devices
                tar.extractall(work, filter="data")
        except (tarfile.TarError, OSError, EOFError) as error:
            raise BackupError(f"{path} is not a readable jam3ia archive: {error}") from error
        manifest_path = work / MANIFEST
        if not manifest_path.is_file():
            raise BackupError(f"{path} has no {MANIFEST}: not a jam3ia archive.")
        manifest = Manifest.from_json(manifest_path.read_bytes())
        for name, digest in manifest.files.items():
            member = work / name
            if not member.is_file() or _sha256(member) != digest:
                raise BackupError(f"{name} is missing or damaged in {path} (checksum differs).")
        yield manifest, work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def check_compatible(manifest: Manifest, kind: str) -> None:
    if manifest.database != kind:
        raise BackupError(
            f"This archive holds a {manifest.database} database; DATABASE_URL points to {kind}."
        )
    known, _heads = code_revisions()
    unknown = sorted(set(manifest.revisions) - known)
    if unknown:
        raise BackupError(
            f"The archive's database is at migration {', '.join(unknown)}, which this code does "
            f"not know: it was made by a newer release. Install that release (or newer) first."
        )


def holds_accounts(conn: Connection, schema: str | None = None) -> bool:
    """True when the database has any account (every piece of content belongs to one)."""
    if not inspect(conn).has_table(ACCOUNTS_TABLE, schema=schema):
        return False
    table = f'"{schema}"."{ACCOUNTS_TABLE}"' if schema else ACCOUNTS_TABLE
    return conn.execute(text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None  # noqa: S608


def restore_backup(app: Flask, path: Path, force: bool = False) -> RestoreReport:
    """Restore ``path`` into the app's database and instance folder (stop the server first)."""
    engine = _engine()
    kind = engine.dialect.name
    with open_archive(path) as (manifest, work):
        check_compatible(manifest, kind)
        if kind == "sqlite":
            _restore_sqlite(engine, work / SQLITE_FILE, force)
        else:
            _restore_postgres(engine, work / PG_FILE, manifest, force)
        engine.dispose()
        _check_counts(engine, manifest)
        uploads = _restore_uploads(app, work / UPLOADS)
    migrated = _migrate_to_head(manifest)
    indexed = _rebuild_search(app)
    return RestoreReport(manifest=manifest, migrated_to=migrated, indexed=indexed, uploads=uploads)


def _refuse_if_used(conn: Connection, force: bool, schema: str | None = None) -> None:
    if holds_accounts(conn, schema) and not force:
        raise BackupError(
            "The target database already holds accounts. Restoring replaces all of it: "
            "run again with --force if that is what you want."
        )


def _restore_sqlite(engine: Engine, db_file: Path, force: bool) -> None:
    target = _sqlite_path(engine)
    with engine.connect() as conn:
        _refuse_if_used(conn, force)
    engine.dispose()
    source = sqlite3.connect(db_file)
    try:
        try:
            check = source.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as error:
            check = str(error)
        if check != "ok":
            raise BackupError(f"The archived database fails SQLite's integrity check: {check}")
        target.parent.mkdir(parents=True, exist_ok=True)
        dest = sqlite3.connect(target, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
        try:
            # Written through SQLite (locks, WAL and all), not by replacing the file under it.
            source.backup(dest, pages=-1)
            dest.execute("PRAGMA journal_mode = WAL")
        finally:
            dest.close()
    finally:
        source.close()


def _restore_postgres(engine: Engine, dump: Path, manifest: Manifest, force: bool) -> None:
    with engine.connect() as conn:
        schema = _pg_schema(conn)
        if manifest.schema and manifest.schema != schema:
            raise BackupError(
                f"The archive holds schema {manifest.schema!r} but DATABASE_URL uses schema "
                f"{schema!r}: restore with a DATABASE_URL whose search_path is "
                f"{manifest.schema!r}."
            )
        exists = conn.execute(
            text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": schema}
        ).first()
        if exists:
            _refuse_if_used(conn, force, schema)
    engine.dispose()
    # One transaction drops the schema and replays the dump (pg_restore's SQL through psql).
    # COMMIT is sent only once pg_restore has produced all of it: a restore that fails or
    # stops half-way rolls back and leaves the database as it was.
    uri, env = _libpq(engine)
    produced, producer_errors, consumed, consumer_errors = pipe_commands(
        [_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(dump)],
        [_pg_tool("psql"), "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--file=-",
         f"--dbname={uri}"],
        env=env,
        prefix=f'BEGIN;\nDROP SCHEMA IF EXISTS "{schema}" CASCADE;\n'.encode(),
        suffix_if_produced=b"\nCOMMIT;\n",
    )  # fmt: skip
    if produced != 0:
        raise BackupError(f"pg_restore failed: {producer_errors.decode().strip()}")
    if consumed != 0:
        raise BackupError(f"restoring into PostgreSQL failed: {consumer_errors.decode().strip()}")


def pipe_commands(
    producer_cmd: list[str],
    consumer_cmd: list[str],
    *,
    env: dict[str, str] | None = None,
    prefix: bytes = b"",
    suffix_if_produced: bytes = b"",
) -> tuple[int, bytes, int, bytes]:
    """Feed ``prefix``, the producer's output, then (if it succeeded) ``suffix_if_produced`` to
    the consumer; returns both exit codes and what each wrote to stderr.

    Their stderr go to temporary files, not pipes: a pipe nobody reads while the data flows
    fills up (64 KiB of notices from psql), the writer blocks, and the restore hangs forever.
    """
    with tempfile.TemporaryFile() as producer_err, tempfile.TemporaryFile() as consumer_err:
        producer = subprocess.Popen(
            producer_cmd, stdout=subprocess.PIPE, stderr=producer_err, env=env
        )
        consumer = subprocess.Popen(
            consumer_cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=consumer_err,
            env=env,
        )
        assert producer.stdout is not None
        assert consumer.stdin is not None
        try:
            consumer.stdin.write(prefix)
            shutil.copyfileobj(producer.stdout, consumer.stdin, 1 << 16)
            produced = producer.wait()
            if produced == 0:
                consumer.stdin.write(suffix_if_produced)
            consumer.stdin.close()
        except BrokenPipeError:  # the consumer stopped on an error: what it says is below
            producer.stdout.close()
            produced = producer.wait()
        producer.stdout.close()
        consumed = consumer.wait()
        producer_err.seek(0)
        consumer_err.seek(0)
        return produced, producer_err.read(), consumed, consumer_err.read()


def _check_counts(engine: Engine, manifest: Manifest) -> None:
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            found = _pg_counts(conn, _pg_schema(conn))
        else:
            found = {
                name: int(conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one())  # noqa: S608
                for name in inspect(conn).get_table_names()
            }
    if found != manifest.tables:
        differ = sorted(
            n for n in set(found) | set(manifest.tables) if found.get(n) != manifest.tables.get(n)
        )
        raise BackupError(f"The restored tables differ from the archive's manifest: {differ}")


def _restore_uploads(app: Flask, source: Path) -> int:
    target = _uploads_dir(app)
    staged = target.with_name(f".{UPLOADS}-restoring")
    old = target.with_name(f".{UPLOADS}-replaced")
    shutil.rmtree(staged, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)
    if source.is_dir():
        shutil.copytree(source, staged)
    else:
        staged.mkdir(parents=True)
    if target.exists():
        target.rename(old)
    staged.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return sum(1 for p in target.rglob("*") if p.is_file())


def _migrate_to_head(manifest: Manifest) -> list[str]:
    _known, heads = code_revisions()
    if sorted(manifest.revisions) != heads:
        upgrade()
    return heads


def _rebuild_search(app: Flask) -> dict[str, int]:
    """Empty the outbox and rebuild every index from the restored database."""

    whoosh = Path(app.instance_path) / "search" / "whoosh"
    shutil.rmtree(whoosh, ignore_errors=True)
    db.session.remove()
    db.session.execute(delete(SearchOutbox))
    db.session.commit()
    return {name: int(reindex()) for name, reindex in registry(app).reindexers}
