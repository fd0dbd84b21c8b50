"""Who may do what on a project: role x visibility x need, the denied rows as explicit as the
allowed ones. Owning associations: A (member, coordinator) and B (assoc admin); C does not own
the project (its admin is an outsider here)."""

from __future__ import annotations

import pytest

from projects.access import access_project
from projects.models import Project
from tests.projects.factories import MilestoneFactory, ProjectFactory

PEOPLE = [
    "anonymous",
    "outsider",
    "member",
    "coordinator",
    "assoc_admin",
    "other_admin",
    "platform_admin",
]

# expected HTTP status of (GET project, POST comment, PATCH project) per visibility and person;
# anonymous writes are refused with 401 before anything is looked up
MATRIX = {
    "public": {
        "anonymous": (200, 401, 401),
        "outsider": (200, 403, 403),
        "member": (200, 201, 403),
        "coordinator": (200, 201, 200),
        "assoc_admin": (200, 201, 200),
        "other_admin": (200, 403, 403),
        "platform_admin": (200, 201, 200),
    },
    "network": {
        "anonymous": (404, 401, 401),
        "outsider": (200, 403, 403),
        "member": (200, 201, 403),
        "coordinator": (200, 201, 200),
        "assoc_admin": (200, 201, 200),
        "other_admin": (200, 403, 403),
        "platform_admin": (200, 201, 200),
    },
    "members": {
        "anonymous": (404, 401, 401),
        "outsider": (404, 404, 404),
        "member": (200, 201, 403),
        "coordinator": (200, 201, 200),
        "assoc_admin": (200, 201, 200),
        "other_admin": (404, 404, 404),
        "platform_admin": (200, 201, 200),
    },
}


@pytest.mark.parametrize("visibility", list(MATRIX))
@pytest.mark.parametrize("person", PEOPLE)
def test_project_matrix(api, world, visibility, person):
    project = ProjectFactory(visibility=visibility, associations=[world.a, world.b])
    client = api(world.people()[person])
    view, comment, edit = MATRIX[visibility][person]
    path = f"/api/v1/projects/{project.id}"
    got = client.get(path)
    assert got.status_code == view, got.get_json()
    assert client.post(f"{path}/comments", json={"body": "hello"}).status_code == comment
    patched = client.patch(path, json={"title": "Changed"})
    assert patched.status_code == edit
    if edit != 200:
        assert patched.get_json()["error"]["code"] in ("not_found", "forbidden", "unauthorized")
        from app.db import db

        db.session.expire_all()
        assert db.session.get(Project, project.id).title != "Changed"


@pytest.mark.parametrize("visibility", list(MATRIX))
@pytest.mark.parametrize("person", PEOPLE)
def test_milestone_edit_matrix(api, world, visibility, person):
    milestone = MilestoneFactory(
        project=ProjectFactory(visibility=visibility, associations=[world.a, world.b])
    )
    view, _comment, edit = MATRIX[visibility][person]
    client = api(world.people()[person])
    assert client.get(f"/api/v1/milestones/{milestone.id}").status_code == view
    response = client.patch(f"/api/v1/milestones/{milestone.id}", json={"progress": 30})
    assert response.status_code == edit
    created = client.post(
        f"/api/v1/projects/{milestone.project_id}/milestones",
        json={"title": "New", "due_on": "2026-05-01"},
    )
    assert created.status_code == (201 if edit == 200 else edit)
    history = client.get(f"/api/v1/projects/{milestone.project_id}/history")
    assert history.status_code == view
    ics = client.get(f"/api/v1/projects/{milestone.project_id}/calendar.ics")
    assert ics.status_code == view


def test_list_shows_only_visible_projects(api, world):
    public = ProjectFactory(visibility="public", associations=[world.a])
    network = ProjectFactory(visibility="network", associations=[world.a])
    members = ProjectFactory(visibility="members", associations=[world.b])

    def ids(who):
        return {p["id"] for p in api(who).get("/api/v1/projects").get_json()["items"]}

    assert ids(None) == {public.id}
    assert ids(world.outsider) == {public.id, network.id}
    assert ids(world.other_admin) == {public.id, network.id}
    assert ids(world.member) == {public.id, network.id}  # member of A, not of B
    assert ids(world.assoc_admin) == {public.id, network.id, members.id}
    assert ids(world.platform_admin) == {public.id, network.id, members.id}


def test_access_project_function(app, world):
    project = ProjectFactory(visibility="members", associations=[world.a])
    from app.api import ApiError

    ctx = app.test_request_context("/")
    ctx.push()
    assert access_project(world.coordinator, project.id, "edit") is not None
    with pytest.raises(ApiError) as denied:
        access_project(world.member, project.id, "edit")
    assert denied.value.code == 403
    with pytest.raises(ApiError) as hidden:
        access_project(world.outsider, project.id, "view")
    assert hidden.value.code == 404
    with pytest.raises(ApiError) as missing:
        access_project(world.platform_admin, 987654, "view")
    assert missing.value.code == 404
    ctx.pop()


def test_pending_membership_gives_no_access(api, world):
    from tests.directory.factories import MembershipFactory
    from tests.factories import UserFactory

    applicant = UserFactory()
    MembershipFactory(association=world.a, user=applicant, role="coordinator", status="pending")
    project = ProjectFactory(visibility="members", associations=[world.a])
    assert api(applicant).get(f"/api/v1/projects/{project.id}").status_code == 404


def test_suspended_association_staff_lose_write_rights(api, client, world):
    """Issue 15 #16: staff of a suspended association keep reading its projects but can no
    longer edit, add milestones or comment (API, page and socket face); a project co-owned with
    an approved association stays editable by that association's staff."""
    from app.db import db
    from tests.conftest import login
    from tests.projects.factories import ActivityFactory

    only_a = ProjectFactory(visibility="members", associations=[world.a])
    shared = ProjectFactory(visibility="members", associations=[world.a, world.b])
    milestone = MilestoneFactory(project=only_a)
    activity = ActivityFactory(project=only_a)
    world.a.status = "suspended"
    db.session.commit()

    coordinator = api(world.coordinator)
    got = coordinator.get(f"/api/v1/projects/{only_a.id}")
    assert got.status_code == 200
    assert got.get_json()["can"] == {"view": True, "comment": False, "edit": False}
    refused = coordinator.patch(f"/api/v1/projects/{only_a.id}", json={"title": "Taken over"})
    assert refused.status_code == 403, refused.get_json()
    assert refused.get_json()["error"]["code"] == "suspended"
    writes = [
        coordinator.post(
            f"/api/v1/projects/{only_a.id}/milestones", json={"title": "x", "due_on": "2026-05-01"}
        ),
        coordinator.patch(f"/api/v1/milestones/{milestone.id}", json={"progress": 90}),
        coordinator.delete(f"/api/v1/milestones/{milestone.id}"),
        coordinator.delete(f"/api/v1/activities/{activity.id}"),
        coordinator.post(f"/api/v1/projects/{only_a.id}/comments", json={"body": "still here"}),
        api(world.member).post(f"/api/v1/projects/{only_a.id}/comments", json={"body": "hi"}),
    ]
    assert [r.status_code for r in writes] == [403] * len(writes)
    login(client, world.coordinator)
    page = client.get(f"/projects/{only_a.id}")
    assert page.status_code == 200
    assert f"/projects/{only_a.id}/edit" not in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Project, only_a.id).title != "Taken over"
    assert db.session.get(Project, only_a.id).milestones[0].progress == 0

    # B is approved: its admin still edits the shared project; A's coordinator does not
    assert (
        api(world.assoc_admin)
        .patch(f"/api/v1/projects/{shared.id}", json={"title": "Still shared"})
        .status_code
        == 200
    )
    assert (
        coordinator.patch(f"/api/v1/projects/{shared.id}", json={"title": "No"}).status_code == 403
    )
    assert (
        api(world.platform_admin)
        .patch(f"/api/v1/projects/{only_a.id}", json={"title": "Admin fix"})
        .status_code
        == 200
    )


def test_suspended_association_is_not_offered_for_a_new_project(logged_in, world):
    from app.db import db

    world.a.status = "suspended"
    db.session.commit()
    html = logged_in(world.coordinator).get("/projects/new").get_data(as_text=True)
    assert "Association Al Amal" not in html
    assert "/projects/new" not in logged_in(world.coordinator).get("/projects").get_data(
        as_text=True
    )
