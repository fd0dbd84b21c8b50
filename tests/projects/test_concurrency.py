"""Issue 15 #8 (projects): concurrent edits keep the invariants. Real threads against the app,
as tests/core/test_db.py does, on SQLite and PostgreSQL (``TEST_DATABASE_URL``).

- Two simultaneous ``depends_on`` edits used to store a loop (each checked before the other
  wrote); the check now runs under the project's lock.
- An edit made from a stale copy (a form loaded before another editor saved) is refused with
  409 ``edit_conflict`` (``If-Match`` or ``version``), and the page keeps the editor's input.
"""

from __future__ import annotations

import threading
import time

import pytest

from app.db import db
from projects import logic
from projects.models import Milestone, Project
from tests.conftest import csrf_token
from tests.projects.factories import MilestoneFactory, ProjectFactory


def _slow_cycle_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """Widen the window between the loop check and the write, as a busy server would."""
    real = logic.would_create_cycle

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        answer = real(*args, **kwargs)
        time.sleep(0.3)
        return answer

    monkeypatch.setattr(logic, "would_create_cycle", slow)


def test_simultaneous_dependency_edits_never_store_a_loop(api, world, monkeypatch):
    project = ProjectFactory(visibility="members", associations=[world.a, world.b])
    first = MilestoneFactory(project=project)
    second = MilestoneFactory(project=project)
    db.session.commit()
    ids = (first.id, second.id)
    _slow_cycle_check(monkeypatch)
    barrier = threading.Barrier(2)
    statuses: dict[str, int] = {}

    def edit(name: str, client, milestone_id: int, predecessor_id: int) -> None:
        barrier.wait()
        response = client.patch(
            f"/api/v1/milestones/{milestone_id}", json={"depends_on": [predecessor_id]}
        )
        statuses[name] = response.status_code

    threads = [
        threading.Thread(target=edit, args=("a", api(world.coordinator), ids[0], ids[1])),
        threading.Thread(target=edit, args=("b", api(world.assoc_admin), ids[1], ids[0])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(statuses.values()) == [200, 422], statuses
    db.session.expire_all()
    edges = {m.id: m.depends_on for m in db.session.query(Milestone).all()}
    assert logic.find_cycle(edges) is None, edges
    # and the project stays editable: a further dependency edit is judged normally
    third = api(world.coordinator).post(
        f"/api/v1/projects/{project.id}/milestones",
        json={"title": "Third", "due_on": "2026-09-01", "depends_on": list(ids)},
    )
    assert third.status_code == 201, third.get_json()


def test_stale_milestone_and_project_edits_get_409(api, world):
    project = ProjectFactory(visibility="members", associations=[world.a, world.b])
    milestone = MilestoneFactory(project=project, progress=10)
    db.session.commit()
    mine, theirs = api(world.coordinator), api(world.assoc_admin)

    loaded = mine.get(f"/api/v1/milestones/{milestone.id}")
    assert loaded.headers["ETag"] == '"1"' and loaded.get_json()["version"] == 1
    saved = theirs.patch(
        f"/api/v1/milestones/{milestone.id}", json={"progress": 60}, headers={"If-Match": '"1"'}
    )
    assert saved.status_code == 200 and saved.get_json()["version"] == 2
    assert saved.headers["ETag"] == '"2"'
    stale = mine.patch(
        f"/api/v1/milestones/{milestone.id}", json={"progress": 20}, headers={"If-Match": '"1"'}
    )
    assert stale.status_code == 409
    assert stale.get_json()["error"]["code"] == "edit_conflict"
    assert stale.get_json()["error"]["fields"] == {"version": 2}
    assert (
        mine.patch(
            f"/api/v1/milestones/{milestone.id}", json={"progress": 20, "version": 1}
        ).status_code
        == 409
    )
    db.session.expire_all()
    assert db.session.get(Milestone, milestone.id).progress == 60
    assert (
        mine.patch(
            f"/api/v1/milestones/{milestone.id}", json={"progress": 20, "version": 2}
        ).status_code
        == 200
    )

    got = mine.get(f"/api/v1/projects/{project.id}")
    assert got.headers["ETag"] == '"1"' and got.get_json()["version"] == 1
    assert (
        theirs.patch(
            f"/api/v1/projects/{project.id}", json={"title": "Theirs", "version": 1}
        ).status_code
        == 200
    )
    stale = mine.patch(f"/api/v1/projects/{project.id}", json={"title": "Mine", "version": 1})
    assert stale.status_code == 409
    assert (
        mine.patch(
            f"/api/v1/projects/{project.id}", json={"title": "Mine"}, headers={"If-Match": "abc"}
        ).status_code
        == 400
    )
    db.session.expire_all()
    assert db.session.get(Project, project.id).title == "Theirs"


def test_simultaneous_edits_from_the_same_version_one_wins(api, world, monkeypatch):
    """Two editors save from version 1 at the same moment: one is saved, the other gets 409
    (the version check runs under the lock too)."""
    project = ProjectFactory(visibility="members", associations=[world.a, world.b])
    milestone_id = MilestoneFactory(project=project).id
    db.session.commit()
    real = logic.check_dates

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.3)
        return real(*args, **kwargs)

    monkeypatch.setattr(logic, "check_dates", slow)
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def edit(client, progress: int) -> None:
        barrier.wait()
        response = client.patch(
            f"/api/v1/milestones/{milestone_id}", json={"progress": progress, "version": 1}
        )
        statuses.append(response.status_code)

    threads = [
        threading.Thread(target=edit, args=(api(world.coordinator), 30)),
        threading.Thread(target=edit, args=(api(world.assoc_admin), 70)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(statuses) == [200, 409], statuses


def test_stale_milestone_form_keeps_the_input_and_says_why(api, logged_in, world):
    project = ProjectFactory(visibility="members", associations=[world.a, world.b])
    milestone = MilestoneFactory(project=project, progress=10, title="Convention")
    world.coordinator.locale = "ar"
    db.session.commit()
    browser = logged_in(world.coordinator)
    form = browser.get(f"/projects/{project.id}").get_data(as_text=True)
    assert 'name="version" value="1"' in form
    token = csrf_token(browser, f"/projects/{project.id}")
    # another editor saves after the form was loaded
    assert (
        api(world.assoc_admin)
        .patch(f"/api/v1/milestones/{milestone.id}", json={"status": "in_progress", "progress": 40})
        .status_code
        == 200
    )
    response = browser.post(
        f"/milestones/{milestone.id}/update",
        data={
            "csrf_token": token,
            "version": "1",
            "status": "planned",
            "progress": "77",
            "due_on": "2026-04-01",
            "weight": "3",
        },
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    # the translated explanation beside the form (this person reads Arabic)
    assert 'class="form-error" role="alert"' in html
    assert "لم يُحفظ: غيّر شخص آخر هذه المرحلة في الأثناء" in html
    assert 'value="77"' in html and 'name="version" value="2"' in html
    db.session.expire_all()
    saved = db.session.get(Milestone, milestone.id)
    assert (saved.status, saved.progress, saved.weight) == ("in_progress", 40, 1)
    # the project form too
    page_token = csrf_token(browser, f"/projects/{project.id}")
    assert (
        api(world.assoc_admin)
        .patch(f"/api/v1/projects/{project.id}", json={"title": "Renamed by B"})
        .status_code
        == 200
    )
    response = browser.post(
        f"/projects/{project.id}/edit",
        data={"csrf_token": page_token, "version": "1", "title": "Mine, from a stale form"},
    )
    assert response.status_code == 409
    assert "Mine, from a stale form" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Project, project.id).title == "Renamed by B"
