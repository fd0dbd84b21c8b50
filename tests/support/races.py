"""A concurrent twin request placed exactly where a race puts it, without threads or sleeps:
its row is committed from another connection right after this request checked that it was not
there yet, so this request's own insert meets the unique key."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, insert
from sqlalchemy.sql import Executable

from app.db import db


@contextmanager
def committed_meanwhile(
    target: Any, *statements: Executable, select_containing: str = "", **row: Any
) -> Iterator[list[bool]]:
    """Right after the next request's first SELECT on ``target``'s table (a model, or a table
    name), commit from another connection what a concurrent twin request writes: ``row``
    inserted into that table, and/or ``statements``. With ``select_containing``, the first
    such SELECT whose SQL contains that text (the check the race slips past, when the request
    reads the table before). The list it gives holds ``True`` once the twin's write was made."""
    name = target if isinstance(target, str) else target.__table__.name
    writes = list(statements)
    if row:
        writes.insert(0, insert(target.__table__).values(**row))
    fired: list[bool] = []

    def after(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        words = statement.lstrip().upper()
        if fired or not words.startswith("SELECT") or f"FROM {name.upper()}" not in words:
            return
        if select_containing.upper() not in words:
            return
        fired.append(True)
        with db.engine.connect() as other:
            for write in writes:
                other.execute(write)
            other.commit()

    db.session.commit()  # the test's own session holds no lock
    event.listen(db.engine, "after_cursor_execute", after)
    try:
        yield fired
    finally:
        event.remove(db.engine, "after_cursor_execute", after)
    db.session.expire_all()


def rows(model: Any, **where: Any) -> int:
    """How many rows of ``model`` match ``where``, read afresh."""
    db.session.expire_all()
    return db.session.query(model).filter_by(**where).count()
