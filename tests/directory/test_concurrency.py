"""Concurrent edits of the directory, with real threads against the app: the checks that keep
an invariant ("an association keeps an administrator") hold under races, and edits of an
association are versioned (a stale edit answers 409 instead of overwriting)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from app.db import db
from directory import services
from directory.models import Association, Membership
from tests.directory.factories import MembershipFactory
from tests.factories import UserFactory

Make = Callable[..., Association]


def _slow_admin_count(monkeypatch: Any) -> None:
    """Widen the window between the check and the write, as a loaded server would."""
    real = services._admin_count

    def slow(association_id: int) -> int:
        found = real(association_id)
        time.sleep(0.4)
        return found

    monkeypatch.setattr(services, "_admin_count", slow)


def _race(calls: list[Callable[[], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def _admins(association_id: int) -> int:
    db.session.expire_all()
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(
                Membership.association_id == association_id,
                Membership.role == "admin",
                Membership.status == "approved",
            )
        )
        or 0
    )


def test_two_admins_demoting_each_other_leave_one_admin(
    app: Flask, api: Any, make_assoc: Make, monkeypatch: Any
) -> None:
    first = UserFactory()
    assoc = make_assoc("Association Tamount", creator=first)
    second = MembershipFactory(association=assoc, role="admin").user
    base = f"/api/v1/associations/{assoc.id}/members"
    one, two = api(first), api(second)
    to_first, to_second = f"{base}/{first.id}", f"{base}/{second.id}"
    _slow_admin_count(monkeypatch)
    results = _race(
        [
            lambda: one.post(to_second, json={"role": "member"}).status_code,
            lambda: two.post(to_first, json={"role": "member"}).status_code,
        ]
    )
    assert sorted(results) == [200, 409], results
    assert _admins(assoc.id) == 1


def test_two_admins_removing_each_other_leave_one_admin(
    app: Flask, api: Any, make_assoc: Make, monkeypatch: Any
) -> None:
    first = UserFactory()
    assoc = make_assoc("Association Tizi", creator=first)
    second = MembershipFactory(association=assoc, role="admin").user
    base = f"/api/v1/associations/{assoc.id}/members"
    one, two = api(first), api(second)
    to_first, to_second = f"{base}/{first.id}", f"{base}/{second.id}"
    _slow_admin_count(monkeypatch)
    results = _race(
        [
            lambda: one.delete(to_second).status_code,
            lambda: two.delete(to_first).status_code,
        ]
    )
    assert sorted(results) == [204, 409], results
    assert _admins(assoc.id) == 1
