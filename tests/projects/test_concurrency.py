"""Issue 15 #8 (projects): concurrent edits keep the invariants. Real threads against the app,
as tests/core/test_db.py does, on SQLite and PostgreSQL (``TEST_DATABASE_URL``).

- Two simultaneous ``depends_on`` edits used to store a loop (each checked before the other
  wrote); the check now runs under the project's lock.
- An edit made from a stale copy (a form loaded before another editor saved) is refused with
  409 ``edit_conflict`` (``If-Match`` or ``version``), and the page keeps the editor's input.
- Issue 12: a write that loses a race answers as if the other request came first, never a 500
  (``IntegrityError``) nor a lost update. :func:`_committed_first` makes the race happen every
  time: the other request's rows are committed from another connection just before this one
  takes the project's lock, after it loaded the project.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sqlalchemy import delete, func, insert, select, update

from app.db import db
from projects import feeds, logic, services
from projects.models import (
    CalendarFeed,
    Milestone,
    MilestoneDependency,
    Project,
    ProjectAssociation,
    ProjectInvitation,
)
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


# ------------------------------------------------------------------ races (issue 12)


def _committed_first(monkeypatch: pytest.MonkeyPatch, *statements: Any) -> None:
    """The other request commits ``statements`` after this one loaded the project and before
    it takes the project's lock (every project write does, first thing)."""
    real = services.lock_project
    pending = list(statements)

    def lock_after_the_other(project: Project) -> None:
        if pending:
            with db.engine.begin() as other:
                for statement in pending:
                    other.execute(statement)
            pending.clear()
        real(project)

    monkeypatch.setattr(services, "lock_project", lock_after_the_other)


def _count(model: Any, *where: Any) -> int:
    db.session.expire_all()
    return int(db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_accepting_an_invitation_twice_answers_like_the_first(api, logged_in, world, monkeypatch):
    """Two admins of the invited association accept at once (or one clicks twice): the second
    used to add the association as an owner again (``IntegrityError``, a 500)."""
    project = ProjectFactory(visibility="members", associations=[world.a])
    project.invitations.append(ProjectInvitation(association_id=world.b.id))
    db.session.commit()
    pid, bid = project.id, world.b.id
    _committed_first(
        monkeypatch,
        insert(ProjectAssociation).values(project_id=pid, association_id=bid, position=1),
        delete(ProjectInvitation).where(ProjectInvitation.project_id == pid),
    )
    response = api(world.assoc_admin).post(f"/api/v1/projects/{pid}/invitations/{bid}/accept")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["association_ids"] == [world.a.id, bid]
    assert response.get_json()["invited_association_ids"] == []
    assert _count(ProjectAssociation, ProjectAssociation.project_id == pid) == 2
    # the page's button too (its second click): the same answer as the first
    db.session.execute(delete(ProjectAssociation).where(ProjectAssociation.association_id == bid))
    db.session.add(ProjectInvitation(project_id=pid, association_id=bid))
    db.session.commit()
    _committed_first(
        monkeypatch,
        insert(ProjectAssociation).values(project_id=pid, association_id=bid, position=1),
        delete(ProjectInvitation).where(ProjectInvitation.project_id == pid),
    )
    browser = logged_in(world.assoc_admin)
    token = csrf_token(browser, f"/projects/{pid}")
    page = browser.post(
        f"/projects/{pid}/invitations/{bid}",
        data={"csrf_token": token, "action": "accept"},
        follow_redirects=True,
    )
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "flash-success" in html and "تم قبول الدعوة." in html  # "Invitation accepted."
    assert "flash-error" not in html
    assert _count(ProjectAssociation, ProjectAssociation.project_id == pid) == 2


def test_declining_after_an_acceptance_still_says_there_is_no_invitation(api, world, monkeypatch):
    """Not every lost race is idempotent: a decline that comes after another admin accepted
    finds no invitation (404, as it would a moment later), and the acceptance stands."""
    project = ProjectFactory(visibility="members", associations=[world.a])
    project.invitations.append(ProjectInvitation(association_id=world.b.id))
    db.session.commit()
    pid, bid = project.id, world.b.id
    _committed_first(
        monkeypatch,
        insert(ProjectAssociation).values(project_id=pid, association_id=bid, position=1),
        delete(ProjectInvitation).where(ProjectInvitation.project_id == pid),
    )
    response = api(world.assoc_admin).post(f"/api/v1/projects/{pid}/invitations/{bid}/decline")
    assert response.status_code == 404
    assert _count(ProjectAssociation, ProjectAssociation.project_id == pid) == 2


def test_inviting_the_same_association_twice_keeps_one_invitation(api, world, monkeypatch):
    """Two editors invite the same association at once: the second used to insert a second
    invitation (``IntegrityError``)."""
    project = ProjectFactory(visibility="members", associations=[world.a, world.b])
    db.session.commit()
    pid, cid = project.id, world.c.id
    _committed_first(
        monkeypatch, insert(ProjectInvitation).values(project_id=pid, association_id=cid)
    )
    response = api(world.coordinator).patch(
        f"/api/v1/projects/{pid}", json={"association_ids": [world.a.id, world.b.id, cid]}
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["invited_association_ids"] == [cid]
    assert _count(ProjectInvitation, ProjectInvitation.project_id == pid) == 1


def test_project_edit_racing_another_from_the_same_version_gets_409(api, world, monkeypatch):
    """The lock used to leave the session's stale copy of the project in place: an edit from
    version 1 saved over another editor's version 2 (a lost update, answered 200)."""
    project = ProjectFactory(visibility="members", associations=[world.a, world.b])
    db.session.commit()
    pid = project.id
    _committed_first(
        monkeypatch, update(Project).where(Project.id == pid).values(title="Theirs", version=2)
    )
    response = api(world.coordinator).patch(
        f"/api/v1/projects/{pid}", json={"title": "Mine", "version": 1}
    )
    assert response.status_code == 409
    assert response.get_json()["error"]["fields"] == {"version": 2}
    db.session.expire_all()
    assert db.session.get(Project, pid).title == "Theirs"


def test_two_owners_leaving_at_once_leave_one_owner(api, world, monkeypatch):
    """B leaves while A's coordinator removes A: each saw two owners, so both went and the
    project was left without any owner."""
    project = ProjectFactory(visibility="members", associations=[world.a, world.b])
    db.session.commit()
    pid = project.id
    _committed_first(
        monkeypatch,
        delete(ProjectAssociation).where(
            ProjectAssociation.project_id == pid,
            ProjectAssociation.association_id == world.b.id,
        ),
    )
    response = api(world.coordinator).patch(
        f"/api/v1/projects/{pid}", json={"association_ids": [world.b.id]}
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "last_owner"
    assert _count(ProjectAssociation, ProjectAssociation.project_id == pid) == 1


def test_adding_a_dependency_beside_a_kept_one(api, world):
    """``depends_on`` [1] -> [1, 2] replaced the row of 1 with a new one, inserted before the
    old one's delete (``IntegrityError``): a 500 on every such edit, not only in a race."""
    project = ProjectFactory(visibility="members", associations=[world.a])
    first, second, third = (MilestoneFactory(project=project) for _ in range(3))
    db.session.commit()
    client = api(world.coordinator)
    assert (
        client.patch(f"/api/v1/milestones/{third.id}", json={"depends_on": [first.id]}).status_code
        == 200
    )
    response = client.patch(
        f"/api/v1/milestones/{third.id}", json={"depends_on": [first.id, second.id]}
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["depends_on"] == sorted([first.id, second.id])
    response = client.patch(f"/api/v1/milestones/{third.id}", json={"depends_on": [second.id]})
    assert response.get_json()["depends_on"] == [second.id]
    assert _count(MilestoneDependency, MilestoneDependency.successor_id == third.id) == 1


def test_concurrent_dependency_edits_of_one_milestone(api, world, monkeypatch):
    """Another editor stored ``depends_on: [1]`` just before this edit asks for [1, 2]: the
    edit applies on top (200, both kept), as if it came second."""
    project = ProjectFactory(visibility="members", associations=[world.a, world.b])
    first, second, third = (MilestoneFactory(project=project) for _ in range(3))
    db.session.commit()
    _committed_first(
        monkeypatch,
        insert(MilestoneDependency).values(successor_id=third.id, predecessor_id=first.id),
    )
    response = api(world.coordinator).patch(
        f"/api/v1/milestones/{third.id}", json={"depends_on": [first.id, second.id]}
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["depends_on"] == sorted([first.id, second.id])
    assert _count(MilestoneDependency, MilestoneDependency.successor_id == third.id) == 2


def test_calendar_link_made_twice_at_once(api, logged_in, world, monkeypatch):
    """Two requests make the person's first calendar link at once: the second used to insert a
    second feed for them (``IntegrityError``). Now its secret replaces the first's, as if it
    came second, and the link it shows works. The other request commits its feed just after
    this one found none (before this one takes the write lock)."""
    user_id = world.member.id
    raced: list[int] = []
    feed_of = feeds.feed_of

    def other_request_first(user: Any) -> Any:
        found = feed_of(user)
        if found is None and not raced:
            raced.append(1)
            with db.engine.begin() as other:
                other.execute(insert(CalendarFeed).values(user_id=user_id, secret_hash="0" * 64))
        return found

    monkeypatch.setattr(feeds, "feed_of", other_request_first)
    response = api(world.member).post("/api/v1/me/calendar")
    assert raced and response.status_code == 201, response.get_json()
    url = response.get_json()["url"]
    assert api(None).get(url[url.index("/api/v1/") :]).status_code == 200
    assert _count(CalendarFeed, CalendarFeed.user_id == user_id) == 1
    # the page's button
    raced.clear()
    db.session.execute(delete(CalendarFeed))
    db.session.commit()
    browser = logged_in(world.member)
    token = csrf_token(browser, "/projects/calendar-feed")
    page = browser.post("/projects/calendar-feed", data={"csrf_token": token})
    assert raced and page.status_code == 200
    assert _count(CalendarFeed, CalendarFeed.user_id == user_id) == 1
