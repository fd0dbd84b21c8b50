"""Accounts through the JSON API: register, tokens, me, profiles, and every bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.accounts.models import Credential, User
from app.db import db, utcnow
from tests.factories import PASSWORD, UserFactory
from tests.support.auth import bearer


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id))) or 0


def register(api, **fields):
    body = {"username": "amina", "email": "amina@example.org", "password": PASSWORD}
    body.update(fields)
    return api(None).post("/api/v1/auth/register", json=body)


def test_register_creates_an_account(api):
    response = register(api, display_name="أمينة", locale="ar")
    assert response.status_code == 201
    body = response.json
    assert body["username"] == "amina"
    assert body["display_name"] == "أمينة"
    assert body["locale"] == "ar"
    assert "password" not in body and "password_hash" not in body
    stored = db.session.get(User, body["id"])
    assert stored.password_hash.startswith("$argon2id$")


@pytest.mark.parametrize(
    ("fields", "conflict"),
    [
        ({"username": "AMINA", "email": "other@example.org"}, "username"),
        ({"username": "other", "email": "Amina@Example.org"}, "email"),
    ],
)
def test_duplicate_username_or_email_is_a_conflict(api, fields, conflict):
    assert register(api).status_code == 201
    response = register(api, **fields)
    assert response.status_code == 409
    assert response.json["error"]["code"] == "conflict"
    assert conflict in response.json["error"]["fields"]
    assert user_count() == 1


@pytest.mark.parametrize(
    ("fields", "bad_field"),
    [
        ({"username": "a"}, "username"),
        ({"username": "has space"}, "username"),
        ({"username": "x" * 33}, "username"),
        ({"username": ""}, "username"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@" + "b" * 300 + ".ma"}, "email"),
        ({"password": "short"}, "password"),
        ({"password": "p" * 300}, "password"),
        ({"display_name": "d" * 65}, "display_name"),
        ({"locale": "de"}, "locale"),
        ({"username": 42}, "username"),
        ({"password": ["list"]}, "password"),
    ],
)
def test_invalid_registration_fields_are_named(api, fields, bad_field):
    response = register(api, **fields)
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "validation_failed"
    assert bad_field in error["fields"]
    assert error["message"]
    assert user_count() == 0


def test_missing_fields_are_reported(api):
    response = api(None).post("/api/v1/auth/register", json={})
    assert response.status_code == 422
    assert {"username", "email", "password"} <= set(response.json["error"]["fields"])


@pytest.mark.parametrize(
    "payload",
    [b"{not json", b"\xff\xfe\xfa invalid utf-8", b'{"username": "a"', b"[]", b'"text"'],
)
def test_malformed_bodies_get_the_envelope(api, payload):
    response = api(None).post(
        "/api/v1/auth/register", data=payload, content_type="application/json"
    )
    assert response.status_code in (400, 422)
    assert set(response.json["error"]) == {"code", "message", "fields"}
    assert user_count() == 0


def test_token_by_username_or_email_and_me(api, user):
    for login in (user.username, user.email.upper()):
        response = api(None).post(
            "/api/v1/auth/tokens", json={"login": login, "password": PASSWORD}
        )
        assert response.status_code == 201, response.json
        token = response.json["token"]
        me = api(None).get("/api/v1/me", headers=bearer(token))
        assert me.status_code == 200
        assert me.json["id"] == user.id
        assert me.json["memberships"] == []


def test_unknown_user_and_wrong_password_answer_alike(api, user):
    wrong = api(None).post(
        "/api/v1/auth/tokens", json={"login": user.username, "password": "x" * 12}
    )
    unknown = api(None).post("/api/v1/auth/tokens", json={"login": "nobody", "password": "x" * 12})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json == unknown.json
    assert wrong.json["error"]["code"] == "invalid_credentials"


def test_inactive_user_cannot_get_a_token(api):
    inactive = UserFactory(is_active=False)
    response = api(None).post(
        "/api/v1/auth/tokens", json={"login": inactive.username, "password": PASSWORD}
    )
    assert response.status_code == 401


def test_revoked_token_is_refused(api, user):
    client = api(user)
    assert client.get("/api/v1/me").status_code == 200
    assert client.delete("/api/v1/auth/tokens/current").status_code == 204
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "invalid_token"


def test_expired_token_is_refused(api, user):
    client = api(user)
    cred = db.session.scalar(select(Credential).where(Credential.user_id == user.id))
    cred.expires_at = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/v1/me").status_code == 401


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer " + "x" * 5000, "Bearer \u0627"])
def test_invalid_tokens_are_refused(api, header):
    response = api(None).get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "invalid_token"


def test_me_requires_authentication(api):
    response = api(None).get("/api/v1/me")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"


def test_profile_edit_and_public_profile(api, user):
    client = api(user)
    response = client.patch(
        "/api/v1/me", json={"display_name": "  خديجة  ", "bio": "Hi", "locale": "fr"}
    )
    assert response.status_code == 200
    assert response.json["display_name"] == "خديجة"
    assert response.json["locale"] == "fr"
    public = api(None).get(f"/api/v1/users/{user.id}")
    assert public.status_code == 200
    assert public.json["display_name"] == "خديجة"
    assert "email" not in public.json
    assert api(None).get("/api/v1/users/999999").status_code == 404


def test_profile_edit_rejects_bad_values_and_changes_nothing(api, user):
    before = user.display_name
    response = api(user).patch("/api/v1/me", json={"display_name": "", "locale": "xx"})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(User, user.id).display_name == before


def test_password_change_ends_other_sessions(api, user):
    current = api(user)
    other = api(user)
    response = current.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "a brand new secret"},
    )
    assert response.status_code == 204
    assert current.get("/api/v1/me").status_code == 200
    assert other.get("/api/v1/me").status_code == 401
    relog = api(None).post(
        "/api/v1/auth/tokens", json={"login": user.username, "password": "a brand new secret"}
    )
    assert relog.status_code == 201


def test_password_change_needs_the_current_password(api, user):
    response = api(user).post(
        "/api/v1/me/password", json={"current_password": "wrong", "new_password": "whatever123"}
    )
    assert response.status_code == 422
    assert "current_password" in response.json["error"]["fields"]


def test_login_rate_limit(app, api, user):
    client = api(None)
    statuses = [
        client.post(
            "/api/v1/auth/tokens", json={"login": user.username, "password": "nope"}
        ).status_code
        for _ in range(11)
    ]
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429
    limited = client.post(
        "/api/v1/auth/tokens", json={"login": user.username, "password": PASSWORD}
    )
    assert limited.status_code == 429
    assert limited.json["error"]["code"] == "rate_limited"
    assert "Retry-After" in limited.headers


def test_registration_rate_limit(api):
    client = api(None)
    for n in range(5):
        body = {"username": f"person{n}", "email": f"p{n}@example.org", "password": PASSWORD}
        assert client.post("/api/v1/auth/register", json=body).status_code == 201
    body = {"username": "person9", "email": "p9@example.org", "password": PASSWORD}
    assert client.post("/api/v1/auth/register", json=body).status_code == 429
    assert user_count() == 5
