"""Knowledge pages through the JSON API: who may create, edit and read per visibility,
revisions with a word-level diff, templates, optimistic concurrency and bad input."""

from __future__ import annotations

import pytest

from library.knowledge.models import BODY_MAX, KnowledgeRevision
from tests.support import world as make

VISIBILITIES = ("public", "network", "members", "admins")


@pytest.fixture
def world(app, admin):
    class World:
        pass

    w = World()
    w.admin = admin
    w.staff = make.person()
    w.coordinator = make.person()
    w.member = make.person()
    w.outsider = make.person()
    w.assoc = make.association(admin=w.staff, coordinator=w.coordinator, member=w.member)
    w.other = make.association(admin=w.outsider)
    return w


def create(api, who, path, **extra):
    body = {"title": "Guide", "body": "Bonjour **tout** le monde"} | extra
    return api(who).post(path, json=body)


def test_association_staff_create_and_members_read(api, world):
    response = create(api, world.staff, f"/api/v1/associations/{world.assoc.id}/pages")
    assert response.status_code == 201, response.get_json()
    page = response.get_json()
    assert "<strong>tout</strong>" in page["body_html"]
    assert page["visibility"] == "members" and page["direction"] == "auto"
    assert page["version"] == 1 and page["can_edit"] is True
    assert api(world.member).get(f"/api/v1/pages/{page['id']}").status_code == 200
    assert api(world.outsider).get(f"/api/v1/pages/{page['id']}").status_code == 404
    assert api(None).get(f"/api/v1/pages/{page['id']}").status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [("staff", 201), ("coordinator", 201), ("member", 403), ("outsider", 403), ("admin", 201)],
)
def test_who_may_create_association_pages(api, world, who, status):
    response = create(api, getattr(world, who), f"/api/v1/associations/{world.assoc.id}/pages")
    assert response.status_code == status, response.get_json()


def test_anonymous_may_not_create(api, world):
    response = create(api, None, f"/api/v1/associations/{world.assoc.id}/pages")
    assert response.status_code == 401


@pytest.mark.parametrize(("who", "status"), [("admin", 201), ("staff", 403), ("member", 403)])
def test_network_pages_are_written_by_platform_admins(api, world, who, status):
    assert create(api, getattr(world, who), "/api/v1/pages").status_code == status


# who reads an association page of each visibility
READERS = {
    "public": {"anonymous", "outsider", "member", "coordinator", "staff", "admin"},
    "network": {"outsider", "member", "coordinator", "staff", "admin"},
    "members": {"member", "coordinator", "staff", "admin"},
    "admins": {"coordinator", "staff", "admin"},
}


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_read_matrix(api, world, visibility):
    page = create(
        api, world.staff, f"/api/v1/associations/{world.assoc.id}/pages", visibility=visibility
    ).get_json()
    for who in ("anonymous", "outsider", "member", "coordinator", "staff", "admin"):
        actor = None if who == "anonymous" else getattr(world, who)
        got = api(actor).get(f"/api/v1/pages/{page['id']}").status_code
        listed = api(actor).get(f"/api/v1/associations/{world.assoc.id}/pages").get_json()
        ids = [p["id"] for p in listed["items"]]
        if who in READERS[visibility]:
            assert got == 200, (who, visibility)
            assert page["id"] in ids, (who, visibility)
        else:
            assert got == 404, (who, visibility)
            assert page["id"] not in ids, (who, visibility)


@pytest.mark.parametrize(("who", "status"), [("member", 403), ("coordinator", 200)])
def test_who_may_edit(api, world, who, status):
    page = create(api, world.staff, f"/api/v1/associations/{world.assoc.id}/pages").get_json()
    response = api(getattr(world, who)).patch(f"/api/v1/pages/{page['id']}", json={"title": "X"})
    assert response.status_code == status


def test_outsider_edit_is_404(api, world):
    page = create(api, world.staff, f"/api/v1/associations/{world.assoc.id}/pages").get_json()
    response = api(world.outsider).patch(f"/api/v1/pages/{page['id']}", json={"title": "X"})
    assert response.status_code == 404


def test_edits_add_revisions_and_a_word_diff(api, world):
    page = create(
        api,
        world.staff,
        f"/api/v1/associations/{world.assoc.id}/pages",
        body="الجمع العام ينعقد مرة كل سنة",
    ).get_json()
    edited = api(world.coordinator).patch(
        f"/api/v1/pages/{page['id']}",
        json={"body": "الجمع العام العادي ينعقد مرتين كل سنة", "direction": "rtl", "version": 1},
    )
    assert edited.status_code == 200, edited.get_json()
    assert edited.get_json()["version"] == 2 and edited.get_json()["direction"] == "rtl"
    assert edited.headers["ETag"] == '"2"'
    history = api(world.member).get(f"/api/v1/pages/{page['id']}/revisions?from=1&to=2")
    data = history.get_json()
    assert [r["number"] for r in data["items"]] == [2, 1]
    body = data["diff"]["body"]
    assert {"op": "insert", "text": "العادي "} in body
    assert {"op": "delete", "text": "مرة"} in body and {"op": "insert", "text": "مرتين"} in body
    assert (
        "".join(p["text"] for p in body if p["op"] != "delete")
        == "الجمع العام العادي ينعقد مرتين كل سنة"
    )


def test_a_direction_only_edit_adds_no_revision(api, world, app):
    page = create(api, world.staff, f"/api/v1/associations/{world.assoc.id}/pages").get_json()
    api(world.staff).patch(f"/api/v1/pages/{page['id']}", json={"direction": "ltr"})
    assert KnowledgeRevision.query.filter_by(page_id=page["id"]).count() == 1


def test_stale_version_is_an_edit_conflict_and_changes_nothing(api, world):
    page = create(api, world.staff, f"/api/v1/associations/{world.assoc.id}/pages").get_json()
    url = f"/api/v1/pages/{page['id']}"
    assert api(world.staff).patch(url, json={"body": "first", "version": 1}).status_code == 200
    stale = api(world.coordinator).patch(url, json={"body": "second"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 409
    assert stale.get_json()["error"]["code"] == "edit_conflict"
    assert api(world.staff).get(url).get_json()["body"] == "first"
    assert len(api(world.staff).get(url + "/revisions").get_json()["items"]) == 2


def test_new_page_from_a_template(api, world):
    template = create(
        api,
        world.admin,
        "/api/v1/pages",
        title="نموذج محضر الجمع العام",
        body="# محضر\n- التاريخ: [اليوم]",
        template=True,
        visibility="network",
        lang="ar",
    ).get_json()
    templates = api(world.staff).get("/api/v1/pages?template=true").get_json()["items"]
    assert [t["id"] for t in templates] == [template["id"]]
    made = api(world.staff).post(
        f"/api/v1/associations/{world.assoc.id}/pages", json={"from_template": template["id"]}
    )
    assert made.status_code == 201, made.get_json()
    data = made.get_json()
    assert data["title"] == template["title"] and data["body"] == template["body"]
    assert data["lang"] == "ar" and data["association_id"] == world.assoc.id
    assert data["template"] is False


def test_a_page_that_is_no_template_cannot_seed_a_new_page(api, world):
    hidden = create(
        api,
        world.outsider,
        f"/api/v1/associations/{world.other.id}/pages",
        template=True,
        visibility="admins",
    ).get_json()
    made = api(world.staff).post(
        f"/api/v1/associations/{world.assoc.id}/pages", json={"from_template": hidden["id"]}
    )
    assert made.status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"title": ""},
        {"title": "   "},
        {"title": "x" * 201},
        {"title": "ok", "body": "x" * (BODY_MAX + 1)},
        {"title": "ok", "direction": "up"},
        {"title": "ok", "visibility": "everyone"},
        {"title": "ok", "lang": "xx"},
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(api, world, body):
    path = f"/api/v1/associations/{world.assoc.id}/pages"
    response = api(world.staff).post(path, json=body)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["message"]
    assert api(world.staff).get(path).get_json()["total"] == 0


def test_unknown_association_is_404(api, world):
    assert create(api, world.admin, "/api/v1/associations/999999/pages").status_code == 404


def test_diff_of_a_missing_revision_is_404(api, world):
    page = create(api, world.staff, f"/api/v1/associations/{world.assoc.id}/pages").get_json()
    response = api(world.staff).get(f"/api/v1/pages/{page['id']}/revisions?from=1&to=7")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("lang", "message"), [("fr", "Un titre est obligatoire."), ("ar", "العنوان إلزامي.")]
)
def test_errors_are_translated(api, world, lang, message):
    response = api(world.staff).post(
        f"/api/v1/associations/{world.assoc.id}/pages",
        json={"title": " "},
        headers={"Accept-Language": lang},
    )
    assert response.get_json()["error"]["message"] == message
