"""Projects across two worker processes, and background emits from a CLI process."""

from __future__ import annotations

import datetime as dt
from typing import Any

import requests

from tests.scale.conftest import Cluster, Recorder
from tests.support import auth

PROJECT_EVENTS = ["milestone_updated", "project_updated", "activity_updated"]


def bearer(user: dict[str, Any]) -> dict[str, str]:
    return auth.bearer(user["token"])


def project_with_milestone(cluster: Cluster, owner: dict[str, Any], due_on: dt.date) -> tuple:
    """An approved association of ``owner`` (its admin), a project of it, one milestone."""
    cluster.cli(
        "create-admin",
        "--username",
        "platform",
        "--email",
        "platform@example.org",
        "--password",
        "platform-password-1",
    )
    admin_token = cluster.token(cluster.a, "platform", "platform-password-1")
    created = requests.post(
        f"{cluster.a.url}/api/v1/associations",
        json={"name": "جمعية الأمل / Association Espoir"},
        headers=bearer(owner),
        timeout=10,
    )
    assert created.status_code == 201, created.text
    association_id = created.json()["id"]
    approved = requests.post(
        f"{cluster.b.url}/api/v1/associations/{association_id}/approve",
        headers=auth.bearer(admin_token),
        timeout=10,
    )
    assert approved.status_code == 200, approved.text
    today = dt.datetime.now(dt.UTC).date()
    project = requests.post(
        f"{cluster.a.url}/api/v1/projects",
        json={
            "title": "Bibliothèque de quartier",
            "association_ids": [association_id],
            "starts_on": (today - dt.timedelta(days=30)).isoformat(),
            "ends_on": (today + dt.timedelta(days=60)).isoformat(),
        },
        headers=bearer(owner),
        timeout=10,
    )
    assert project.status_code == 201, project.text
    project_id = project.json()["id"]
    milestone = requests.post(
        f"{cluster.a.url}/api/v1/projects/{project_id}/milestones",
        json={"title": "Étagères / رفوف", "due_on": due_on.isoformat()},
        headers=bearer(owner),
        timeout=10,
    )
    assert milestone.status_code == 201, milestone.text
    return project_id, milestone.json()["id"]


def watch(rec: Recorder, project_id: int) -> None:
    ack = rec.call("project_watch", {"project_id": project_id}, namespace="/projects")
    assert ack["ok"] is True, ack


def milestone_updates(rec: Recorder, milestone_id: int) -> list[dict[str, Any]]:
    return [
        d["milestone"] for d in rec.of("milestone_updated") if d["milestone"]["id"] == milestone_id
    ]


def test_milestone_update_on_a_reaches_a_watcher_on_b(cluster: Cluster, recorder):
    owner = cluster.register("coordinatrice")
    project_id, milestone_id = project_with_milestone(
        cluster, owner, dt.datetime.now(dt.UTC).date() + dt.timedelta(days=10)
    )
    watcher_b = recorder(cluster.b, owner["token"], {"/projects": PROJECT_EVENTS})
    watch(watcher_b, project_id)

    patched = requests.patch(
        f"{cluster.a.url}/api/v1/milestones/{milestone_id}",
        json={"status": "in_progress", "progress": 40},
        headers=bearer(owner),
        timeout=10,
    )
    assert patched.status_code == 200, patched.text
    watcher_b.wait_for(lambda: bool(milestone_updates(watcher_b, milestone_id)))
    (update,) = milestone_updates(watcher_b, milestone_id)
    assert update["status"] == "in_progress" and update["progress"] == 40
    watcher_b.wait_event("project_updated", lambda d: d["project"]["id"] == project_id)


def test_notify_due_from_the_cli_reaches_sockets_on_both_workers(cluster: Cluster, recorder):
    owner = cluster.register("coordinatrice")
    project_id, milestone_id = project_with_milestone(
        cluster, owner, dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
    )
    tabs = []
    for worker in cluster.workers:
        tab = recorder(
            worker,
            owner["token"],
            {"/projects": PROJECT_EVENTS, "/notifications": ["notification_new"]},
        )
        watch(tab, project_id)
        tabs.append(tab)

    # a separate process, as cron runs it: its emits go through the Redis queue
    result = cluster.cli("notify-due")
    assert "1 newly overdue" in result.stdout

    for tab in tabs:
        note = tab.wait_event("notification_new")
        assert note["notification"]["kind"] == "projects.milestone_overdue"
        assert note["notification"]["data"]["milestone_id"] == milestone_id
        tab.wait_for(lambda tab=tab: bool(milestone_updates(tab, milestone_id)))
        assert milestone_updates(tab, milestone_id)[0]["overdue"] is True
    # once per due date: a second run notifies nobody
    assert "0 newly overdue" in cluster.cli("notify-due").stdout
    listed = requests.get(
        f"{cluster.b.url}/api/v1/notifications", headers=bearer(owner), timeout=10
    ).json()
    items = listed["items"] if isinstance(listed, dict) else listed
    assert [n["kind"] for n in items].count("projects.milestone_overdue") == 1


def test_a_member_removed_on_a_stops_receiving_on_b(cluster: Cluster, recorder):
    """Rooms are re-checked on every worker: the removal is handled by A, the socket is on B."""
    owner, member = cluster.register("coordinatrice"), cluster.register("benevole")
    project_id, milestone_id = project_with_milestone(
        cluster, owner, dt.datetime.now(dt.UTC).date() + dt.timedelta(days=10)
    )
    association_id = requests.get(
        f"{cluster.a.url}/api/v1/projects/{project_id}", headers=bearer(owner), timeout=10
    ).json()["associations"][0]["id"]
    joined = requests.post(
        f"{cluster.b.url}/api/v1/associations/{association_id}/join",
        headers=bearer(member),
        timeout=10,
    )
    assert joined.status_code in (200, 201), joined.text
    approved = requests.post(
        f"{cluster.a.url}/api/v1/associations/{association_id}/members/{member['id']}",
        json={"role": "member"},
        headers=bearer(owner),
        timeout=10,
    )
    assert approved.status_code == 200, approved.text
    member_b = recorder(cluster.b, member["token"], {"/projects": PROJECT_EVENTS})
    owner_b = recorder(cluster.b, owner["token"], {"/projects": PROJECT_EVENTS})
    watch(member_b, project_id)  # a members-only project: the member may watch it
    watch(owner_b, project_id)

    removed = requests.delete(
        f"{cluster.a.url}/api/v1/associations/{association_id}/members/{member['id']}",
        headers=bearer(owner),
        timeout=10,
    )
    assert removed.status_code == 204, removed.text
    patched = requests.patch(
        f"{cluster.a.url}/api/v1/milestones/{milestone_id}",
        json={"title": "Après le départ / بعد المغادرة"},
        headers=bearer(owner),
        timeout=10,
    )
    assert patched.status_code == 200, patched.text
    owner_b.wait_for(lambda: bool(milestone_updates(owner_b, milestone_id)))
    # the same worker delivered the owner's copy: the member's would have come by now
    assert milestone_updates(member_b, milestone_id) == []
