"""Password reset by mail, through the pages and the API, with a real SMTP server."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from app.accounts import reset
from app.config import Config
from app.db import db
from tests.conftest import csrf_token
from tests.factories import PASSWORD, UserFactory
from tests.mailbox import Mailbox, mailbox, text_of

__all__ = ["mailbox"]

BASE = "https://jam3ia.example.ma"
LINK_RE = re.compile(re.escape(BASE) + r"/password-reset/([A-Za-z0-9_.\-]+)")
NEW_PASSWORD = "a brand new secret 42"
NONCE_RE = re.compile(r'nonce="[^"]*"')
CSRF_RE = re.compile(r"I[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{20,}")


@pytest.fixture
def config(tmp_path: Path, database_url: str | None, mailbox: Mailbox) -> Config:
    return Config(
        env="testing",
        instance_path=tmp_path / "instance",
        database_url=database_url,
        secret_key="test-secret-key",
        base_url=BASE,
        mail_url=mailbox.url(),
    )


def _token_from(mailbox: Mailbox, index: int = 0) -> str:
    message = mailbox.wait(index + 1)[index]
    match = LINK_RE.search(text_of(message, "plain"))
    assert match, text_of(message, "plain")
    assert f'href="{match.group(0)}"' in text_of(message, "html")
    return match.group(1)


def test_the_api_mails_a_link_in_the_readers_language_that_works_once(app, api, mailbox):
    amina = UserFactory(locale="fr", email="Amina@example.org")
    other = api(amina)
    asked = api(None).post(
        "/api/v1/auth/password-reset",
        json={"email": "amina@EXAMPLE.org"},
        headers={"Host": "evil.example.com"},
    )
    assert asked.status_code == 202
    [message] = mailbox.wait(1)
    assert mailbox.recipients == [["Amina@example.org"]]
    assert message["Subject"] == "Réinitialisez votre mot de passe jam3ia"
    assert "evil.example.com" not in message.as_string()
    token = _token_from(mailbox)

    done = api(None).post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
    )
    assert done.status_code == 204
    assert other.get("/api/v1/me").status_code == 401  # every session and token ended
    relog = api(None).post(
        "/api/v1/auth/tokens", json={"login": amina.username, "password": NEW_PASSWORD}
    )
    assert relog.status_code == 201

    again = api(None).post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "password": "yet another 123"}
    )
    assert again.status_code == 400
    assert again.json["error"]["code"] == "invalid_token"


def test_an_arabic_reader_gets_an_arabic_right_to_left_mail(app, api, mailbox):
    UserFactory(locale="ar", email="salma@example.org")
    api(None).post("/api/v1/auth/password-reset", json={"email": "salma@example.org"})
    [message] = mailbox.wait(1)
    assert message["Subject"] == "أعد تعيين كلمة مرور jam3ia"
    assert 'dir="rtl"' in text_of(message, "html")


def test_an_unknown_address_gets_the_same_answer_and_no_mail(app, api, client, mailbox):
    UserFactory(email="known@example.org")
    known = api(None).post("/api/v1/auth/password-reset", json={"email": "known@example.org"})
    unknown = api(None).post("/api/v1/auth/password-reset", json={"email": "nobody@example.org"})
    assert (unknown.status_code, unknown.get_data()) == (known.status_code, known.get_data())
    assert len(mailbox.wait(2, timeout=1.0)) == 1

    pages = []
    for address in ("known@example.org", "nobody@example.org"):
        token = csrf_token(client, "/password-reset")
        response = client.post(
            "/password-reset", data={"email": address, "csrf_token": token}, follow_redirects=True
        )
        # CSRF tokens are signed with a timestamp: a second boundary between the two posts
        # changes them, so every token on the page is blanked, not only the one sent
        page = CSRF_RE.sub("", response.get_data(as_text=True))
        pages.append((response.status_code, NONCE_RE.sub("", page)))
    assert pages[0] == pages[1]
    assert len(mailbox.wait(3, timeout=1.0)) == 2


def test_the_link_expires_after_one_hour(app, api, mailbox, monkeypatch):
    user = UserFactory(email="late@example.org")
    api(None).post("/api/v1/auth/password-reset", json={"email": "late@example.org"})
    token = _token_from(mailbox)
    later = time.time() + reset.RESET_MAX_AGE + 5
    monkeypatch.setattr(reset, "clock", lambda: later)
    response = api(None).post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
    )
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_token"
    assert (
        api(None)
        .post("/api/v1/auth/tokens", json={"login": user.username, "password": PASSWORD})
        .status_code
        == 201
    )


def test_the_new_password_follows_the_registration_rules(app, api, mailbox):
    UserFactory(email="short@example.org")
    api(None).post("/api/v1/auth/password-reset", json={"email": "short@example.org"})
    token = _token_from(mailbox)
    response = api(None).post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "password": "short"}
    )
    assert response.status_code == 422
    assert "password" in response.json["error"]["fields"]


def test_the_pages_reset_the_password_and_end_other_sessions(app, client, logged_in, mailbox):
    user = UserFactory(locale="fr", email="page@example.org")
    elsewhere = logged_in(user)
    assert "/password-reset" in client.get("/login").get_data(as_text=True)
    response = client.post(
        "/password-reset",
        data={"email": "page@example.org", "csrf_token": csrf_token(client, "/password-reset")},
    )
    assert response.status_code == 302
    token = _token_from(mailbox)
    page = client.get(f"/password-reset/{token}")
    assert page.status_code == 200
    response = client.post(
        f"/password-reset/{token}",
        data={
            "password": NEW_PASSWORD,
            "csrf_token": csrf_token(client, f"/password-reset/{token}"),
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert elsewhere.get("/settings").status_code == 302  # signed out
    db.session.expire_all()
    again = client.get(f"/password-reset/{token}")
    assert again.status_code == 302 and again.headers["Location"].endswith("/password-reset")
