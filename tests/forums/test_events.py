"""The live ``/forums`` namespace: readers of an open topic get new replies; access-checked."""

from __future__ import annotations

import pytest
import socketio

from tests.factories import UserFactory
from tests.forums.factories import make_topic
from tests.support.sockets import Inbox


def test_anonymous_cannot_connect(sio_connect):
    with pytest.raises(socketio.exceptions.ConnectionError):
        sio_connect(None, namespaces=["/forums"])


def test_reader_receives_new_replies_and_edits(sio_connect, api, forum):
    reader = UserFactory()
    writer = UserFactory(display_name="يوسف")
    topic, _ = make_topic(forum=forum)
    client = sio_connect(reader, namespaces=["/forums"])
    new_posts = Inbox(client, "post_new", "/forums")
    updates = Inbox(client, "post_updated", "/forums")
    answer = client.call("topic_watch", {"topic_id": topic.id}, namespace="/forums", timeout=5)
    assert answer == {"ok": True, "topic_id": topic.id, "last_number": 1}
    posted = api(writer).post(
        f"/api/v1/topics/{topic.id}/posts", json={"body": "**Salam** @nobody"}
    )
    assert posted.status_code == 201
    assert new_posts.wait()
    post = new_posts.items[0]["post"]
    assert post["id"] == posted.json["id"] and post["number"] == 2
    assert post["body_html"].strip() == "<p><strong>Salam</strong> @nobody</p>"
    assert post["author"]["display_name"] == "يوسف"
    api(writer).patch(f"/api/v1/posts/{post['id']}", json={"body": "edited"})
    assert updates.wait()
    assert updates.items[0]["post"]["body_html"].strip() == "<p>edited</p>"


def test_watching_a_hidden_topic_is_refused(sio_connect, api, admin, forum):
    reader = UserFactory()
    topic, _ = make_topic(forum=forum)
    api(admin).patch(f"/api/v1/topics/{topic.id}", json={"hidden": True})
    client = sio_connect(reader, namespaces=["/forums"])
    new_posts = Inbox(client, "post_new", "/forums")
    answer = client.call("topic_watch", {"topic_id": topic.id}, namespace="/forums", timeout=5)
    assert answer["ok"] is False and answer["error"]["code"] == "not_found"
    bad = client.call("topic_watch", {"topic_id": "1; DROP"}, namespace="/forums", timeout=5)
    assert bad["ok"] is False and bad["error"]["code"] == "validation_failed"
    assert (
        api(admin).post(f"/api/v1/topics/{topic.id}/posts", json={"body": "mods only"}).status_code
        == 201
    )
    assert not new_posts.wait(1)


def test_held_posts_are_not_pushed(app, sio_connect, api, forum):
    topic, _ = make_topic(forum=forum)
    reader = UserFactory()
    client = sio_connect(reader, namespaces=["/forums"])
    new_posts = Inbox(client, "post_new", "/forums")
    client.call("topic_watch", {"topic_id": topic.id}, namespace="/forums", timeout=5)
    app.config["JAM3IA"] = app.config["JAM3IA"].with_changes(hold_first_posts=1)
    held = api(UserFactory()).post(f"/api/v1/topics/{topic.id}/posts", json={"body": "held"})
    assert held.json["pending"] is True
    assert not new_posts.wait(1)


def test_watchers_get_a_live_notification(sio_connect, api, forum):
    owner = UserFactory()
    topic, _ = make_topic(author=owner, forum=forum, title="Subventions 2026")
    client = sio_connect(owner, namespaces=["/notifications"])
    notes = Inbox(client, "notification_new", "/notifications")
    api(UserFactory(display_name="Nadia")).post(
        f"/api/v1/topics/{topic.id}/posts", json={"body": "Voici le lien"}
    )
    assert notes.wait()
    note = notes.items[0]["notification"]
    assert note["kind"] == "forum_reply" and "Subventions 2026" in note["text"]
