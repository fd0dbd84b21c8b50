"""The people picker: who a person may start a chat with, by display name or username, and the
new-conversation form preselecting somebody (``/chat?with=<user id>``)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from app.accounts import blocks
from app.config import Config
from app.db import db
from tests.factories import UserFactory


@pytest.fixture
def config(config: Config) -> Config:
    return replace(config, rate_limits={"people_search": "3 per minute"})


def _ids(response: Any) -> list[int]:
    assert response.status_code == 200
    return [p["id"] for p in response.json["people"]]


def test_finds_people_by_display_name_and_username(logged_in: Any) -> None:
    me = UserFactory(username="amina", display_name="Amina")
    karim = UserFactory(username="kbennani", display_name="كريم بناني")
    UserFactory(username="other", display_name="Someone")
    client = logged_in(me)
    assert _ids(client.get("/chat/people?q=كريم")) == [karim.id]
    found = client.get("/chat/people?q=KBENN").json["people"]
    assert found == [{"id": karim.id, "username": "kbennani", "display_name": "كريم بناني"}]


def test_leaves_out_self_blocked_both_ways_and_inactive(logged_in: Any) -> None:
    me = UserFactory(username="nadia1", display_name="Nadia")
    ok = UserFactory(username="nadia2", display_name="Nadia B")
    i_blocked = UserFactory(username="nadia3", display_name="Nadia C")
    blocked_me = UserFactory(username="nadia4", display_name="Nadia D")
    gone = UserFactory(username="nadia5", display_name="Nadia E", is_active=False)
    blocks.block(me, i_blocked.id)
    blocks.block(blocked_me, me.id)
    db.session.commit()
    assert gone.id
    assert _ids(logged_in(me).get("/chat/people?q=nadia")) == [ok.id]


def test_short_or_wildcard_queries_find_nobody(logged_in: Any) -> None:
    me = UserFactory()
    UserFactory(username="percent", display_name="100% bénévole")
    client = logged_in(me)
    assert _ids(client.get("/chat/people?q=")) == []
    assert _ids(client.get("/chat/people?q=%25")) == []
    assert _ids(client.get("/chat/people?q=_")) == []


def test_needs_sign_in_and_is_rate_limited(client: Any, logged_in: Any) -> None:
    assert client.get("/chat/people?q=ami").status_code in (302, 401)
    browser = logged_in(UserFactory())
    codes = [browser.get("/chat/people?q=ami").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_new_conversation_preselects_a_person(logged_in: Any) -> None:
    me, karim = UserFactory(), UserFactory(username="karim_b", display_name="Karim")
    html = logged_in(me).get(f"/chat?with={karim.id}").get_data(as_text=True)
    assert 'name="usernames"' in html and 'value="karim_b"' in html
    assert 'class="chat-new" open' in html
    assert "<bdi>Karim</bdi>" in html  # a Latin name inside an Arabic sentence keeps its place


def test_preselect_ignores_people_one_may_not_message(logged_in: Any) -> None:
    me, blocker = UserFactory(), UserFactory(username="blocker_x")
    blocks.block(blocker, me.id)
    db.session.commit()
    client = logged_in(me)
    for query in (f"?with={blocker.id}", f"?with={me.id}", "?with=999999", "?with=abc"):
        page = client.get(f"/chat{query}")
        assert page.status_code == 200
        assert 'value="blocker_x"' not in page.get_data(as_text=True)
