"""The search outbox drains when the transaction commits, not when a savepoint inside it is
released (``app.db.insert_once``): its rows are not committed yet then, and on SQLite the
transaction holds the write lock the drain would wait for."""

from __future__ import annotations

from flask import Flask

from app.db import db


def test_a_released_savepoint_leaves_the_drain_to_the_commit(app: Flask) -> None:
    db.session.info["search_outbox"] = True  # what a flush of an indexed object sets
    with db.session.begin_nested():
        pass
    assert db.session.info.get("search_outbox") is True
    db.session.rollback()
