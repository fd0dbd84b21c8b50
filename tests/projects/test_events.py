"""Live updates on ``/projects`` (real Socket.IO clients against a live server) and the
``jam3ia notify-due`` command."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.db import db
from app.notifications.models import Notification
from app.signals import membership_changed
from projects.models import Milestone
from tests.projects.factories import MilestoneFactory, ProjectFactory
from tests.support.sockets import Inbox

NS = "/projects"


def watch(client, project_id):
    return client.call("project_watch", {"project_id": project_id}, namespace=NS, timeout=10)


def test_watchers_receive_milestone_and_activity_changes(sio_connect, api, world):
    project = ProjectFactory(visibility="members", associations=[world.a, world.b])
    milestone = MilestoneFactory(project=project, weight=1)
    MilestoneFactory(project=project, weight=1)
    member = sio_connect(world.member, namespaces=[NS])
    milestones = Inbox(member, "milestone_updated", NS)
    projects = Inbox(member, "project_updated", NS)
    activities = Inbox(member, "activity_updated", NS)
    ack = watch(member, project.id)
    assert ack["ok"] is True and ack["project"]["id"] == project.id

    response = api(world.coordinator).patch(
        f"/api/v1/milestones/{milestone.id}", json={"status": "done"}
    )
    assert response.status_code == 200
    assert milestones.wait()
    payload = milestones.items[-1]
    assert payload["milestone"]["id"] == milestone.id
    assert payload["milestone"]["status"] == "done"
    assert payload["progress"] == 50
    assert projects.wait()
    assert projects.items[-1]["project"]["progress"] == 50

    created = api(world.assoc_admin).post(
        f"/api/v1/projects/{project.id}/activities",
        json={
            "title": "Réunion",
            "starts_at": "2026-07-01T09:00:00Z",
            "ends_at": "2026-07-01T10:00:00Z",
        },
    )
    assert created.status_code == 201
    assert activities.wait()
    assert activities.items[-1]["activity"]["title"] == "Réunion"


def test_a_refused_change_sends_nothing(sio_connect, api, world):
    project = ProjectFactory(visibility="members", associations=[world.a])
    milestone = MilestoneFactory(project=project)
    member = sio_connect(world.member, namespaces=[NS])
    inbox = Inbox(member, "milestone_updated", NS)
    assert watch(member, project.id)["ok"]
    bad = api(world.coordinator).patch(f"/api/v1/milestones/{milestone.id}", json={"progress": 200})
    assert bad.status_code == 422
    denied = api(world.member).patch(f"/api/v1/milestones/{milestone.id}", json={"progress": 20})
    assert denied.status_code == 403
    assert not inbox.wait(1)


def test_watch_is_access_checked(sio_connect, api, world):
    project = ProjectFactory(visibility="members", associations=[world.a])
    milestone = MilestoneFactory(project=project)
    outsider = sio_connect(world.outsider, namespaces=[NS])
    inbox = Inbox(outsider, "milestone_updated", NS)
    ack = watch(outsider, project.id)
    assert ack["ok"] is False
    assert ack["error"]["code"] == "not_found" and ack["error"]["message"]
    assert watch(outsider, 999_999)["error"]["code"] == "not_found"
    bad = outsider.call("project_watch", {"project_id": "1"}, namespace=NS, timeout=10)
    assert bad["error"]["code"] == "validation_failed"
    assert outsider.call("project_watch", None, namespace=NS, timeout=10)["ok"] is False
    api(world.coordinator).patch(f"/api/v1/milestones/{milestone.id}", json={"progress": 10})
    assert not inbox.wait(1)


def test_public_project_can_be_watched_by_any_signed_in_person(sio_connect, world):
    project = ProjectFactory(visibility="public", associations=[world.a])
    assert watch(sio_connect(world.outsider, namespaces=[NS]), project.id)["ok"] is True


def test_removed_member_stops_receiving(sio_connect, api, world):
    from sqlalchemy import delete

    from directory.models import Membership  # the test sets up the state directly

    project = ProjectFactory(visibility="members", associations=[world.a])
    milestone = MilestoneFactory(project=project)
    member = sio_connect(world.member, namespaces=[NS])
    inbox = Inbox(member, "milestone_updated", NS)
    assert watch(member, project.id)["ok"]
    db.session.execute(delete(Membership).where(Membership.user_id == world.member.id))
    db.session.commit()
    membership_changed.send(None, association_id=world.a.id, user_id=world.member.id, role=None)
    api(world.coordinator).patch(f"/api/v1/milestones/{milestone.id}", json={"progress": 10})
    assert not inbox.wait(1)


def _notes(kind):
    db.session.expire_all()
    return db.session.scalars(select(Notification).where(Notification.kind == kind)).all()


def test_completed_milestone_notifies_members(api, world):
    project = ProjectFactory(visibility="members", associations=[world.a, world.b])
    milestone = MilestoneFactory(project=project, title="Convention")
    api(world.coordinator).patch(f"/api/v1/milestones/{milestone.id}", json={"status": "done"})
    notes = _notes("projects.milestone_done")
    # members of A and B, not the coordinator who did it
    assert {n.user_id for n in notes} == {world.member.id, world.assoc_admin.id}
    assert "Convention" in notes[0].sentence(html=False)
    # reopening and completing again does not notify twice
    api(world.coordinator).patch(
        f"/api/v1/milestones/{milestone.id}", json={"status": "in_progress"}
    )
    api(world.coordinator).patch(f"/api/v1/milestones/{milestone.id}", json={"status": "done"})
    assert len(_notes("projects.milestone_done")) == 2


def test_notify_due_cli_notifies_once(app, api, sio_connect, world):
    today = dt.datetime.now(dt.UTC).date()
    project = ProjectFactory(visibility="members", associations=[world.a])
    late = MilestoneFactory(project=project, starts_on=None, due_on=today - dt.timedelta(days=1))
    MilestoneFactory(project=project, starts_on=None, due_on=today)  # due today: not late
    MilestoneFactory(
        project=project, starts_on=None, due_on=today - dt.timedelta(days=3), status="done"
    )
    MilestoneFactory(
        project=project, starts_on=None, due_on=today - dt.timedelta(days=3), status="cancelled"
    )
    watcher = sio_connect(world.member, namespaces=[NS, "/notifications"])
    live = Inbox(watcher, "milestone_updated", NS)
    bell = Inbox(watcher, "notification_new", "/notifications")
    assert watch(watcher, project.id)["ok"]

    runner = app.test_cli_runner()
    result = runner.invoke(args=["notify-due"])
    assert result.exit_code == 0, result.output
    assert "1 newly overdue" in result.output
    notes = _notes("projects.milestone_overdue")
    assert {n.user_id for n in notes} == {world.member.id, world.coordinator.id}
    assert db.session.get(Milestone, late.id).overdue_notified_at is not None
    assert live.wait() and live.items[-1]["milestone"]["overdue"] is True
    assert bell.wait()

    again = runner.invoke(args=["notify-due"])
    assert "0 newly overdue" in again.output
    assert len(_notes("projects.milestone_overdue")) == 2

    # a new due date that passes too is news again
    new_due = (today - dt.timedelta(days=2)).isoformat()
    moved = api(world.coordinator).patch(f"/api/v1/milestones/{late.id}", json={"due_on": new_due})
    assert moved.status_code == 200
    assert "1 newly overdue" in runner.invoke(args=["notify-due"]).output
    assert len(_notes("projects.milestone_overdue")) == 4  # both members, once more


def test_deleting_a_milestone_pushes_one_project_update(sio_connect, api, world):
    """delete_milestone emitted project_updated twice (once through the milestone's event)."""
    import time

    project = ProjectFactory(visibility="members", associations=[world.a])
    doomed = MilestoneFactory(project=project, weight=1, progress=0)
    MilestoneFactory(project=project, weight=1, status="done")
    member = sio_connect(world.member, namespaces=[NS])
    milestones = Inbox(member, "milestone_updated", NS)
    projects = Inbox(member, "project_updated", NS)
    assert watch(member, project.id)["ok"] is True
    assert api(world.coordinator).delete(f"/api/v1/milestones/{doomed.id}").status_code == 204
    assert milestones.wait() and projects.wait()
    time.sleep(0.5)  # a second (duplicate) push would have arrived by now
    assert len(milestones.items) == 1 and len(projects.items) == 1
    gone = milestones.items[0]
    assert gone["milestone"]["deleted"] is True and gone["progress"] == 100
    assert projects.items[0]["project"]["progress"] == 100
