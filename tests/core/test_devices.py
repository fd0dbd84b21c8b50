"""The settings list each signed-in device as its owner knows it, not as a raw User-Agent."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.accounts.devices import device_label
from app.accounts.models import Credential
from app.db import db, utcnow
from tests.conftest import csrf_token
from tests.factories import PASSWORD, UserFactory


@pytest.mark.parametrize(
    ("agent", "label"),
    [
        (
            "Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) "
            "SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
            "Samsung Internet · Android",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
            "Safari · iPhone",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51",
            "Edge · Windows",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
            "Firefox · Linux",
        ),
        ("curl/8.5.0", "curl/8.5.0"),
        ("", ""),
    ],
)
def test_device_label(agent, label):
    assert device_label(agent) == label


def test_settings_name_the_device_inside_an_isolate(app, client):
    person = UserFactory(locale="ar")
    agent = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/121.0 Mobile Safari/537.36"
    token = csrf_token(client, "/login")
    client.post(
        "/login",
        data={"login": person.username, "password": PASSWORD, "csrf_token": token},
        headers={"User-Agent": agent},
    )
    html = client.get("/settings").get_data(as_text=True)
    assert "<bdi>Chrome · Android</bdi>" in html
    assert "AppleWebKit" not in html


def test_a_token_used_after_a_while_records_when_it_was_last_used(app, api, user):
    """The settings list each session with when it was last used: a request with a credential
    not touched for a while stores the time (in its own small transaction) and answers."""
    client = api(user)
    credential = db.session.scalar(select(Credential).where(Credential.user_id == user.id))
    long_ago = utcnow() - dt.timedelta(days=3)
    credential.last_used_at = long_ago
    db.session.commit()
    assert client.get("/api/v1/me").status_code == 200
    db.session.expire_all()
    assert db.session.get(Credential, credential.id).last_used_at > long_ago
