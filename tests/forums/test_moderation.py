"""Moderation: flags, the queue, hide/unhide, move, forum moderators, held first posts and
the posting rate limit; with the denied cases."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.db import db
from app.notifications.models import Notification
from forums.models import Flag, Forum, Post, Topic
from tests.factories import UserFactory
from tests.forums.factories import ForumFactory, ForumModeratorFactory, make_reply, make_topic


def count(model, *where):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def moderator(forum):
    mod = UserFactory()
    ForumModeratorFactory(forum_id=forum.id, user_id=mod.id)
    return mod


def test_flag_goes_to_the_queue_and_notifies_moderators(api, user, forum, moderator):
    topic, _ = make_topic(forum=forum)
    bad = make_reply(UserFactory(), topic, "Achetez mes produits !!!")
    response = api(user).post(f"/api/v1/posts/{bad.id}/flags", json={"reason": "spam"})
    assert response.status_code == 201
    assert (
        count(Notification, Notification.user_id == moderator.id, Notification.kind == "forum_flag")
        == 1
    )
    queue = api(moderator).get("/api/v1/forums/moderation").json
    assert [item["post_id"] for item in queue["flagged"]] == [bad.id]
    assert queue["flagged"][0]["flags"][0]["reason"] == "spam"


def test_flag_errors(api, user, forum):
    topic, first = make_topic(author=user, forum=forum)
    other = make_reply(UserFactory(), topic)
    assert (
        api(user).post(f"/api/v1/posts/{first.id}/flags", json={"reason": "spam"}).status_code
        == 409
    )
    assert (
        api(user).post(f"/api/v1/posts/{other.id}/flags", json={"reason": "rude?"}).status_code
        == 422
    )
    no_details = api(user).post(f"/api/v1/posts/{other.id}/flags", json={"reason": "other"})
    assert no_details.status_code == 422 and "details" in no_details.json["error"]["fields"]
    assert (
        api(user).post(f"/api/v1/posts/{other.id}/flags", json={"reason": "offensive"}).status_code
        == 201
    )
    again = api(user).post(f"/api/v1/posts/{other.id}/flags", json={"reason": "offensive"})
    assert again.status_code == 409 and again.json["error"]["code"] == "already_flagged"
    assert (
        api(None).post(f"/api/v1/posts/{other.id}/flags", json={"reason": "spam"}).status_code
        == 401
    )
    assert count(Flag) == 1


def test_queue_is_for_moderators_of_the_forum_only(api, user, forum, moderator):
    other_forum = ForumFactory()
    topic, _ = make_topic(forum=other_forum)
    post = make_reply(UserFactory(), topic)
    api(user).post(f"/api/v1/posts/{post.id}/flags", json={"reason": "spam"})
    assert api(user).get("/api/v1/forums/moderation").status_code == 403
    assert api(moderator).get("/api/v1/forums/moderation").json["flagged"] == []
    assert (
        api(moderator)
        .post(f"/api/v1/posts/{post.id}/moderate", json={"action": "hide"})
        .status_code
        == 403
    )
    assert (
        api(user).post(f"/api/v1/posts/{post.id}/moderate", json={"action": "hide"}).status_code
        == 403
    )
    db.session.expire_all()
    assert db.session.get(Post, post.id).hidden is False


def test_hide_and_unhide(api, user, forum, moderator):
    topic, _ = make_topic(forum=forum)
    post = make_reply(user, topic, "secret sauce")
    api(UserFactory()).post(f"/api/v1/posts/{post.id}/flags", json={"reason": "offensive"})
    hidden = api(moderator).post(f"/api/v1/posts/{post.id}/moderate", json={"action": "hide"})
    assert hidden.status_code == 200 and hidden.json["hidden"] is True
    public = api(UserFactory()).get(f"/api/v1/topics/{topic.id}").json["posts"]["items"][1]
    assert public["hidden"] is True and public["body_html"] == ""
    assert api(None).get(f"/api/v1/posts/{post.id}").status_code == 404
    # The author still reads their own hidden post; moderators too.
    assert api(user).get(f"/api/v1/posts/{post.id}").json["body"] == "secret sauce"
    assert api(moderator).get(f"/api/v1/posts/{post.id}").json["body"] == "secret sauce"
    assert count(Flag, Flag.resolved_at.is_(None)) == 0
    assert api(moderator).get("/api/v1/forums/moderation").json["flagged"] == []
    api(moderator).post(f"/api/v1/posts/{post.id}/moderate", json={"action": "unhide"})
    assert api(None).get(f"/api/v1/posts/{post.id}").json["body"] == "secret sauce"


def test_hidden_topic_is_invisible_to_members(api, user, forum, moderator):
    topic, first = make_topic(forum=forum, title="Hors charte")
    assert (
        api(moderator).patch(f"/api/v1/topics/{topic.id}", json={"hidden": True}).status_code == 200
    )
    assert api(user).get(f"/api/v1/topics/{topic.id}").status_code == 404
    assert api(user).get(f"/api/v1/posts/{first.id}").status_code == 404
    assert api(user).post(f"/api/v1/topics/{topic.id}/posts", json={"body": "x"}).status_code == 404
    assert (
        api(user).post(f"/api/v1/posts/{first.id}/reactions", json={"kind": "like"}).status_code
        == 404
    )
    assert api(None).get(f"/api/v1/forums/{forum.id}/topics").json["total"] == 0
    assert api(moderator).get(f"/api/v1/topics/{topic.id}").status_code == 200
    assert api(moderator).get(f"/api/v1/forums/{forum.id}/topics").json["total"] == 1


def test_move_topic_between_forums(api, admin, forum):
    target = ForumFactory()
    topic, _ = make_topic(forum=forum, replies=2)
    response = api(admin).patch(f"/api/v1/topics/{topic.id}", json={"forum_id": target.id})
    assert response.status_code == 200 and response.json["forum_id"] == target.id
    db.session.expire_all()
    assert db.session.get(Forum, forum.id).topic_count == 0
    assert db.session.get(Forum, target.id).post_count == 3
    assert api(admin).patch(f"/api/v1/topics/{topic.id}", json={"forum_id": 999}).status_code == 422


def test_forum_moderator_cannot_move_into_a_forum_they_do_not_moderate(api, forum, moderator):
    topic, _ = make_topic(forum=forum)
    other = ForumFactory()
    assert (
        api(moderator).patch(f"/api/v1/topics/{topic.id}", json={"forum_id": other.id}).status_code
        == 403
    )
    assert (
        api(moderator).patch(f"/api/v1/topics/{topic.id}", json={"locked": True}).status_code == 200
    )
    db.session.expire_all()
    assert db.session.get(Topic, topic.id).forum_id == forum.id


def test_admin_appoints_forum_moderators(api, admin, user, forum):
    assert (
        api(user)
        .post(f"/api/v1/forums/{forum.id}/moderators", json={"user_id": user.id})
        .status_code
        == 403
    )
    assert (
        api(admin)
        .post(f"/api/v1/forums/{forum.id}/moderators", json={"user_id": user.id})
        .status_code
        == 204
    )
    assert api(user).get("/api/v1/forums/moderation").status_code == 200
    assert api(admin).delete(f"/api/v1/forums/{forum.id}/moderators/{user.id}").status_code == 204
    assert api(user).get("/api/v1/forums/moderation").status_code == 403


def test_first_posts_of_new_accounts_are_held(app, api, forum, moderator):
    app.config["JAM3IA"] = app.config["JAM3IA"].with_changes(hold_first_posts=1)
    newcomer = UserFactory()
    watcher = UserFactory()
    api(watcher).put(f"/api/v1/forums/{forum.id}/watch")
    created = api(newcomer).post(
        f"/api/v1/forums/{forum.id}/topics",
        json={"title": "Bonjour à tous", "body": "Je suis nouveau"},
    )
    assert created.status_code == 201 and created.json["post"]["pending"] is True
    topic_id = created.json["topic"]["id"]
    post_id = created.json["post"]["id"]
    # Nobody else sees it, nobody is notified; its author and the moderators do see it.
    assert api(watcher).get(f"/api/v1/topics/{topic_id}").status_code == 404
    assert api(None).get(f"/api/v1/forums/{forum.id}/topics").json["total"] == 0
    assert api(newcomer).get(f"/api/v1/topics/{topic_id}").status_code == 200
    assert count(Notification, Notification.user_id == watcher.id) == 0
    queue = api(moderator).get("/api/v1/forums/moderation").json
    assert [h["post_id"] for h in queue["held"]] == [post_id]
    # Approval publishes it and sends the notifications.
    approved = api(moderator).post(f"/api/v1/posts/{post_id}/moderate", json={"action": "approve"})
    assert approved.status_code == 200 and approved.json["pending"] is False
    assert api(watcher).get(f"/api/v1/topics/{topic_id}").status_code == 200
    assert (
        count(Notification, Notification.user_id == watcher.id, Notification.kind == "forum_topic")
        == 1
    )
    # The second post is no longer held.
    second = api(newcomer).post(f"/api/v1/topics/{topic_id}/posts", json={"body": "Merci !"})
    assert second.json["pending"] is False
    again = api(moderator).post(f"/api/v1/posts/{post_id}/moderate", json={"action": "approve"})
    assert again.status_code == 409


def test_rejected_held_reply_never_appears(app, api, forum, moderator):
    topic, _ = make_topic(forum=forum)
    app.config["JAM3IA"] = app.config["JAM3IA"].with_changes(hold_first_posts=1)
    newcomer = UserFactory()
    held = api(newcomer).post(f"/api/v1/topics/{topic.id}/posts", json={"body": "pub pub pub"}).json
    assert held["pending"] is True
    assert [
        p["number"] for p in api(None).get(f"/api/v1/topics/{topic.id}").json["posts"]["items"]
    ] == [1]
    assert (
        api(moderator)
        .post(f"/api/v1/posts/{held['id']}/moderate", json={"action": "reject"})
        .status_code
        == 200
    )
    assert api(moderator).get("/api/v1/forums/moderation").json["held"] == []
    assert api(None).get(f"/api/v1/topics/{topic.id}").json["topic"]["post_count"] == 1


def test_posting_is_rate_limited_per_account(app, api, forum):
    app.config["JAM3IA"] = app.config["JAM3IA"].with_changes(post_rate_limit="3 per minute")
    topic, _ = make_topic(forum=forum)
    fast = api(UserFactory())
    statuses = [
        fast.post(f"/api/v1/topics/{topic.id}/posts", json={"body": f"n{i}"}).status_code
        for i in range(4)
    ]
    assert statuses == [201, 201, 201, 429]
    assert (
        fast.post(f"/api/v1/topics/{topic.id}/posts", json={"body": "x"}).json["error"]["code"]
        == "rate_limited"
    )
    # Another account is not slowed down by the first one.
    assert (
        api(UserFactory()).post(f"/api/v1/topics/{topic.id}/posts", json={"body": "hi"}).status_code
        == 201
    )
    assert count(Post, Post.topic_id == topic.id) == 5
