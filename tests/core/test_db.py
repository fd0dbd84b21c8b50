"""app.db: the lock-before-check primitive (a check read after ``begin_write``/``for_update``
still holds when the transaction writes, because a concurrent writer waits; real threads) and
the one after-commit mechanism."""

from __future__ import annotations

import threading
import time

import pytest
from flask import Flask
from sqlalchemy import select

from app.accounts.models import User
from app.api import ApiError, check_version
from app.db import after_commit, after_rollback, db, for_update, transaction
from tests.factories import UserFactory


def _rename_if_unchanged(
    app: Flask, user_id: int, expect: str, new: str, barrier: threading.Barrier, results: list[bool]
) -> None:
    with app.app_context():
        barrier.wait()
        row = db.session.scalars(for_update(select(User).where(User.id == user_id))).one()
        time.sleep(0.3)  # the other thread reads now: without the lock it would see `expect` too
        if row.display_name == expect:
            row.display_name = new
            results.append(True)
        else:
            results.append(False)
        db.session.commit()
        db.session.remove()


def test_for_update_serializes_check_then_write(app: Flask) -> None:
    user = UserFactory(display_name="before")
    db.session.commit()
    barrier = threading.Barrier(2)
    results: list[bool] = []
    threads = [
        threading.Thread(
            target=_rename_if_unchanged, args=(app, user.id, "before", name, barrier, results)
        )
        for name in ("first", "second")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sorted(results) == [False, True]
    db.session.expire_all()
    assert db.session.get(User, user.id).display_name in {"first", "second"}


def test_check_version_refuses_a_stale_edit() -> None:
    check_version(3, None)
    check_version(3, 3)
    with pytest.raises(ApiError) as caught:
        check_version(4, 3)
    assert caught.value.code == 409
    assert caught.value.error_code == "edit_conflict"
    assert caught.value.fields == {"version": 4}


def test_after_commit_runs_on_commit_only_in_order_and_past_a_failure(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    """The one after-commit mechanism (mails and socket pushes use it): kept work runs in the
    order queued, a failing step is logged without stopping the next, and a rollback or a
    close without commit runs nothing, now or at the next commit."""
    ran: list[str] = []

    def fail() -> None:
        raise RuntimeError("mail server down")

    with app.app_context():
        after_commit(lambda: ran.append("rolled back"))
        db.session.rollback()
        after_commit(lambda: ran.append("closed"))
        db.session.close()
        db.session.commit()
        assert ran == []

        after_commit(lambda: ran.append("first"))
        after_commit(fail)
        after_commit(lambda: ran.append("second"))
        db.session.commit()
        assert ran == ["first", "second"]
        assert "an after-commit step failed" in caplog.text
        db.session.commit()
        assert ran == ["first", "second"]  # each step runs once


def test_after_rollback_runs_when_the_outermost_transaction_is_not_committed(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    """The undo of work done outside the database (a file stored for a row): it runs when the
    outermost transaction is rolled back or closed without a commit, in the order queued and
    past a failing step; a commit drops it, and a savepoint's end does not run it."""
    ran: list[str] = []

    def fail() -> None:
        raise RuntimeError("disk gone")

    with app.app_context():
        after_rollback(lambda: ran.append("committed"))
        db.session.commit()
        db.session.rollback()
        assert ran == []  # a commit dropped it: a later rollback does not run it

        after_rollback(lambda: ran.append("first"))
        after_rollback(fail)
        after_rollback(lambda: ran.append("second"))
        with db.session.begin_nested():
            pass
        assert ran == []  # a savepoint is not the outermost transaction
        db.session.rollback()
        assert ran == ["first", "second"]
        assert "an after-rollback step failed" in caplog.text
        db.session.rollback()
        assert ran == ["first", "second"]  # each step runs once

        after_rollback(lambda: ran.append("closed"))
        db.session.close()
        assert ran == ["first", "second", "closed"]

        def refused() -> None:
            with transaction():
                after_rollback(lambda: ran.append("refused"))
                after_commit(lambda: ran.append("never"))
                raise ApiError(422, "invalid", "no")

        with pytest.raises(ApiError):
            refused()
        assert ran == ["first", "second", "closed", "refused"]
        db.session.commit()
        assert ran == ["first", "second", "closed", "refused"]


def test_after_commit_waits_for_the_outermost_commit_past_a_savepoint(app: Flask) -> None:
    """Releasing a savepoint (the unique-violation guard of a race) commits nothing yet: a
    push or a file removal queued before it waits for the transaction's own commit, and goes
    with its rollback."""
    ran: list[str] = []
    with app.app_context():
        after_commit(lambda: ran.append("kept"))
        with db.session.begin_nested():
            pass
        assert ran == []
        db.session.rollback()
        db.session.commit()
        assert ran == []

        after_commit(lambda: ran.append("kept"))
        with db.session.begin_nested():
            pass
        db.session.commit()
        assert ran == ["kept"]


def test_a_savepoint_that_rolls_back_undoes_only_its_own_steps(app: Flask) -> None:
    """A race caught by a savepoint (a second reaction, a racing membership) must not drop the
    pushes the request queued before it: only what the savepoint held is undone."""
    from sqlalchemy.exc import IntegrityError

    from app.db import after_rollback

    taken = UserFactory()
    db.session.commit()
    ran: list[str] = []
    with app.app_context():
        after_commit(lambda: ran.append("before"))
        try:
            with db.session.begin_nested():
                after_commit(lambda: ran.append("inside"))
                after_rollback(lambda: ran.append("undo inside"))
                db.session.add(
                    User(username=taken.username, email="x@example.org", password_hash="x")
                )
        except IntegrityError:
            pass
        assert ran == ["undo inside"]  # the savepoint's own file removal runs at once
        after_commit(lambda: ran.append("after"))
        db.session.commit()
    assert ran == ["undo inside", "before", "after"]
