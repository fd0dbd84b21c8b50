"""The library pages: upload form, refusals shown translated, document page, calendar."""

from __future__ import annotations

import datetime as dt
import io
import re

from sqlalchemy import func, select

from app.db import db
from library.models import Authorization, DocumentVersion, LibraryDocument, MediaConsent
from tests.conftest import csrf_token
from tests.library.conftest import PDF, PNG, reason_beside, selected, stored_files, upload

SVG = b"<svg xmlns='http://www.w3.org/2000/svg'/>"


def rows(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_admin_uploads_through_the_page(app, logged_in, world):
    client = logged_in(world.assoc_admin)
    path = f"/associations/{world.a.id}/library"
    page = client.get(path)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.get_data(as_text=True)
    res = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "kind": "statutes",
            "title": "النظام الأساسي",
            "visibility": "members",
            "file": (io.BytesIO(PDF), "statuts.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert res.status_code == 303
    doc_page = client.get(res.headers["Location"])
    assert "النظام الأساسي" in doc_page.get_data(as_text=True)
    assert "/versions/1/file" in doc_page.get_data(as_text=True)
    member_page = logged_in(world.member).get(path).get_data(as_text=True)
    assert "النظام الأساسي" in member_page
    assert 'enctype="multipart/form-data"' not in member_page


def test_refusals_are_translated_and_nothing_is_kept(app, logged_in, world):
    client = logged_in(world.assoc_admin)
    path = f"/associations/{world.a.id}/library"
    res = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "kind": "photo",
            "title": "Logo",
            "visibility": "members",
            "file": (io.BytesIO(b"<svg xmlns='http://www.w3.org/2000/svg'/>"), "logo.svg"),
        },
        content_type="multipart/form-data",
        headers={"Accept-Language": "fr"},
    )
    assert res.status_code == 422
    assert "Les fichiers HTML et SVG ne sont pas acceptés." in res.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(LibraryDocument)) == 0
    assert stored_files(app) == []


def test_a_refused_upload_shows_each_reason_beside_its_field_and_keeps_the_input(
    app, logged_in, world
):
    client = logged_in(world.assoc_admin)
    path = f"/associations/{world.a.id}/library"

    def post(data: bytes, name: str, **fields: str):
        form = {
            "csrf_token": csrf_token(client, path),
            "kind": "photo",
            "title": "Logo Al Amal",
            "visibility": "members",
            "valid_from": "2026-03-01",
            **fields,
            "file": (io.BytesIO(data), name),
        }
        res = client.post(
            path, data=form, content_type="multipart/form-data", headers={"Accept-Language": "fr"}
        )
        assert res.status_code == 422
        return res.get_data(as_text=True)

    # the service refuses the file: the reason beside the file, what was typed kept
    html = post(SVG, "logo.svg")
    assert reason_beside(html, "lib-file") == "Les fichiers HTML et SVG ne sont pas acceptés."
    assert 'value="Logo Al Amal"' in html and 'value="2026-03-01"' in html
    assert selected(html, "lib-kind") == ["photo"]
    assert selected(html, "lib-visibility") == ["members"]
    assert "lib-title-error" not in html and "flash-error" not in html
    # the API's schema refuses a date that does not exist, beside it
    html = post(PNG, "logo.png", expires_at="2026-02-30")
    assert reason_beside(html, "lib-expires-at")
    assert 'value="2026-02-30"' in html and "lib-file-error" not in html
    # no title: said beside the title
    html = post(PNG, "logo.png", title="")
    assert reason_beside(html, "lib-title") == "Un titre est obligatoire."
    assert "lib-kind-error" not in html
    assert rows(LibraryDocument) == 0
    assert stored_files(app) == []


def test_a_refused_document_form_shows_the_reason_beside_the_field_and_keeps_the_input(
    app, api, logged_in, world
):
    doc_id = upload(
        api(world.assoc_admin), world.a.id, data=PNG, name="p.png", kind="photo"
    ).get_json()["id"]
    client = logged_in(world.assoc_admin)
    path = f"/library/documents/{doc_id}"
    fr = {"Accept-Language": "fr"}
    # a minor's consent without a guardian
    res = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "action": "consent",
            "subject_label": "Yassine",
            "minor": "true",
            "scope": "network",
        },
        headers=fr,
    )
    assert res.status_code == 422
    html = res.get_data(as_text=True)
    assert "parent" in reason_beside(html, "lib-guardian-label")
    assert 'value="Yassine"' in html and selected(html, "lib-scope") == ["network"]
    assert re.search(r'<input\b[^>]*\bchecked\b[^>]*\bname="minor"', html)
    assert rows(MediaConsent) == 0
    # shown beyond the members without a consent covering it
    res = client.post(
        path, data={"csrf_token": csrf_token(client, path), "visibility": "public"}, headers=fr
    )
    assert res.status_code == 422
    html = res.get_data(as_text=True)
    assert "consentement" in reason_beside(html, "lib-visibility")
    assert selected(html, "lib-visibility") == ["public"]
    db.session.expire_all()
    assert db.session.get(LibraryDocument, doc_id).visibility == "members"
    # a new version the library refuses
    res = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "action": "version",
            "file": (io.BytesIO(SVG), "logo.svg"),
        },
        content_type="multipart/form-data",
        headers=fr,
    )
    assert res.status_code == 422
    html = res.get_data(as_text=True)
    assert reason_beside(html, "lib-file") == "Les fichiers HTML et SVG ne sont pas acceptés."
    assert rows(DocumentVersion) == 1


def test_a_refused_authorisation_shows_the_reason_beside_the_field_and_keeps_the_input(
    app, logged_in, world
):
    client = logged_in(world.assoc_admin)
    path = f"/associations/{world.a.id}/library/calendar"
    typed = {
        "kind": "distribution",
        "authority": "Wilaya de Rabat",
        "reference": "AP-2026-17",
        "scope": "Rabat-Salé",
        "valid_from": "2026-06-01",
        "valid_to": "2026-05-01",
    }
    # the service: the validity ends before it starts
    res = client.post(
        path,
        data={"csrf_token": csrf_token(client, path), **typed},
        headers={"Accept-Language": "fr"},
    )
    assert res.status_code == 422
    html = res.get_data(as_text=True)
    assert reason_beside(html, "lib-valid-to")
    for value in typed.values():
        if value != "distribution":
            assert f'value="{value}"' in html
    assert selected(html, "lib-kind") == ["distribution"]
    # the API's schema: the reference is required
    res = client.post(
        path,
        data={"csrf_token": csrf_token(client, path), **typed, "reference": ""},
        headers={"Accept-Language": "fr"},
    )
    assert res.status_code == 422
    html = res.get_data(as_text=True)
    assert reason_beside(html, "lib-reference")
    assert 'value="Wilaya de Rabat"' in html and "lib-authority-error" not in html
    assert rows(Authorization) == 0


def test_members_cannot_post_to_the_page(app, logged_in, world):
    client = logged_in(world.member)
    path = f"/associations/{world.a.id}/library"
    res = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "kind": "statutes",
            "title": "x",
            "file": (io.BytesIO(PDF), "x.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert res.status_code == 403


def test_overdue_items_are_highlighted(app, api, logged_in, world):
    filed = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=90)
    upload(
        api(world.assoc_admin), world.a.id, kind="provisional_receipt", valid_from=filed.isoformat()
    )
    client = logged_in(world.assoc_admin)
    library = client.get(f"/associations/{world.a.id}/library").get_data(as_text=True)
    assert "library-overdue" in library
    calendar = client.get(f"/associations/{world.a.id}/library/calendar").get_data(as_text=True)
    assert "obligation-overdue" in calendar
    assert (
        logged_in(world.outsider).get(f"/associations/{world.a.id}/library/calendar").status_code
        == 404
    )


def test_photo_consent_on_the_document_page(app, api, logged_in, world):
    doc_id = upload(
        api(world.assoc_admin), world.a.id, data=PNG, name="p.png", kind="photo"
    ).get_json()["id"]
    client = logged_in(world.assoc_admin)
    path = f"/library/documents/{doc_id}"
    refused = client.post(
        path, data={"csrf_token": csrf_token(client, path), "visibility": "public"}
    )
    assert refused.status_code == 422
    ok = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "action": "consent",
            "subject_label": "Amina",
            "scope": "public",
        },
    )
    assert ok.status_code == 303
    assert (
        client.post(
            path, data={"csrf_token": csrf_token(client, path), "visibility": "public"}
        ).status_code
        == 303
    )
    assert app.test_client().get(path).status_code == 200


def test_front_page_leads_to_guides_documents_and_calendar(client, logged_in, world):
    anonymous = client.get("/library", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert 'href="/library/pages/"' in anonymous and "Guides et modèles" in anonymous
    assert "library-association" not in anonymous
    html = logged_in(world.assoc_admin).get("/library").get_data(as_text=True)
    row = html.split('class="library-association"')[1].split("</li>")[0]
    assert f"/associations/{world.a.id}/library" in row
    assert f"/associations/{world.a.id}/library/calendar" in row
