"""Knowledge pages in ``GET /api/v1/search``: public pages only, Arabic, French and Arabizi."""

from __future__ import annotations

from tests.library.test_knowledge_api import create, world  # noqa: F401  (the fixture)


def hits(api, q: str) -> list[dict]:
    response = api(None).get("/api/v1/search", query_string={"q": q, "scope": "pages"})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def test_public_pages_are_found_and_private_ones_are_not(api, world):  # noqa: F811
    path = f"/api/v1/associations/{world.assoc.id}/pages"
    public = create(
        api,
        world.staff,
        path,
        title="نموذج محضر الجمع العام",
        body="Procès-verbal des assemblées générales; kteb lmo7dar dyal ljam3",
        visibility="public",
    ).get_json()
    private = create(
        api, world.staff, path, title="محضر سري", body="assemblée secrète", visibility="members"
    ).get_json()
    found = hits(api, "assemblee generale")
    assert [h["id"] for h in found] == [public["id"]]
    assert found[0]["url"].endswith(f"/library/pages/{public['id']}")
    assert public["id"] in [h["id"] for h in hits(api, "محضر")]
    assert public["id"] in [h["id"] for h in hits(api, "lmo7dar")]
    assert private["id"] not in [h["id"] for h in hits(api, "محضر")]
    # made private: it leaves the index
    api(world.staff).patch(f"/api/v1/pages/{public['id']}", json={"visibility": "members"})
    assert hits(api, "assemblee generale") == []
