"""Refused input answers one way (``app.api.invalid``): a 422 with a stable code and, per
field, the message a person reads beside it."""

from __future__ import annotations

from tests.directory.factories import MembershipFactory
from tests.factories import UserFactory


def _error(res) -> dict:
    assert res.status_code == 422, res.get_json()
    return res.get_json()["error"]


def test_an_upload_without_a_file_is_refused_on_the_file_field(app, api, world):
    res = api(world.assoc_admin).post(
        f"/api/v1/associations/{world.a.id}/documents",
        data={"kind": "statutes", "title": "Statuts"},
        content_type="multipart/form-data",
    )
    error = _error(res)
    assert error["code"] == "validation_failed"
    assert error["fields"] == {"file": [error["message"]]}


def test_a_schema_refusal_names_each_field(app, api, world):
    res = api(world.assoc_admin).post(
        f"/api/v1/associations/{world.a.id}/authorizations",
        json={"kind": "public_appeal", "authority": "Wilaya"},
    )
    error = _error(res)
    assert error["code"] == "validation_failed"
    assert set(error["fields"]) == {"reference", "valid_from", "valid_to"}
    assert all(isinstance(m, list) and m for m in error["fields"].values())


def test_a_knowledge_refusal_tells_the_person_what_is_wrong_beside_the_field(app, api, world):
    editor = UserFactory()
    MembershipFactory(user=editor, association=world.a, role="admin")
    path = f"/api/v1/associations/{world.a.id}/pages"
    error = _error(api(editor).post(path, json={"title": "  ", "body": "x"}))
    assert error["code"] == "invalid"
    assert error["fields"] == {"title": [error["message"]]}
    error = _error(api(editor).post(path, json={"title": "Guide", "body": "x" * 100_001}))
    assert error["fields"] == {"body": [error["message"]]}


def test_a_report_refusal_tells_the_person_what_is_wrong_beside_the_field(app, api, world):
    path = f"/api/v1/associations/{world.a.id}/activity-reports"
    error = _error(api(world.assoc_admin).post(path, json={"title": " ", "held_on": "2026-10-03"}))
    assert error["code"] == "invalid"
    assert error["fields"] == {"title": [error["message"]]}
