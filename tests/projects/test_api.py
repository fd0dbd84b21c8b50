"""The projects JSON API: create, read, edit, milestones, activities, comments, history,
and bad input answered with clear errors and nothing changed."""

from __future__ import annotations

import pytest

from app.db import db
from projects.models import Milestone, Project, ProjectChange, ProjectComment
from tests.conftest import count_statements
from tests.directory.factories import AssociationFactory, MembershipFactory
from tests.factories import UserFactory
from tests.projects.factories import MilestoneFactory, ProjectFactory


def new_project(api, actor, world, **extra):
    body = {
        "title": "Caravane médicale",
        "description": "Consultations **gratuites**",
        "association_ids": [world.a.id, world.b.id],
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "visibility": "members",
    } | extra
    response = api(actor).post("/api/v1/projects", json=body)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    # the other associations are invited: their admins accept (issue 15 #2)
    staff = {world.a.id: world.coordinator, world.b.id: world.assoc_admin}
    for association_id in data["invited_association_ids"]:
        accepted = api(staff[association_id]).post(
            f"/api/v1/projects/{data['id']}/invitations/{association_id}/accept"
        )
        assert accepted.status_code == 200, accepted.get_json()
        data = accepted.get_json() | {"can": data["can"]}
    return data


def add_milestone(api, actor, project_id, **extra):
    body = {"title": "Milestone", "starts_on": "2026-02-01", "due_on": "2026-03-01"} | extra
    response = api(actor).post(f"/api/v1/projects/{project_id}/milestones", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def count(model) -> int:
    db.session.expire_all()
    return db.session.query(model).count()


def test_create_and_read_project(api, world):
    data = new_project(api, world.coordinator, world)
    assert data["association_ids"] == [world.a.id, world.b.id]
    assert [a["name"] for a in data["associations"]] == ["Association Al Amal", "جمعية النور"]
    assert data["progress"] == 0
    assert data["milestones"] == [] and data["activities"] == []
    assert data["can"] == {"view": True, "comment": True, "edit": True}

    got = api(world.member).get(f"/api/v1/projects/{data['id']}").get_json()
    assert got["title"] == "Caravane médicale"
    assert got["can"] == {"view": True, "comment": True, "edit": False}

    listed = api(world.member).get("/api/v1/projects").get_json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == data["id"]
    assert api(world.outsider).get("/api/v1/projects").get_json()["total"] == 0


def test_progress_rolls_up_by_weight(api, world):
    project = new_project(api, world.coordinator, world)
    pid = project["id"]
    m1 = add_milestone(api, world.coordinator, pid, weight=1)
    m2 = add_milestone(api, world.coordinator, pid, weight=3)
    m3 = add_milestone(api, world.coordinator, pid, weight=10)
    client = api(world.coordinator)
    assert (
        client.patch(f"/api/v1/milestones/{m1['id']}", json={"status": "done"}).status_code == 200
    )
    response = client.patch(f"/api/v1/milestones/{m2['id']}", json={"progress": 50})
    assert response.get_json()["progress"] == 50
    client.patch(f"/api/v1/milestones/{m3['id']}", json={"status": "cancelled"})
    data = client.get(f"/api/v1/projects/{pid}").get_json()
    # (1*100 + 3*50) / 4 = 62.5 -> 63; the cancelled one is left out
    assert data["progress"] == 63
    done = next(m for m in data["milestones"] if m["id"] == m1["id"])
    assert done["status"] == "done" and done["progress"] == 100 and done["completed_at"]


def test_patch_project_records_history(api, world):
    project = new_project(api, world.coordinator, world)
    pid = project["id"]
    response = api(world.assoc_admin).patch(
        f"/api/v1/projects/{pid}", json={"title": "Caravane 2026", "visibility": "public"}
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["visibility"] == "public"
    history = api(world.member).get(f"/api/v1/projects/{pid}/history").get_json()["items"]
    title_change = next(h for h in history if h["field"] == "title")
    assert title_change["from"] == "Caravane médicale"
    assert title_change["to"] == "Caravane 2026"
    assert title_change["actor_id"] == world.assoc_admin.id
    assert title_change["entity"] == "project"
    assert history[-1]["field"] == "created"


def test_milestone_change_history_has_from_and_to(api, world):
    pid = new_project(api, world.coordinator, world)["id"]
    mid = add_milestone(api, world.coordinator, pid)["id"]
    api(world.coordinator).patch(
        f"/api/v1/milestones/{mid}", json={"status": "in_progress", "progress": 40}
    )
    items = api(world.coordinator).get(f"/api/v1/projects/{pid}/history").get_json()["items"]
    fields = {(h["entity"], h["field"], h["from"], h["to"]) for h in items}
    assert ("milestone", "status", "planned", "in_progress") in fields
    assert ("milestone", "progress", "0", "40") in fields


def test_activities_crud(api, world):
    pid = new_project(api, world.coordinator, world)["id"]
    mid = add_milestone(api, world.coordinator, pid)["id"]
    client = api(world.coordinator)
    response = client.post(
        f"/api/v1/projects/{pid}/activities",
        json={
            "title": "Atelier",
            "starts_at": "2026-05-02T10:00:00+01:00",
            "ends_at": "2026-05-02T12:00:00+01:00",
            "location": "Dar Chabab, Fès",
            "milestone_id": mid,
        },
    )
    assert response.status_code == 201, response.get_json()
    activity = response.get_json()
    assert activity["starts_at"] == "2026-05-02T09:00:00+00:00"  # answered in UTC
    assert activity["milestone_id"] == mid
    aid = activity["id"]
    patched = client.patch(f"/api/v1/activities/{aid}", json={"location": "Meknès"})
    assert patched.get_json()["location"] == "Meknès"
    assert (
        api(world.member).patch(f"/api/v1/activities/{aid}", json={"title": "x"}).status_code == 403
    )
    assert api(world.member).delete(f"/api/v1/activities/{aid}").status_code == 403
    assert client.delete(f"/api/v1/activities/{aid}").status_code == 204
    assert client.get(f"/api/v1/activities/{aid}").status_code == 404


def test_delete_milestone(api, world):
    pid = new_project(api, world.coordinator, world)["id"]
    mid = add_milestone(api, world.coordinator, pid)["id"]
    assert api(world.member).delete(f"/api/v1/milestones/{mid}").status_code == 403
    assert api(world.coordinator).delete(f"/api/v1/milestones/{mid}").status_code == 204
    assert api(world.coordinator).get(f"/api/v1/milestones/{mid}").status_code == 404
    history = api(world.coordinator).get(f"/api/v1/projects/{pid}/history").get_json()["items"]
    assert history[0]["field"] == "deleted" and history[0]["from"] == "Milestone"


def test_comments(api, world):
    pid = new_project(api, world.coordinator, world, visibility="network")["id"]
    response = api(world.member).post(
        f"/api/v1/projects/{pid}/comments", json={"body": "Bravo <script>x</script> **équipe**"}
    )
    assert response.status_code == 201
    assert "<script>" not in response.get_json()["body_html"]
    assert "<strong>équipe</strong>" in response.get_json()["body_html"]
    # network visibility: outsiders read but do not comment
    assert api(world.outsider).get(f"/api/v1/projects/{pid}/comments").status_code == 200
    denied = api(world.outsider).post(f"/api/v1/projects/{pid}/comments", json={"body": "hi"})
    assert denied.status_code == 403
    assert denied.get_json()["error"]["code"] == "forbidden"
    assert len(api(world.member).get(f"/api/v1/projects/{pid}/comments").get_json()["items"]) == 1


def test_dependency_warning_when_dates_break_it(api, world):
    pid = new_project(api, world.coordinator, world)["id"]
    first = add_milestone(api, world.coordinator, pid, starts_on="2026-02-01", due_on="2026-03-10")
    second = add_milestone(
        api,
        world.coordinator,
        pid,
        starts_on="2026-03-11",
        due_on="2026-04-01",
        depends_on=[first["id"]],
    )
    assert second["depends_on"] == [first["id"]]
    assert second["warnings"] == []
    # moving the predecessor's due date past the successor's start breaks the dependency
    api(world.coordinator).patch(f"/api/v1/milestones/{first['id']}", json={"due_on": "2026-03-20"})
    again = api(world.coordinator).get(f"/api/v1/milestones/{second['id']}").get_json()
    assert [w["code"] for w in again["warnings"]] == ["dependency_broken"]
    assert again["warnings"][0]["predecessor_id"] == first["id"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"starts_on": "2026-05-01", "due_on": "2026-04-01"}, "due_on"),
        ({"progress": 101}, "progress"),
        ({"progress": -1}, "progress"),
        ({"due_on": "01/04/2026"}, "due_on"),
        ({"due_on": "2026-02-30"}, "due_on"),
        ({"status": "finished"}, "status"),
        ({"weight": 0}, "weight"),
        ({"title": "   "}, "title"),
    ],
)
def test_bad_milestone_input_changes_nothing(api, world, body, field):
    pid = new_project(api, world.coordinator, world)["id"]
    mid = add_milestone(api, world.coordinator, pid, title="Kept")["id"]
    changes_before = count(ProjectChange)
    response = api(world.coordinator).patch(f"/api/v1/milestones/{mid}", json=body)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert field in error["fields"], error
    assert error["message"]
    db.session.expire_all()
    milestone = db.session.get(Milestone, mid)
    assert (milestone.title, milestone.progress, milestone.status) == ("Kept", 0, "planned")
    assert str(milestone.due_on) == "2026-03-01"
    assert count(ProjectChange) == changes_before


def test_dependency_loop_is_refused(api, world):
    pid = new_project(api, world.coordinator, world)["id"]
    m1 = add_milestone(api, world.coordinator, pid)["id"]
    m2 = add_milestone(api, world.coordinator, pid, depends_on=[m1])["id"]
    m3 = add_milestone(api, world.coordinator, pid, depends_on=[m2])["id"]
    response = api(world.coordinator).patch(f"/api/v1/milestones/{m1}", json={"depends_on": [m3]})
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "dependency_loop"
    itself = api(world.coordinator).patch(f"/api/v1/milestones/{m1}", json={"depends_on": [m1]})
    assert itself.get_json()["error"]["code"] == "dependency_loop"
    db.session.expire_all()
    assert db.session.get(Milestone, m1).depends_on == []


def test_milestone_of_another_project_is_refused(api, world):
    pid = new_project(api, world.coordinator, world)["id"]
    other = new_project(api, world.coordinator, world, title="Other")["id"]
    foreign = add_milestone(api, world.coordinator, other)["id"]
    mine = add_milestone(api, world.coordinator, pid)["id"]
    response = api(world.coordinator).patch(
        f"/api/v1/milestones/{mine}", json={"depends_on": [foreign]}
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "wrong_project"
    activity = api(world.coordinator).post(
        f"/api/v1/projects/{pid}/activities",
        json={
            "title": "Atelier",
            "starts_at": "2026-05-02T10:00:00Z",
            "ends_at": "2026-05-02T12:00:00Z",
            "milestone_id": foreign,
        },
    )
    assert activity.status_code == 422
    assert "milestone_id" in activity.get_json()["error"]["fields"]
    db.session.expire_all()
    assert db.session.get(Project, pid).activities == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"ends_on": "2025-12-31"}, "ends_on"),
        ({"starts_on": "2026-13-01"}, "starts_on"),
        ({"association_ids": []}, "association_ids"),
        ({"visibility": "secret"}, "visibility"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_project_input(api, world, body, field):
    before = count(Project)
    base = {
        "title": "T",
        "association_ids": [world.a.id],
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
    }
    response = api(world.coordinator).post("/api/v1/projects", json=base | body)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert count(Project) == before


def test_activity_ending_before_it_starts(api, world):
    pid = new_project(api, world.coordinator, world)["id"]
    response = api(world.coordinator).post(
        f"/api/v1/projects/{pid}/activities",
        json={"title": "x", "starts_at": "2026-05-02T12:00:00Z", "ends_at": "2026-05-02T10:00:00Z"},
    )
    assert response.status_code == 422
    assert "ends_at" in response.get_json()["error"]["fields"]


def test_create_needs_an_editor_role_in_an_owning_association(api, world):
    body = {
        "title": "T",
        "association_ids": [world.a.id],
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
    }
    assert api(None).post("/api/v1/projects", json=body).status_code == 401
    for who in (world.member, world.outsider, world.other_admin):
        response = api(who).post("/api/v1/projects", json=body)
        assert response.status_code == 403, who
    assert api(world.platform_admin).post("/api/v1/projects", json=body).status_code == 201
    unknown = api(world.coordinator).post(
        "/api/v1/projects", json=body | {"association_ids": [999_999]}
    )
    assert unknown.status_code == 422


def test_openapi_documents_projects(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in (
        "/api/v1/projects",
        "/api/v1/projects/{project_id}",
        "/api/v1/projects/{project_id}/milestones",
        "/api/v1/milestones/{milestone_id}",
        "/api/v1/projects/{project_id}/activities",
        "/api/v1/projects/{project_id}/calendar.ics",
        "/api/v1/projects/{project_id}/history",
        "/api/v1/projects/{project_id}/invitations/{association_id}/accept",
        "/api/v1/projects/{project_id}/invitations/{association_id}/decline",
    ):
        assert path in paths, path
    patch = paths["/api/v1/milestones/{milestone_id}"]["patch"]
    assert "409" in patch["responses"] and "ETag" in patch["responses"]["200"]["headers"]
    body = patch["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/MilestonePatch"}


def test_change_owning_associations(api, world):
    """Adding an owner is an invitation its admin or coordinator accepts (issue 15 #2)."""
    pid = new_project(api, world.coordinator, world, association_ids=[world.a.id])["id"]
    # B's admin is not an editor yet
    assert api(world.assoc_admin).patch(f"/api/v1/projects/{pid}", json={}).status_code == 404
    response = api(world.coordinator).patch(
        f"/api/v1/projects/{pid}", json={"association_ids": [world.a.id, world.b.id]}
    )
    assert response.status_code == 200
    assert response.get_json()["association_ids"] == [world.a.id]
    assert response.get_json()["invited_association_ids"] == [world.b.id]
    # invited, not yet an owner: B's admin may see the project to answer, not edit it
    assert api(world.assoc_admin).patch(f"/api/v1/projects/{pid}", json={}).status_code == 403
    accepted = api(world.assoc_admin).post(
        f"/api/v1/projects/{pid}/invitations/{world.b.id}/accept"
    )
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json()["association_ids"] == [world.a.id, world.b.id]
    assert accepted.get_json()["invited_association_ids"] == []
    assert api(world.assoc_admin).patch(f"/api/v1/projects/{pid}", json={}).status_code == 200
    # an editor may not hand the project over to others: removing B takes B's consent
    refused = api(world.coordinator).patch(
        f"/api/v1/projects/{pid}", json={"association_ids": [world.c.id]}
    )
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "owner_consent_required"
    history = api(world.coordinator).get(f"/api/v1/projects/{pid}/history").get_json()["items"]
    change = next(h for h in history if h["field"] == "association_ids")
    assert change["from"] == f"[{world.a.id}]"
    assert change["to"] == f"[{world.a.id}, {world.b.id}]"
    db.session.expire_all()
    assert db.session.get(Project, pid).association_ids == [world.a.id, world.b.id]


def test_a_co_owner_cannot_evict_the_others_nor_add_unwilling_owners(api, world):
    """Issue 15 #2: PATCH association_ids used to replace the owners outright."""
    from app.notifications.models import Notification
    from tests.directory.factories import MembershipFactory
    from tests.factories import UserFactory

    c_member = UserFactory()
    MembershipFactory(association=world.c, user=c_member, role="member")
    pid = new_project(api, world.platform_admin, world)["id"]  # owned by A and B
    # B's admin tries to evict A (the coordinator's association): refused, nothing changed
    evict = api(world.assoc_admin).patch(
        f"/api/v1/projects/{pid}", json={"association_ids": [world.b.id]}
    )
    assert evict.status_code == 403, evict.get_json()
    assert evict.get_json()["error"]["code"] == "owner_consent_required"
    assert api(world.coordinator).get(f"/api/v1/projects/{pid}").status_code == 200
    # B's admin adds C: C is only invited; its plain members are not notified of anything
    add = api(world.assoc_admin).patch(
        f"/api/v1/projects/{pid}", json={"association_ids": [world.a.id, world.b.id, world.c.id]}
    )
    assert add.status_code == 200
    assert add.get_json()["association_ids"] == [world.a.id, world.b.id]
    assert add.get_json()["invited_association_ids"] == [world.c.id]
    milestone = add_milestone(api, world.assoc_admin, pid)
    api(world.assoc_admin).patch(f"/api/v1/milestones/{milestone['id']}", json={"status": "done"})
    db.session.expire_all()
    assert db.session.query(Notification).filter_by(user_id=c_member.id).count() == 0
    # C's admin was told about the invitation, and may decline it; B's admin may not answer
    assert db.session.query(Notification).filter_by(user_id=world.other_admin.id).count() == 1
    assert (
        api(world.assoc_admin)
        .post(f"/api/v1/projects/{pid}/invitations/{world.c.id}/accept")
        .status_code
        == 403
    )
    assert api(world.other_admin).get(f"/api/v1/projects/{pid}").status_code == 200
    declined = api(world.other_admin).post(
        f"/api/v1/projects/{pid}/invitations/{world.c.id}/decline"
    )
    assert declined.status_code == 200
    assert declined.get_json()["invited_association_ids"] == []
    assert api(world.other_admin).get(f"/api/v1/projects/{pid}").status_code == 404
    again = api(world.other_admin).post(f"/api/v1/projects/{pid}/invitations/{world.c.id}/accept")
    assert again.status_code == 404
    # B leaves by itself (its own admin); A, the last owner, may not leave
    left = api(world.assoc_admin).patch(
        f"/api/v1/projects/{pid}", json={"association_ids": [world.a.id]}
    )
    assert left.status_code == 200 and left.get_json()["association_ids"] == [world.a.id]
    last = api(world.coordinator).patch(
        f"/api/v1/projects/{pid}", json={"association_ids": [world.b.id]}
    )
    assert last.status_code == 422
    assert last.get_json()["error"]["code"] == "last_owner"
    db.session.expire_all()
    assert db.session.get(Project, pid).association_ids == [world.a.id]
    assert db.session.get(Project, pid).invited_association_ids == []


def test_last_owner_cannot_leave_and_platform_admin_may_remove(api, world):
    pid = new_project(api, world.platform_admin, world)["id"]
    alone = api(world.platform_admin).patch(
        f"/api/v1/projects/{pid}", json={"association_ids": [world.c.id]}
    )
    assert alone.status_code == 422
    assert alone.get_json()["error"]["code"] == "last_owner"
    removed = api(world.platform_admin).patch(
        f"/api/v1/projects/{pid}", json={"association_ids": [world.b.id]}
    )
    assert removed.status_code == 200 and removed.get_json()["association_ids"] == [world.b.id]
    leave = api(world.assoc_admin).patch(f"/api/v1/projects/{pid}", json={"association_ids": []})
    assert leave.status_code == 422


def test_deleting_a_predecessor_drops_the_dependency_and_keeps_activities(api, world):
    pid = new_project(api, world.coordinator, world)["id"]
    first = add_milestone(api, world.coordinator, pid)["id"]
    second = add_milestone(api, world.coordinator, pid, depends_on=[first])["id"]
    client = api(world.coordinator)
    activity = client.post(
        f"/api/v1/projects/{pid}/activities",
        json={
            "title": "Atelier",
            "starts_at": "2026-05-02T10:00:00Z",
            "ends_at": "2026-05-02T12:00:00Z",
            "milestone_id": first,
        },
    ).get_json()
    assert client.delete(f"/api/v1/milestones/{first}").status_code == 204
    assert client.get(f"/api/v1/milestones/{second}").get_json()["depends_on"] == []
    kept = client.get(f"/api/v1/activities/{activity['id']}").get_json()
    assert kept["milestone_id"] is None


def test_creating_a_project_only_invites_associations_the_creator_does_not_speak_for(api, world):
    """Issue 15 #2 at creation: listing C made it an owner without its consent."""
    response = api(world.coordinator).post(
        "/api/v1/projects",
        json={
            "title": "Imposé",
            "association_ids": [world.a.id, world.c.id],
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
        },
    )
    assert response.status_code == 201
    data = response.get_json()
    assert data["association_ids"] == [world.a.id]
    assert data["invited_association_ids"] == [world.c.id]
    assert (
        api(world.other_admin).patch(f"/api/v1/projects/{data['id']}", json={}).status_code == 403
    )
    # only associations the creator speaks for: refused as before
    refused = api(world.coordinator).post(
        "/api/v1/projects",
        json={
            "title": "Pas à moi",
            "association_ids": [world.c.id],
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
        },
    )
    assert refused.status_code == 403


def test_the_project_list_runs_a_constant_number_of_queries(api, world):
    # 16 statements for 2 projects and 56 for 12 before: associations and milestones per row
    client = api(world.member)

    def statements_for(count: int) -> int:
        for i in range(count):
            owners = [world.a, AssociationFactory(name=f"Partenaire {count}-{i}")]
            project = ProjectFactory(title=f"Projet {count}-{i}", associations=owners)
            MilestoneFactory(project=project)
            MilestoneFactory(project=project)
        db.session.commit()
        client.get("/api/v1/projects?per_page=50")  # caches warm
        with count_statements() as statements:
            listed = client.get("/api/v1/projects?per_page=50").get_json()
        assert listed["total"] >= count
        return len(statements)

    assert statements_for(2) == statements_for(12)


def test_a_project_its_comments_and_its_history_run_a_constant_number_of_queries(api, world):
    """A project's page of the API reads its owners, and its comments and history their
    authors, each in one query: as many statements for 1 owner, author or actor as for 6."""
    client = api(world.platform_admin)

    def statements_for(count: int) -> tuple[int, int, int]:
        owners = [world.a] + [AssociationFactory(name=f"Owner {count}-{i}") for i in range(count)]
        project = ProjectFactory(title=f"Wide {count}", visibility="public", associations=owners)
        MilestoneFactory(project=project)
        for i in range(count + 1):
            author = UserFactory(display_name=f"Voice {count}-{i}")
            db.session.add(ProjectComment(project_id=project.id, author_id=author.id, body="Hi"))
            db.session.add(
                ProjectChange(
                    project_id=project.id,
                    actor_id=author.id,
                    entity="project",
                    entity_id=project.id,
                    field="title",
                    old_value="a",
                    new_value="b",
                )
            )
        db.session.commit()
        counts = []
        for path in ("", "/comments", "/history"):
            url = f"/api/v1/projects/{project.id}{path}"
            client.get(url)  # caches warm
            db.session.expire_all()
            with count_statements() as statements:
                answer = client.get(url)
            assert answer.status_code == 200
            counts.append(len(statements))
        return counts[0], counts[1], counts[2]

    # before: (10, 7, 7) and (20, 12, 12), an owner, an author or an actor per row
    assert statements_for(0) == statements_for(5)


def test_creating_a_project_checks_its_associations_in_a_constant_number_of_queries(api, world):
    """The associations named and the creator's role in each are read at once: as many
    reads for a project of 2 associations as for one of 8 (each owner is one more row
    written)."""
    client = api(world.coordinator)

    def statements_for(count: int) -> int:
        owners = [AssociationFactory(name=f"Partenaire {count}-{i}") for i in range(count)]
        for association in owners:
            MembershipFactory(association=association, user=world.coordinator, role="admin")
        db.session.commit()
        body = {
            "title": f"Projet {count}",
            "association_ids": [a.id for a in owners],
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
        }
        with count_statements() as statements:
            created = client.post("/api/v1/projects", json=body)
        assert created.status_code == 201, created.get_json()
        assert created.get_json()["association_ids"] == body["association_ids"]
        return len([s for s in statements if s.lstrip().upper().startswith("SELECT")])

    assert statements_for(2) == statements_for(8)
