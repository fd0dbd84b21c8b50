"""The knowledge editor pages: write, preview, edit with a stale-version guard, the direction
toggle and templates, with the same rights as the API."""

from __future__ import annotations

from sqlalchemy import func, select

from app.db import db
from library.knowledge.models import KnowledgePage
from tests.conftest import csrf_token
from tests.library.conftest import reason_beside, selected
from tests.library.test_knowledge_api import create, world  # noqa: F401  (the fixture)


def count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(KnowledgePage)) or 0


def post(client, path, **fields):
    form = {"csrf_token": csrf_token(client, path), "lang": "ar", "visibility": "members"}
    return client.post(path, data=form | fields)


def test_staff_write_a_page_with_its_direction(world, logged_in):  # noqa: F811
    client = logged_in(world.staff)
    path = f"/associations/{world.assoc.id}/library/pages/new"
    form = client.get(path).get_data(as_text=True)
    assert 'name="direction"' in form and "knowledge-editor.js" in form
    res = post(
        client, path, title="Dossier Wuluj", body="الجمع العام **Assemblée**", direction="rtl"
    )
    assert res.status_code == 303
    page = db.session.scalars(select(KnowledgePage)).one()
    assert (page.association_id, page.direction, page.title) == (
        world.assoc.id,
        "rtl",
        "Dossier Wuluj",
    )
    shown = client.get(res.headers["Location"]).get_data(as_text=True)
    assert 'class="markdown" dir="rtl"' in shown and "<strong>Assemblée</strong>" in shown
    assert f"/library/pages/{page.id}/edit" in shown


def test_preview_renders_and_saves_nothing(world, logged_in):  # noqa: F811
    client = logged_in(world.staff)
    path = f"/associations/{world.assoc.id}/library/pages/new"
    res = post(
        client, path, title="Brouillon", body="# Titre\n\n*important*", direction="ltr", preview="1"
    )
    html = res.get_data(as_text=True)
    assert res.status_code == 200
    assert (
        "<h3>Titre</h3>" in html and "<em>important</em>" in html
    )  # headings sit under the page title
    assert 'value="Brouillon"' in html and "# Titre" in html  # the form keeps the text
    assert count() == 0


def test_a_bad_page_is_refused_and_the_text_kept(world, logged_in):  # noqa: F811
    client = logged_in(world.staff)
    path = f"/associations/{world.assoc.id}/library/pages/new"
    res = post(client, path, title="   ", body="Texte à garder", direction="auto")
    assert res.status_code == 422
    assert "Texte à garder" in res.get_data(as_text=True)
    res = post(client, path, title="X", body="a" * 300_000, direction="auto")
    assert res.status_code == 422
    assert count() == 0


def test_a_refused_page_shows_the_reason_beside_the_field_and_keeps_the_input(
    api,
    world,  # noqa: F811
    logged_in,
):
    client = logged_in(world.staff)
    path = f"/associations/{world.assoc.id}/library/pages/new"
    fr = {"Accept-Language": "fr"}
    typed = {"body": "Texte à garder", "direction": "rtl", "lang": "fr", "visibility": "network"}
    res = client.post(
        path, data={"csrf_token": csrf_token(client, path), "title": "   ", **typed}, headers=fr
    )
    assert res.status_code == 422
    html = res.get_data(as_text=True)
    assert reason_beside(html, "kp-title") == "Un titre est obligatoire."
    assert "Texte à garder</textarea>" in html and 'id="kp-dir-rtl" value="rtl" checked' in html
    assert selected(html, "kp-lang") == ["fr"] and selected(html, "kp-visibility") == ["network"]
    assert "kp-body-error" not in html and "flash-error" not in html
    res = client.post(
        path,
        data={"csrf_token": csrf_token(client, path), **typed, "title": "X", "body": "a" * 300_000},
        headers=fr,
    )
    assert res.status_code == 422
    html = res.get_data(as_text=True)
    assert reason_beside(html, "kp-body") and 'value="X"' in html
    assert count() == 0
    # an edit that empties the title is refused beside it, the stored page unchanged
    page = create(api, world.staff, f"/api/v1/associations/{world.assoc.id}/pages").get_json()
    path = f"/library/pages/{page['id']}/edit"
    res = client.post(
        path,
        data={"csrf_token": csrf_token(client, path), "version": "1", "title": "", **typed},
        headers=fr,
    )
    assert res.status_code == 422
    html = res.get_data(as_text=True)
    assert reason_beside(html, "kp-title") == "Un titre est obligatoire."
    assert "Texte à garder</textarea>" in html and 'name="version" value="1"' in html
    db.session.expire_all()
    stored = db.session.get(KnowledgePage, page["id"])
    assert (stored.title, stored.version, stored.visibility) == ("Guide", 1, "members")


def test_editing_adds_a_revision_and_a_stale_edit_keeps_the_text(api, world, logged_in):  # noqa: F811
    page = create(api, world.staff, f"/api/v1/associations/{world.assoc.id}/pages").get_json()
    client = logged_in(world.coordinator)
    path = f"/library/pages/{page['id']}/edit"
    form = client.get(path).get_data(as_text=True)
    assert 'name="version" value="1"' in form
    token = csrf_token(client, path)
    # someone saves in between
    api(world.staff).patch(f"/api/v1/pages/{page['id']}", json={"body": "Leur version"})
    stale = client.post(
        path,
        data={
            "csrf_token": token,
            "version": "1",
            "title": "Guide",
            "body": "Ma version soignée",
            "direction": "auto",
            "lang": "fr",
            "visibility": "members",
        },
    )
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "Ma version soignée" in html and 'role="alert"' in html
    db.session.expire_all()
    assert db.session.get(KnowledgePage, page["id"]).body == "Leur version"
    fresh = client.post(
        path,
        data={
            "csrf_token": token,
            "version": "2",
            "title": "Guide",
            "body": "Ma version soignée",
            "direction": "ltr",
            "lang": "fr",
            "visibility": "members",
        },
    )
    assert fresh.status_code == 303
    db.session.expire_all()
    saved = db.session.get(KnowledgePage, page["id"])
    assert (saved.body, saved.direction, saved.version) == ("Ma version soignée", "ltr", 3)
    history = client.get(f"/library/pages/{page['id']}/history").get_data(as_text=True)
    assert "<ins>" in history


def test_who_may_write(api, world, logged_in):  # noqa: F811
    new = f"/associations/{world.assoc.id}/library/pages/new"
    assert logged_in(world.member).get(new).status_code == 403
    assert logged_in(world.outsider).get(new).status_code == 403
    assert logged_in(world.staff).get("/library/pages/new").status_code == 403
    assert logged_in(world.admin).get("/library/pages/new").status_code == 200
    page = create(api, world.staff, f"/api/v1/associations/{world.assoc.id}/pages").get_json()
    edit = f"/library/pages/{page['id']}/edit"
    assert logged_in(world.member).get(edit).status_code == 403
    assert logged_in(world.outsider).get(edit).status_code == 404
    client = logged_in(world.member)
    res = client.post(
        edit,
        data={
            "csrf_token": csrf_token(client, f"/library/pages/{page['id']}"),
            "title": "Pirate",
            "body": "x",
        },
    )
    assert res.status_code == 403
    db.session.expire_all()
    assert db.session.get(KnowledgePage, page["id"]).title == "Guide"
    shown = logged_in(world.member).get(f"/library/pages/{page['id']}").get_data(as_text=True)
    assert "/edit" not in shown


def test_a_template_prefills_a_new_page(api, world, logged_in):  # noqa: F811
    model = create(
        api,
        world.admin,
        "/api/v1/pages",
        title="Modèle de PV d'AG",
        body="## Ordre du jour\n\n1. …",
        direction="ltr",
        lang="fr",
        template=True,
        visibility="network",
    ).get_json()
    client = logged_in(world.staff)
    shown = client.get(f"/library/pages/{model['id']}").get_data(as_text=True)
    target = f"/associations/{world.assoc.id}/library/pages/new?from_template={model['id']}"
    assert target in shown
    form = client.get(target).get_data(as_text=True)
    assert "## Ordre du jour" in form and 'id="kp-dir-ltr" value="ltr" checked' in form
    assert "Modèle de PV" in client.get(
        f"/associations/{world.assoc.id}/library/pages/new"
    ).get_data(as_text=True)  # offered in the template picker
    missing = client.get(f"/associations/{world.assoc.id}/library/pages/new?from_template=999")
    assert missing.status_code == 404
