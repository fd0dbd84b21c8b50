"""Media consent and who sees what (the role x action matrix of the library)."""

from __future__ import annotations

import pytest

from tests.library.conftest import PDF, PNG, upload

VIEW = {
    # visibility -> roles that see an association's document
    "admins": {"assoc_admin", "platform_admin"},
    "members": {"member", "assoc_admin", "platform_admin"},
    "network": {"member", "assoc_admin", "platform_admin", "outsider", "other_admin"},
    "public": {"member", "assoc_admin", "platform_admin", "outsider", "other_admin", "anonymous"},
}


@pytest.mark.parametrize("visibility", list(VIEW))
def test_visibility_matrix_on_every_face(app, api, world, visibility):
    doc_id = upload(api(world.assoc_admin), world.a.id, visibility=visibility).get_json()["id"]
    for role, person in world.people().items():
        client = api(person)
        expected = 200 if role in VIEW[visibility] else 404
        assert client.get(f"/api/v1/documents/{doc_id}").status_code == expected, role
        assert client.get(f"/api/v1/documents/{doc_id}/versions").status_code == expected, role
        assert client.get(f"/api/v1/documents/{doc_id}/versions/1/file").status_code == expected, (
            role
        )
        listed = client.get(f"/api/v1/associations/{world.a.id}/documents").get_json()["items"]
        assert (doc_id in [d["id"] for d in listed]) == (role in VIEW[visibility]), role
        page = app.test_client()
        if person is not None:
            from tests.conftest import login

            login(page, person)
        assert page.get(f"/library/documents/{doc_id}").status_code == expected, role


def test_manage_matrix(app, api, world):
    doc_id = upload(api(world.assoc_admin), world.a.id, visibility="public").get_json()["id"]
    expected = {
        "anonymous": 401,
        "outsider": 403,
        "member": 403,
        "other_admin": 403,
        "assoc_admin": 201,
        "platform_admin": 201,
    }
    for role, person in world.people().items():
        res = upload(api(person), world.a.id)
        assert res.status_code == expected[role], role
        patch = api(person).patch(f"/api/v1/documents/{doc_id}", json={"title": "x"})
        assert patch.status_code == (200 if expected[role] == 201 else expected[role]), role
        auth = api(person).post(
            f"/api/v1/associations/{world.a.id}/authorizations",
            json={
                "kind": "distribution",
                "authority": "Province",
                "reference": f"R-{role}",
                "valid_from": "2026-01-01",
                "valid_to": "2026-12-31",
            },
        )
        assert auth.status_code == expected[role], role
    # the calendar and authorisations: members see, others get 404
    for role, person in world.people().items():
        seen = api(person).get(f"/api/v1/associations/{world.a.id}/obligations").status_code
        assert seen == (200 if role in ("member", "assoc_admin", "platform_admin") else 404), role


def test_photo_beyond_members_needs_consent(app, api, world):
    client = api(world.assoc_admin)
    refused = upload(client, world.a.id, data=PNG, name="p.png", kind="photo", visibility="public")
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "consent_required"
    doc_id = upload(client, world.a.id, data=PNG, name="p.png", kind="photo").get_json()["id"]
    assert (
        client.patch(f"/api/v1/documents/{doc_id}", json={"visibility": "network"}).status_code
        == 422
    )
    assert client.get(f"/api/v1/documents/{doc_id}").get_json()["visibility"] == "members"
    narrow = client.post(
        f"/api/v1/documents/{doc_id}/consents",
        json={"subject_label": "Amina", "scope": "members"},
    )
    assert narrow.status_code == 201
    assert (
        client.patch(f"/api/v1/documents/{doc_id}", json={"visibility": "public"}).status_code
        == 422
    )
    minor = client.post(
        f"/api/v1/documents/{doc_id}/consents",
        json={"subject_label": "Yassine", "minor": True, "scope": "public"},
    )
    assert minor.status_code == 422
    assert minor.get_json()["error"]["code"] == "guardian_required"
    client.delete(f"/api/v1/documents/{doc_id}/consents/{narrow.get_json()['id']}")
    ok = client.post(
        f"/api/v1/documents/{doc_id}/consents",
        json={
            "subject_label": "Yassine",
            "minor": True,
            "guardian_label": "Said",
            "scope": "public",
        },
    )
    assert ok.status_code == 201
    assert (
        client.patch(f"/api/v1/documents/{doc_id}", json={"visibility": "public"}).status_code
        == 200
    )
    assert api(None).get(f"/api/v1/documents/{doc_id}").status_code == 200
    # withdrawing drops the photo to private at once
    res = client.delete(f"/api/v1/documents/{doc_id}/consents/{ok.get_json()['id']}")
    assert res.status_code == 200
    assert res.get_json()["visibility"] == "admins"
    assert api(None).get(f"/api/v1/documents/{doc_id}").status_code == 404
    assert api(world.member).get(f"/api/v1/documents/{doc_id}").status_code == 404


def test_consent_labels_are_encrypted_at_rest(app, api, world):
    from sqlalchemy import text

    from app.db import db

    client = api(world.assoc_admin)
    doc_id = upload(client, world.a.id, data=PNG, name="p.png", kind="photo").get_json()["id"]
    client.post(
        f"/api/v1/documents/{doc_id}/consents",
        json={"subject_label": "Fatima Zahra", "scope": "network"},
    )
    raw = db.session.execute(text("SELECT subject_label FROM library_media_consents")).scalar()
    assert "Fatima" not in raw
    assert "Fatima" not in str(client.get(f"/api/v1/documents/{doc_id}").get_json())


def test_network_documents_are_managed_by_platform_admins(app, api, world):
    import io

    def post(person):
        return api(person).post(
            "/api/v1/documents",
            data={
                "file": (io.BytesIO(PDF), "guide.pdf"),
                "kind": "guide",
                "title": "Guide",
                "visibility": "network",
            },
            content_type="multipart/form-data",
        )

    assert post(world.assoc_admin).status_code == 403
    res = post(world.platform_admin)
    assert res.status_code == 201
    assert [d["id"] for d in api(world.outsider).get("/api/v1/documents").get_json()["items"]] == [
        res.get_json()["id"]
    ]
    assert api(None).get("/api/v1/documents").get_json()["items"] == []
