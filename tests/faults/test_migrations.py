"""Migrations down and up again, one revision at a time, with demo data in every feature.

For each revision: unapplying it drops what it made and leaves every other table's rows as
they were; applying it again gives back a schema that matches the models. Runs on SQLite and
(TEST_DATABASE_URL) PostgreSQL.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from app.db import db
from app.search.models import is_partition
from tests.faults.conftest import Instance

MIGRATIONS = Path(__file__).resolve().parents[2] / "app" / "migrations"


def _script() -> ScriptDirectory:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config)


#: every revision, newest first (heads to base)
REVISIONS = [rev.revision for rev in _script().walk_revisions()]


def _parents(revision: str) -> tuple[str, ...]:
    script: Script | None = _script().get_revision(revision)
    assert script is not None
    down = script.down_revision
    if down is None:
        return ()
    return tuple(down) if isinstance(down, tuple | list) else (str(down),)


def _unapply(revision: str) -> None:
    """Downgrade exactly ``revision`` (a merge: back to its parents, all still applied)."""
    parents = _parents(revision)
    if len(parents) > 1:
        downgrade(revision=parents[0])  # the other parents stay: only the merge goes
    else:
        downgrade(revision=f"{revision}@-1")


def _current() -> set[str]:
    with db.engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


#: the search index (PostgreSQL's tables) and its outbox are derived from the other tables: a
#: migration may send the indexed documents back to the outbox to be written in a new form
#: (0021). What must not change is which documents are indexed or waiting to be; the index's
#: dictionary is not counted.
SEARCH_INDEX = ("search_document", "search_outbox")
UNCOUNTED = -1


def _counts() -> dict[str, int]:
    found = {}
    with db.engine.connect() as conn:
        names = [
            n
            for n in inspect(conn).get_table_names()
            if n != "alembic_version" and not is_partition(n)  # counted in search_document
        ]
        for name in names:
            query = text(f'SELECT count(*) FROM "{name}"')  # noqa: S608 - reflected names
            found[name] = int(conn.execute(query).scalar_one())
        for name in ("search_term", "search_outbox"):
            if name in found:
                found[name] = UNCOUNTED
        if all(name in found for name in SEARCH_INDEX):
            found["search_document"] = int(
                conn.execute(
                    text(
                        "SELECT count(*) FROM (SELECT doc_type, doc_id FROM search_document"
                        " UNION SELECT doc_type, doc_id FROM search_outbox) AS d"
                    )
                ).scalar_one()
            )
    return found


def _schema_diff() -> list[Any]:
    with db.engine.connect() as conn, warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression")
        warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression")
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    # Expression indexes (lower(username)) cannot be compared by autogenerate; the search
    # index's partitions are made at run time (one per document type), not declared.
    return [
        d
        for d in diff
        if not (d[0] in ("add_index", "remove_index") and "lower" in d[1].name)
        and not (d[0] == "remove_table" and is_partition(d[1].name))
        and not (d[0] == "remove_index" and is_partition(d[1].table.name))
    ]


@pytest.fixture
def seeded(instance_factory) -> Iterator[tuple[Instance, Flask]]:
    """A migrated instance holding the demo data of every feature, and an app on it."""
    instance = instance_factory("migrations")
    instance.migrate()
    instance.cli("seed-demo")
    application = instance.app()
    with application.app_context():
        yield instance, application
        db.session.remove()
        db.engine.dispose()


#: the revisions are shared round-robin between this many tests (each on an instance of its own,
#: run in parallel): a round trip of the n-th newest revision unapplies and reapplies n of them,
#: and one test for all 32 passed the 600 s timeout on a loaded machine
CHUNKS = 2


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_each_revision_goes_down_and_up_with_data_in_place(seeded, chunk):
    """One instance per share of the revisions (seeding is the slow part): each round ends at
    head, so every revision is checked whatever share it falls in."""
    heads = _current()
    applied_before = _counts()
    assert applied_before.get("users", 0) > 0, "the demo data is missing"
    for revision in REVISIONS[chunk::CHUNKS]:
        _round_trip(revision, heads, applied_before)


def _round_trip(revision: str, heads: set[str], applied_before: dict[str, int]) -> None:
    # Unapply everything newer than `revision`, then `revision` itself.
    for newer in REVISIONS[: REVISIONS.index(revision)]:
        if newer in _ancestry_of_current():
            _unapply(newer)
    kept = _counts()
    _unapply(revision)
    after = _counts()
    assert revision not in _current()
    assert not set(after) - set(kept), f"downgrading {revision} created tables"
    if len(_parents(revision)) <= 1:
        assert set(kept) - set(after) == _tables_made_by(revision), revision
    for name, count in after.items():
        assert count == kept[name], f"{name}: rows changed by downgrading {revision}"

    upgrade()
    assert _current() == heads
    again = _counts()
    assert set(again) == set(applied_before), revision
    for name in after:
        assert again[name] == kept[name], f"{name}: rows changed by upgrading {revision} again"
    assert _schema_diff() == [], revision


def _ancestry_of_current() -> set[str]:
    """Every revision applied now (the current heads and their ancestors)."""
    script = _script()
    applied: set[str] = set()
    for head in _current():
        applied.update(rev.revision for rev in script.iterate_revisions(head, "base"))
    return applied


def _tables_made_by(revision: str) -> set[str]:
    """The tables ``revision``'s upgrade creates, read from its source (create_table calls)."""
    import re

    script = _script().get_revision(revision)
    assert script is not None and script.path
    source = Path(script.path).read_text()
    upgrade_part = source.split("def downgrade", 1)[0]
    return set(re.findall(r"create_table\(\s*['\"]([a-z_]+)['\"]", upgrade_part))


def test_all_the_way_down_and_up_again(seeded):
    for revision in REVISIONS:
        if revision in _ancestry_of_current():
            _unapply(revision)
    assert _current() == set()
    assert _counts() == {}
    upgrade()
    assert _schema_diff() == []
