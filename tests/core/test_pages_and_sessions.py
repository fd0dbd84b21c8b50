"""Browser-style sessions: forms, CSRF, cookies, logout revocation, headers, languages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.db import db
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD


def test_register_through_the_form_signs_in(client):
    token = csrf_token(client, "/register")
    response = client.post(
        "/register",
        data={
            "username": "omar",
            "display_name": "Omar",
            "email": "omar@example.org",
            "password": PASSWORD,
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    home = client.get("/")
    assert "Omar" in home.get_data(as_text=True)


def test_register_form_shows_errors_and_keeps_nothing(client):
    token = csrf_token(client, "/register")
    response = client.post(
        "/register",
        data={"username": "x", "email": "bad", "password": "1", "csrf_token": token},
        headers={"Accept-Language": "fr"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in html
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_form_without_csrf_token_is_rejected(client, user):
    client.get("/login")  # a session cookie exists, as in any browser
    response = client.post(
        "/login",
        data={"login": user.username, "password": PASSWORD},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    assert "CSRF token is missing" in response.get_data(as_text=True)
    assert client.get("/settings").status_code == 302  # not signed in


def test_cookie_authenticated_json_needs_csrf(logged_in, user):
    browser = logged_in(user)
    refused = browser.patch("/api/v1/me", json={"display_name": "Changed"})
    assert refused.status_code == 400
    assert refused.json["error"]["code"] == "csrf_failed"
    token = csrf_token(browser, "/")
    accepted = browser.patch(
        "/api/v1/me", json={"display_name": "Changed"}, headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 200
    assert accepted.json["display_name"] == "Changed"


def test_wrong_password_form_says_the_same_as_unknown_user(client, user):
    answers = []
    for login_name in (user.username, "nobody-here"):
        token = csrf_token(client)
        response = client.post(
            "/login", data={"login": login_name, "password": "wrong-password", "csrf_token": token}
        )
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        answers.append(re.search(r'class="field-error"[^>]*>([^<]*)<', html).group(1))
    assert answers[0] == answers[1]


def test_session_cookie_flags(client, user):
    token = csrf_token(client)
    response = client.post(
        "/login", data={"login": user.username, "password": PASSWORD, "csrf_token": token}
    )
    cookie = response.headers["Set-Cookie"]
    assert "jam3ia_session=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_production_cookies_are_secure(app_factory_production):
    client = app_factory_production.test_client()
    response = client.get("/login", base_url="https://jam3ia.example")
    assert "Secure" in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" in response.headers


def test_logout_revokes_a_copied_session_cookie(app, client, user):
    login(client, user)
    cookie = client.get_cookie("jam3ia_session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("jam3ia_session", cookie.value)
    assert thief.get("/settings").status_code == 200

    token = csrf_token(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    response = thief.get("/settings")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_settings_page_requires_login(client):
    response = client.get("/settings")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_open_redirect_is_refused(client, user):
    token = csrf_token(client)
    response = client.post(
        "/login?next=//evil.example/x",
        data={"login": user.username, "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_password_change_page_signs_out_other_sessions(app, logged_in, user):
    first = logged_in(user)
    second = logged_in(user)
    token = csrf_token(first, "/settings")
    response = first.post(
        "/settings",
        data={
            "action": "password",
            "pw-current_password": PASSWORD,
            "pw-new_password": "another long secret",
            "pw-csrf_token": token,
            "csrf_token": token,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert first.get("/settings").status_code == 200
    assert second.get("/settings").status_code == 302


def test_security_headers_and_nonce_csp(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    # Every script tag on the page carries the nonce; no inline script exists.
    html = response.get_data(as_text=True)
    for tag in re.findall(r"<script[^>]*>", html):
        assert f'nonce="{nonce}"' in tag and "src=" in tag
    assert client.get("/").headers["Content-Security-Policy"] != csp  # fresh nonce per response


@pytest.mark.parametrize(
    ("accept", "lang", "direction", "text"),
    [
        ("fr-FR,fr;q=0.9", "fr", "ltr", "Le réseau des associations"),
        ("en-US,en;q=0.8", "en", "ltr", "The network of associations"),
        ("ar-MA,ar;q=0.9", "ar", "rtl", "شبكة الجمعيات"),
        ("de-DE", "ar", "rtl", "شبكة الجمعيات"),
        (None, "ar", "rtl", "شبكة الجمعيات"),
    ],
)
def test_locale_from_accept_language_then_arabic(client, accept, lang, direction, text):
    headers = {"Accept-Language": accept} if accept else {}
    html = client.get("/", headers=headers).get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{direction}">' in html
    assert text in html


def test_language_switcher_beats_the_browser_and_user_choice_beats_both(client, user):
    token = csrf_token(client, "/")
    client.post("/language", data={"locale": "fr", "csrf_token": token})
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in html
    user.locale = "en"
    db.session.commit()
    login(client, user)
    html = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in html


def test_unknown_language_is_refused(client):
    token = csrf_token(client, "/")
    assert client.post("/language", data={"locale": "xx", "csrf_token": token}).status_code == 400


def test_html_404_page_and_json_404(client):
    page = client.get("/no-such-page", headers={"Accept-Language": "fr"})
    assert page.status_code == 404
    assert "<html" in page.get_data(as_text=True)
    assert "Introuvable." in page.get_data(as_text=True)
    api = client.get("/api/v1/no-such-thing", headers={"Accept-Language": "en"})
    assert api.status_code == 404
    assert api.json == {"error": {"code": "not_found", "message": "Not found.", "fields": {}}}


def test_profile_page_renders_user_text_safely(client, user):
    user.bio = "<script>alert(1)</script> **bold** [x](javascript:alert(1))"
    user.display_name = "<img src=x onerror=alert(1)>"
    db.session.commit()
    html = client.get(f"/users/{user.id}").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "onerror=alert" not in html.replace("&lt;img src=x onerror=alert(1)&gt;", "")
    assert 'href="javascript:' not in html
    assert "<strong>bold</strong>" in html


def test_a_renamed_session_cookie_still_needs_csrf(app, logged_in, user):
    app.config["SESSION_COOKIE_NAME"] = "__Host-session"  # an operator's choice
    browser = logged_in(user)
    refused = browser.patch("/api/v1/me", json={"display_name": "Changed"})
    assert refused.status_code == 400
    assert refused.json["error"]["code"] == "csrf_failed"
