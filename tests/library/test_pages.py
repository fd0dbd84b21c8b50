"""The library pages: upload form, refusals shown translated, document page, calendar."""

from __future__ import annotations

import datetime as dt
import io

from sqlalchemy import func, select

from app.db import db
from library.models import LibraryDocument
from tests.conftest import csrf_token
from tests.library.conftest import PDF, PNG, stored_files, upload


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
