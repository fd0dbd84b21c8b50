"""Projects in the shared search (``scope=projects``), limited to what the caller may see."""

from __future__ import annotations


def search_ids(api, who, q):
    response = api(who).get(f"/api/v1/search?scope=projects&q={q}")
    assert response.status_code == 200, response.get_json()
    return {hit["id"] for hit in response.get_json()["items"]}


def create(api, world, title, visibility, association_ids):
    body = {
        "title": title,
        "association_ids": association_ids,
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "visibility": visibility,
    }
    response = api(world.platform_admin).post("/api/v1/projects", json=body)
    assert response.status_code == 201
    return response.get_json()["id"]


def test_search_respects_visibility(api, world):
    public = create(api, world, "Caravane médicale Azilal", "public", [world.a.id])
    network = create(api, world, "Caravane scolaire Tinghir", "network", [world.a.id])
    members = create(api, world, "Caravane solidaire Zagora", "members", [world.b.id])
    assert search_ids(api, None, "caravane") == {public}
    assert search_ids(api, world.outsider, "caravane") == {public, network}
    assert search_ids(api, world.member, "caravane") == {public, network}
    assert search_ids(api, world.assoc_admin, "caravane") == {public, network, members}
    assert search_ids(api, world.platform_admin, "caravane") == {public, network, members}
    hit = api(None).get("/api/v1/search?scope=projects&q=azilal").get_json()["items"][0]
    assert hit["type"] == "projects" and hit["url"] == f"/projects/{public}"


def test_milestones_and_visibility_changes_are_indexed(api, world):
    pid = create(api, world, "Alphabétisation", "members", [world.a.id])
    api(world.coordinator).post(
        f"/api/v1/projects/{pid}/milestones",
        json={"title": "Formation des formatrices", "due_on": "2026-03-01"},
    )
    assert search_ids(api, world.member, "formatrices") == {pid}
    assert search_ids(api, world.outsider, "formatrices") == set()
    api(world.coordinator).patch(f"/api/v1/projects/{pid}", json={"visibility": "public"})
    assert search_ids(api, None, "formatrices") == {pid}
