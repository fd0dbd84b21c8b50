"""Markdown is rendered once, when a post is written: the pages and API that show posts, their
history, quotes and search snippets reuse the stored HTML and stay bounded (issue 15, item 1)."""

from __future__ import annotations

from typing import Any

import pytest

from app import markdown
from tests.forums.factories import make_reply, make_topic

#: 19,998 characters (within a post's 20,000) that took a second to render and made 240 KB.
BOMB = "a.ma/[" * 3333


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes of the Markdown sources parsed while the test runs."""
    markdown._render_cached.cache_clear()
    parser = markdown._parser()
    original = parser.render
    calls: list[int] = []

    def counting(source: str, env: Any = None) -> str:
        calls.append(len(source))
        return original(source, env)

    monkeypatch.setattr(parser, "render", counting)
    return calls


def test_history_page_and_api_reuse_stored_html_and_stay_bounded(api, client, user, forum, renders):
    topic, first = make_topic(author=user, forum=forum, body="version zéro")
    edits = 4
    for i in range(edits):
        response = api(user).patch(f"/api/v1/posts/{first.id}", json={"body": f"{BOMB} {i}"})
        assert response.status_code == 200, response.json
    assert len(renders) == 1 + edits  # once per write: the topic, then each edit
    renders.clear()

    page = client.get(f"/posts/{first.id}/history")
    history = api(None).get(f"/api/v1/posts/{first.id}/revisions")
    topic_page = client.get(f"/topics/{topic.id}")
    topic_api = api(None).get(f"/api/v1/topics/{topic.id}")
    assert page.status_code == history.status_code == 200
    assert topic_page.status_code == topic_api.status_code == 200
    assert renders == []  # nothing parsed on view
    assert len(history.json["items"]) == edits
    assert "version zéro" in history.json["items"][-1]["body_html"]
    # Each version weighs a few times its source (it made 240 KB each before).
    bound = (edits + 1) * 4 * len(BOMB)
    assert len(page.data) < bound and len(history.data) < bound
    assert len(topic_page.data) < 6 * len(BOMB) and len(topic_api.data) < 6 * len(BOMB)


def test_quotes_and_search_snippets_come_from_stored_text(api, user, forum, renders):
    topic, first = make_topic(
        author=user,
        forum=forum,
        title="Coût du rendu",
        body="**Bénévoles** recherchés " + BOMB[:19_000],
    )
    reply = make_reply(user, topic, "Je cite", quote=first.id)
    renders.clear()

    found = api(None).get("/api/v1/search", query_string={"q": "benevole", "scope": "all"})
    assert found.status_code == 200
    hits = {(hit["type"], hit["id"]): hit for hit in found.json["items"]}
    assert {("topics", topic.id), ("posts", first.id)} <= set(hits)
    for hit in hits.values():
        assert hit["snippet"].startswith("Bénévoles recherchés") and len(hit["snippet"]) <= 200
    posts = api(None).get(f"/api/v1/topics/{topic.id}").json["posts"]["items"]
    quote = next(p for p in posts if p["id"] == reply.id)["quote"]
    assert quote["excerpt"].startswith("Bénévoles recherchés") and len(quote["excerpt"]) <= 301
    assert renders == []
