"""Post edits are versioned: a stale edit answers 409 (API) or a clear message that keeps the
text (page) instead of overwriting someone else's change; real threads race two editors."""

from __future__ import annotations

import threading
import time
from typing import Any

from app.db import db
from forums import services
from forums.models import Post
from tests.conftest import csrf_token
from tests.factories import UserFactory
from tests.forums.factories import ForumModeratorFactory, make_topic


def test_post_edits_are_versioned(app, api, monkeypatch):
    author = UserFactory()
    topic, post = make_topic(author=author, body="Premier jet")
    client = api(author)
    got = client.get(f"/api/v1/posts/{post.id}")
    assert got.get_json()["version"] == 1 and got.headers["ETag"] == '"1"'
    saved = client.patch(f"/api/v1/posts/{post.id}", json={"body": "v2"}, headers={"If-Match": "1"})
    assert saved.status_code == 200 and saved.get_json()["version"] == 2
    stale = client.patch(f"/api/v1/posts/{post.id}", json={"body": "old", "version": 1})
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "edit_conflict"
    db.session.expire_all()
    assert db.session.get(Post, post.id).body == "v2"
    # a moderator and the author edit at once from version 2: one wins
    moderator = UserFactory()
    ForumModeratorFactory(forum_id=topic.forum_id, user_id=moderator.id)
    real = services.clean_body

    def slow(body: Any) -> str:
        time.sleep(0.4)
        return real(body)

    monkeypatch.setattr(services, "clean_body", slow)
    mod_client = api(moderator)
    path = f"/api/v1/posts/{post.id}"
    barrier = threading.Barrier(2)
    results: list[int] = []

    def run(c: Any, body: str) -> None:
        barrier.wait()
        results.append(c.patch(path, json={"body": body}, headers={"If-Match": '"2"'}).status_code)

    threads = [
        threading.Thread(target=run, args=(client, "author's")),
        threading.Thread(target=run, args=(mod_client, "moderator's")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == [200, 409]
    db.session.expire_all()
    assert db.session.get(Post, post.id).version == 3


def test_edit_post_page_reports_a_conflict_and_keeps_the_text(app, api, logged_in):
    author = UserFactory()
    _topic, post = make_topic(author=author, body="Premier jet")
    browser = logged_in(author)
    form = browser.get(f"/posts/{post.id}/edit").get_data(as_text=True)
    assert 'name="version" value="1"' in form
    assert api(author).patch(f"/api/v1/posts/{post.id}", json={"body": "v2"}).status_code == 200
    token = csrf_token(browser, f"/posts/{post.id}/edit")
    answer = browser.post(
        f"/posts/{post.id}/edit",
        data={"csrf_token": token, "body": "Mon long texte", "title": "Titre", "version": "1"},
    )
    assert answer.status_code == 409
    page = answer.get_data(as_text=True)
    # the pages speak Arabic by default
    assert "عدّل شخص آخر" in page and "Mon long texte" in page
    assert "<p>v2</p>" in page  # their version is shown above the form
    assert 'name="version" value="2"' in page  # saving again applies the editor's text
    db.session.expire_all()
    assert db.session.get(Post, post.id).body == "v2"
    again = browser.post(
        f"/posts/{post.id}/edit",
        data={"csrf_token": token, "body": "Mon long texte", "title": "Titre", "version": "2"},
    )
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.get(Post, post.id).body == "Mon long texte"
