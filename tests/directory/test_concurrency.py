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


def test_association_edits_are_versioned(
    app: Flask, api: Any, make_assoc: Make, monkeypatch: Any
) -> None:
    founder = UserFactory()
    assoc = make_assoc("Association Ouzoud", creator=founder)
    url = f"/api/v1/associations/{assoc.id}"
    client = api(founder)
    got = client.get(url)
    assert got.json["version"] == 1 and got.headers["ETag"] == '"1"'
    saved = client.patch(url, json={"description": "Nouvelle"}, headers={"If-Match": '"1"'})
    assert saved.status_code == 200 and saved.json["version"] == 2
    assert saved.headers["ETag"] == '"2"'
    stale = client.patch(url, json={"description": "Écrasée"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 409 and stale.json["error"]["code"] == "edit_conflict"
    assert stale.json["error"]["fields"]["version"] == 2
    stale = client.patch(url, json={"description": "Écrasée", "version": 1})
    assert stale.status_code == 409
    assert client.patch(url, json={"version": "x"}).status_code in (400, 422)
    db.session.expire_all()
    assert db.session.get(Association, assoc.id).description == "Nouvelle"
    # without a version: last write wins (older clients)
    assert client.patch(url, json={"phone": "0522000000"}).json["version"] == 3
    # two editors who loaded version 3 save at once: one wins, the other gets 409
    real = services._apply_association_changes

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.4)
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "_apply_association_changes", slow)
    other = api(founder)
    results = _race(
        [
            lambda: client.patch(url, json={"description": "A"}, headers={"If-Match": '"3"'}),
            lambda: other.patch(url, json={"description": "B"}, headers={"If-Match": '"3"'}),
        ]
    )
    assert sorted(r.status_code for r in results) == [200, 409], [r.json for r in results]
    winner = next(r for r in results if r.status_code == 200).json["description"]
    db.session.expire_all()
    fresh = db.session.get(Association, assoc.id)
    assert fresh.description == winner and fresh.version == 4


def test_association_edit_page_reports_a_conflict_and_keeps_the_input(
    app: Flask, api: Any, make_assoc: Make, logged_in: Any
) -> None:
    from tests.conftest import csrf_token

    founder = UserFactory()
    assoc = make_assoc("Association Akchour", creator=founder)
    browser = logged_in(founder)
    form = browser.get(f"/associations/{assoc.id}/edit").get_data(as_text=True)
    assert 'name="version" value="1"' in form
    assert (
        api(founder)
        .patch(f"/api/v1/associations/{assoc.id}", json={"description": "Par un autre"})
        .status_code
        == 200
    )
    token = csrf_token(browser, f"/associations/{assoc.id}/edit")
    answer = browser.post(
        f"/associations/{assoc.id}/edit",
        data={
            "csrf_token": token,
            "name": assoc.name,
            "description": "Mon texte soigné",
            "version": "1",
        },
    )
    assert answer.status_code == 409
    page = answer.get_data(as_text=True)
    # the pages speak Arabic by default
    assert "عدّل شخص آخر" in page
    assert "Mon texte soigné" in page
    assert 'name="version" value="2"' in page  # saving again applies the editor's input
    db.session.expire_all()
    assert db.session.get(Association, assoc.id).description == "Par un autre"
    again = browser.post(
        f"/associations/{assoc.id}/edit",
        data={
            "csrf_token": token,
            "name": assoc.name,
            "description": "Mon texte soigné",
            "version": "2",
        },
    )
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.get(Association, assoc.id).description == "Mon texte soigné"


def test_two_admins_rejecting_at_once_decide_once(
    app: Flask, api: Any, make_assoc: Make, monkeypatch: Any, admin: Any
) -> None:
    pending = make_assoc("Association Anzar", status="pending")
    real = services.utcnow

    def slow() -> Any:  # between the status check and the write
        time.sleep(0.4)
        return real()

    monkeypatch.setattr(services, "utcnow", slow)
    one, two = api(admin), api(admin)
    base = f"/api/v1/associations/{pending.id}"
    results = _race(
        [
            lambda: one.post(f"{base}/reject").status_code,
            lambda: two.post(f"{base}/reject").status_code,
        ]
    )
    assert sorted(results) == [200, 409], results
