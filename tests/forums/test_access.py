"""Who may do what on forum objects: the denied rows as explicit as the allowed ones."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory
from tests.forums.factories import ForumFactory, make_topic
from tests.support import world as make


@pytest.fixture
def world(app, api):
    """A forum with a moderator, a hidden topic, and a visible topic with a hidden and a
    deleted reply."""
    mod = make.person()
    forum = make.forum(moderators=[mod])
    admin = make.person(is_admin=True)
    author = make.person()
    hidden_topic, hidden_first = make.topic(author, forum)
    api(admin).patch(f"/api/v1/topics/{hidden_topic.id}", json={"hidden": True})
    topic, first = make.topic(author, forum)
    hidden_reply = make.reply(author, topic, "hidden reply")
    api(mod).post(f"/api/v1/posts/{hidden_reply.id}/moderate", json={"action": "hide"})
    deleted_reply = make.reply(author, topic, "deleted reply")
    api(author).delete(f"/api/v1/posts/{deleted_reply.id}")
    return {
        "forum": forum,
        "mod": mod,
        "admin": admin,
        "author": author,
        "hidden_topic": hidden_topic,
        "hidden_first": hidden_first,
        "topic": topic,
        "first": first,
        "hidden_reply": hidden_reply,
        "deleted_reply": deleted_reply,
    }


def test_members_cannot_reach_a_hidden_topic_in_any_way(api, world):
    member = api(UserFactory())
    tid, pid = world["hidden_topic"].id, world["hidden_first"].id
    assert member.get(f"/api/v1/topics/{tid}").status_code == 404
    assert member.get(f"/api/v1/topics/{tid}/posts?after_number=0").status_code == 404
    assert member.put(f"/api/v1/topics/{tid}/watch").status_code == 404
    assert member.post(f"/api/v1/topics/{tid}/read", json={"number": 1}).status_code == 404
    assert member.get(f"/api/v1/posts/{pid}/revisions").status_code == 404
    assert member.post(f"/api/v1/posts/{pid}/flags", json={"reason": "spam"}).status_code == 404
    assert member.patch(f"/api/v1/posts/{pid}", json={"body": "x"}).status_code == 404
    assert api(world["mod"]).get(f"/api/v1/topics/{tid}").status_code == 200
    assert api(world["admin"]).get(f"/api/v1/topics/{tid}").status_code == 200


def test_hidden_and_deleted_posts_are_placeholders_for_members(api, world):
    member = api(UserFactory())
    for post in (world["hidden_reply"], world["deleted_reply"]):
        assert member.get(f"/api/v1/posts/{post.id}").status_code == 404
        assert member.get(f"/api/v1/posts/{post.id}/revisions").status_code == 404
        assert (
            member.post(f"/api/v1/posts/{post.id}/reactions", json={"kind": "like"}).status_code
            == 404
        )
    # Moderators read both; the author reads their hidden post but not the deleted one.
    for post in (world["hidden_reply"], world["deleted_reply"]):
        assert api(world["mod"]).get(f"/api/v1/posts/{post.id}").status_code == 200
    assert api(world["author"]).get(f"/api/v1/posts/{world['hidden_reply'].id}").status_code == 200
    assert api(world["author"]).get(f"/api/v1/posts/{world['deleted_reply'].id}").status_code == 404


def test_moderation_rights_stop_at_the_forum(api, world):
    other_topic, other_first = make_topic(forum=ForumFactory())
    mod = api(world["mod"])
    assert mod.patch(f"/api/v1/topics/{other_topic.id}", json={"pinned": True}).status_code == 403
    assert (
        mod.post(f"/api/v1/posts/{other_first.id}/moderate", json={"action": "hide"}).status_code
        == 403
    )
    assert mod.patch(f"/api/v1/posts/{other_first.id}", json={"body": "x"}).status_code == 403
    assert mod.delete(f"/api/v1/posts/{other_first.id}").status_code == 403
    assert (
        mod.patch(f"/api/v1/topics/{world['topic'].id}", json={"pinned": True}).status_code == 200
    )
    assert (
        mod.patch(f"/api/v1/posts/{world['first'].id}", json={"body": "moderated"}).status_code
        == 200
    )


def test_moderator_only_endpoints_refuse_others(api, world):
    pid = world["first"].id
    for who in (UserFactory(), world["author"]):
        client = api(who)
        assert client.get("/api/v1/forums/moderation").status_code == 403
        assert (
            client.post(f"/api/v1/posts/{pid}/moderate", json={"action": "hide"}).status_code == 403
        )
        assert (
            client.patch(f"/api/v1/topics/{world['topic'].id}", json={"locked": True}).status_code
            == 403
        )
    assert api(None).get("/api/v1/forums/moderation").status_code == 401
    bad = api(world["mod"]).post(f"/api/v1/posts/{pid}/moderate", json={"action": "explode"})
    assert bad.status_code == 422


def test_locked_topic_refuses_author_edits_but_not_moderators(api, world):
    api(world["mod"]).patch(f"/api/v1/topics/{world['topic'].id}", json={"locked": True})
    edit = api(world["author"]).patch(
        f"/api/v1/posts/{world['first'].id}", json={"body": "late edit"}
    )
    assert edit.status_code == 409 and edit.json["error"]["code"] == "topic_locked"
    assert (
        api(world["mod"])
        .patch(f"/api/v1/posts/{world['first'].id}", json={"body": "ok"})
        .status_code
        == 200
    )


def test_socket_cannot_watch_hidden_or_held_topics(app, sio_connect, api, world):
    app.config["JAM3IA"] = app.config["JAM3IA"].with_changes(hold_first_posts=1)
    newcomer = UserFactory()
    held = (
        api(newcomer)
        .post(
            f"/api/v1/forums/{world['forum'].id}/topics",
            json={"title": "Held topic", "body": "wait"},
        )
        .json["topic"]
    )
    client = sio_connect(UserFactory(), namespaces=["/forums"])
    for topic_id in (world["hidden_topic"].id, held["id"], 999_999):
        answer = client.call("topic_watch", {"topic_id": topic_id}, namespace="/forums", timeout=5)
        assert answer["ok"] is False and answer["error"]["code"] == "not_found"
    mod = sio_connect(world["mod"], namespaces=["/forums"])
    assert mod.call("topic_watch", {"topic_id": held["id"]}, namespace="/forums", timeout=5)["ok"]
    own = sio_connect(newcomer, namespaces=["/forums"])
    assert own.call("topic_watch", {"topic_id": held["id"]}, namespace="/forums", timeout=5)["ok"]
