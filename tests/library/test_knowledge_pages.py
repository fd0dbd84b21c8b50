"""Knowledge HTML pages: list, page (dir= from the page's direction), history with a diff."""

from __future__ import annotations

from tests.library.test_knowledge_api import create, world  # noqa: F401  (the fixture)


def test_page_list_view_and_history(api, world, logged_in):  # noqa: F811
    page = create(
        api,
        world.staff,
        f"/api/v1/associations/{world.assoc.id}/pages",
        body="الجمع العام ينعقد مرة",
        direction="rtl",
    ).get_json()
    api(world.staff).patch(f"/api/v1/pages/{page['id']}", json={"body": "الجمع العام ينعقد مرتين"})
    client = logged_in(world.member)
    listing = client.get("/library/pages/").get_data(as_text=True)
    assert f"/library/pages/{page['id']}" in listing
    shown = client.get(f"/library/pages/{page['id']}").get_data(as_text=True)
    assert 'class="markdown" dir="rtl"' in shown and "مرتين" in shown
    history = client.get(f"/library/pages/{page['id']}/history").get_data(as_text=True)
    assert "<del>مرة</del>" in history and "<ins>مرتين</ins>" in history


def test_private_page_is_404_for_outsiders(api, world, logged_in):  # noqa: F811
    page = create(api, world.staff, f"/api/v1/associations/{world.assoc.id}/pages").get_json()
    client = logged_in(world.outsider)
    assert client.get(f"/library/pages/{page['id']}").status_code == 404
    assert f"/library/pages/{page['id']}" not in client.get("/library/pages/").get_data(
        as_text=True
    )
