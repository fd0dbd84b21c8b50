"""The search framework: outbox written in the change's transaction, drained into Whoosh,
safe with two writing processes, rebuilt by ``jam3ia reindex``."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, insert, select

from app.db import db
from app.search.framework import SearchRequest, drain, search, service
from app.search.models import SearchOutbox
from directory.models import Association
from directory.services import create_association, decide_association
from tests.factories import UserFactory


def found(q: str = "", **filters: Any) -> list[int]:
    request = SearchRequest(q=q, filters={k: tuple(v) for k, v in filters.items()}, per_page=100)
    return sorted(search("associations", request).ids)


def outbox_count() -> int:
    return db.session.scalar(select(func.count()).select_from(SearchOutbox)) or 0


def test_outbox_row_is_written_in_the_same_transaction(app: Flask, ref: None) -> None:
    svc = service()
    svc.autodrain = False
    user = UserFactory()
    assoc = create_association(user, {"name": "Association Amoudou"})
    db.session.commit()  # the test is the edge
    assert outbox_count() == 1  # committed with the association
    decide_association(user, assoc, "approve")
    db.session.commit()  # the test is the edge
    assert outbox_count() == 2
    assert found("amoudou") == []  # not drained yet
    assert drain() == 2
    assert outbox_count() == 0
    assert found("amoudou") == [assoc.id]
    # a rolled-back change leaves no outbox row
    assoc.name = "Renamed"
    db.session.flush()
    db.session.rollback()
    assert outbox_count() == 0
    # leaving "approved" removes the document
    decide_association(user, assoc, "suspend")
    db.session.commit()  # the test is the edge
    drain()
    assert found("amoudou") == []


def test_autodrain_after_commit(app: Flask, ref: None) -> None:
    user = UserFactory()
    assoc = create_association(user, {"name": "جمعية الياسمين", "city": "tanger"})
    db.session.commit()  # the test is the edge
    decide_association(user, assoc, "approve")
    db.session.commit()  # the test is the edge
    assert outbox_count() == 0
    assert found("yasmine") == [assoc.id]
    assert found(city=["tanger"]) == [assoc.id]


WRITER = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from app import create_app
    from app.config import Config
    from app.db import db
    from app.accounts.models import User
    from directory.services import create_association, decide_association

    instance, database_url, user_id, tag, count = sys.argv[1:6]
    app = create_app(Config(env="testing", instance_path=Path(instance),
                            database_url=database_url or None, secret_key="x"))
    with app.app_context():
        user = db.session.get(User, int(user_id))
        for n in range(int(count)):
            assoc = create_association(user, {"name": f"Association {tag} {n}", "city": "rabat"})
            db.session.commit()  # the test is the edge
            decide_association(user, assoc, "approve")
            db.session.commit()  # the test is the edge
        db.session.remove()
        db.engine.dispose()
    print(json.dumps({"done": tag}))
    """
)


def test_two_processes_write_the_index_at_once(app: Flask, ref: None, tmp_path: Path) -> None:
    user = UserFactory()
    cfg = app.config["JAM3IA"]
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    root = Path(__file__).resolve().parents[2]
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                str(script),
                str(cfg.instance_path),
                cfg.database_url or "",
                str(user.id),
                tag,
                "15",
            ],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("Alpha", "Beta")
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err[-3000:]
        assert json.loads(out.strip().splitlines()[-1])["done"]
    drain()  # whatever a process left to the lock holder
    assert outbox_count() == 0
    ids = set(db.session.scalars(select(Association.id)))
    assert len(ids) == 30
    assert set(found(city=["rabat"])) == ids
    assert len(found("alpha")) == 15 and len(found("beta")) == 15


def test_reindex_cli_rebuilds_from_the_database(app: Flask, ref: None) -> None:
    user = UserFactory()
    kept = create_association(user, {"name": "Association Atlas"})
    db.session.commit()  # the test is the edge
    decide_association(user, kept, "approve")
    db.session.commit()  # the test is the edge
    # rows written behind the framework's back (bulk SQL): not in the index yet
    db.session.execute(
        insert(Association),
        [
            {"name": f"Association Oasis {n}", "slug": f"oasis-{n}", "status": "approved"}
            for n in range(5)
        ]
        + [{"name": "Association Oasis cachée", "slug": "oasis-x", "status": "pending"}],
    )
    db.session.commit()
    assert found("oasis") == []
    result = app.test_cli_runner().invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert "associations: 6 documents" in result.output
    assert len(found("oasis")) == 5
    assert found("atlas") == [kept.id]


def test_a_commit_never_waits_for_the_index_lock(
    app: Flask, ref: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `jam3ia reindex` (or another process's drain) holds the writer lock: a PATCH used to
    # wait up to 10 s in its after-commit drain. It now leaves its rows to the lock holder.
    import app.search.backends.postgres as pg
    import app.search.backends.whoosh as wh

    monkeypatch.setattr(wh, "WRITER_TIMEOUT", 600.0)  # the old code would hang this long
    monkeypatch.setattr(service().backend, "lock_timeout_ms", 600_000, raising=False)
    assert pg.LOCK_TIMEOUT_MS  # both backends are covered: the suite runs on both databases
    user = UserFactory()
    assoc = create_association(user, {"name": "Association Tiwizi"})
    db.session.commit()  # the test is the edge
    decide_association(user, assoc, "approve")
    db.session.commit()  # the test is the edge
    doc_type = service().doc_types["associations"]
    locked, release = threading.Event(), threading.Event()

    def holder() -> None:
        def slow_load(ids: Any) -> dict[int, Any]:
            locked.set()
            release.wait(60)
            return {}

        with app.app_context():
            service().backend.write(doc_type, [assoc.id], slow_load)

    thread = threading.Thread(target=holder)
    thread.start()
    assert locked.wait(30)
    done = threading.Event()

    def rename() -> None:
        with app.app_context():
            row = db.session.get(Association, assoc.id)
            row.name = "Association Tiwizi Tanmia"
            db.session.commit()
            done.set()

    writer = threading.Thread(target=rename)
    writer.start()
    writer.join(30)
    finished = done.is_set()
    release.set()
    thread.join(60)
    writer.join(60)
    assert finished, "the commit waited for the index lock"
    db.session.expire_all()
    assert outbox_count() == 1  # left for the lock holder
    drain()
    assert found("tanmia") == [assoc.id]


def test_reindex_also_indexes_what_was_written_meanwhile(app: Flask, ref: None) -> None:
    svc = service()
    user = UserFactory()
    assoc = create_association(user, {"name": "Association Amal Souss"})
    db.session.commit()  # the test is the edge
    decide_association(user, assoc, "approve")
    db.session.commit()  # the test is the edge
    svc.autodrain = False  # as when the drain found the lock taken by the reindex
    assoc.name = "Association Amal Souss Massa"
    db.session.commit()
    assert outbox_count() == 1
    result = app.test_cli_runner().invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert outbox_count() == 0
    assert found("massa") == [assoc.id]
