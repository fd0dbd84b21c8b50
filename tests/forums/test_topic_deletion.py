"""Deleting a topic: an author may delete their topic only while nobody else replied; a
moderator's deletion is soft and reversible, and moderators still see deleted topics and
posts, marked as such, and restore them (page and API)."""

from __future__ import annotations

from app.db import db
from forums.models import Post, Topic
from tests.conftest import csrf_token
from tests.factories import UserFactory
from tests.forums.factories import ForumModeratorFactory, make_reply, make_topic


def test_author_cannot_delete_a_topic_others_replied_to(app, api, logged_in):
    author, other = UserFactory(), UserFactory()
    topic, first = make_topic(author=author, title="Besoin d'aide")
    own_reply = make_reply(author, topic, "Précision")
    make_reply(other, topic, "Une réponse utile")
    refused = api(author).delete(f"/api/v1/posts/{first.id}")
    assert refused.status_code == 409, refused.get_json()
    assert refused.get_json()["error"]["code"] == "topic_has_replies"
    shown = api(None).get(f"/api/v1/topics/{topic.id}")
    assert shown.status_code == 200
    assert "Une réponse utile" in [p["body"] for p in shown.get_json()["posts"]["items"]]
    # the page refuses the same way, with a message, and changes nothing
    browser = logged_in(author)
    token = csrf_token(browser, f"/topics/{topic.id}")
    answer = browser.post(f"/posts/{first.id}/delete", data={"csrf_token": token})
    assert answer.status_code == 302
    db.session.expire_all()
    assert not db.session.get(Topic, topic.id).deleted
    assert db.session.get(Post, first.id).deleted_at is None
    # their own reply they may still delete
    assert api(author).delete(f"/api/v1/posts/{own_reply.id}").status_code == 204


def test_deleted_topics_stay_visible_to_moderators_who_restore_them(app, api, admin, logged_in):
    author, other, moderator = UserFactory(), UserFactory(), UserFactory()
    topic, first = make_topic(author=author, title="Sujet à supprimer", body="Corps du sujet")
    ForumModeratorFactory(forum_id=topic.forum_id, user_id=moderator.id)
    # alone in the topic, the author may delete it
    assert api(author).delete(f"/api/v1/posts/{first.id}").status_code == 204
    assert api(None).get(f"/api/v1/topics/{topic.id}").status_code == 404
    assert api(other).get(f"/api/v1/topics/{topic.id}").status_code == 404
    listing = api(None).get(f"/api/v1/forums/{topic.forum_id}/topics").get_json()
    assert topic.id not in [t["id"] for t in listing["items"]]
    for who in (moderator, admin):
        seen = api(who).get(f"/api/v1/topics/{topic.id}")
        assert seen.status_code == 200, who
        body = seen.get_json()
        assert body["topic"]["deleted"] is True
        assert body["posts"]["items"][0]["deleted"] is True
        assert body["posts"]["items"][0]["body"] == "Corps du sujet"
        listed = api(who).get(f"/api/v1/forums/{topic.forum_id}/topics").get_json()["items"]
        assert [t["deleted"] for t in listed if t["id"] == topic.id] == [True]
    # the author and other people cannot restore
    for who in (author, other):
        assert api(who).post(
            f"/api/v1/posts/{first.id}/moderate", json={"action": "restore"}
        ).status_code in (403, 404)
    restored = api(admin).post(f"/api/v1/posts/{first.id}/moderate", json={"action": "restore"})
    assert restored.status_code == 200, restored.get_json()
    assert restored.get_json()["deleted"] is False
    assert api(None).get(f"/api/v1/topics/{topic.id}").status_code == 200


def test_moderator_deletes_a_discussion_softly_and_restores_it_on_the_page(app, api, logged_in):
    author, other, moderator = UserFactory(), UserFactory(), UserFactory()
    topic, first = make_topic(author=author, title="Débat animé")
    ForumModeratorFactory(forum_id=topic.forum_id, user_id=moderator.id)
    reply = make_reply(other, topic, "Réponse de quelqu'un d'autre")
    assert api(moderator).delete(f"/api/v1/posts/{first.id}").status_code == 204
    assert api(None).get(f"/api/v1/topics/{topic.id}").status_code == 404
    browser = logged_in(moderator)
    page = browser.get(f"/topics/{topic.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Réponse de quelqu'un d'autre" in html
    assert 'value="restore"' in html
    token = csrf_token(browser, f"/topics/{topic.id}")
    done = browser.post(
        f"/posts/{first.id}/moderate", data={"csrf_token": token, "action": "restore"}
    )
    assert done.status_code == 302
    shown = api(None).get(f"/api/v1/topics/{topic.id}")
    assert shown.status_code == 200
    bodies = [p["body"] for p in shown.get_json()["posts"]["items"]]
    assert "Réponse de quelqu'un d'autre" in bodies
    db.session.expire_all()
    assert db.session.get(Post, reply.id).deleted_at is None


def test_a_reply_racing_a_lock_or_a_deletion_does_not_land(app, api, monkeypatch):
    """The reply's checks (locked, deleted) are made again under the topic's row lock."""
    import threading
    import time

    from forums import services

    author, replier, moderator = UserFactory(), UserFactory(), UserFactory()
    topic, first = make_topic(author=author, title="Course contre la montre")
    ForumModeratorFactory(forum_id=topic.forum_id, user_id=moderator.id)
    real = services.clean_body

    def slow(body):
        time.sleep(0.6)  # the reply passed its access check; the moderator acts meanwhile
        return real(body)

    monkeypatch.setattr(services, "clean_body", slow)
    replier_api, moderator_api = api(replier), api(moderator)
    path = f"/api/v1/topics/{topic.id}/posts"
    results: list[int] = []
    thread = threading.Thread(
        target=lambda: results.append(
            replier_api.post(path, json={"body": "Trop tard"}).status_code
        )
    )
    thread.start()
    time.sleep(0.2)
    assert (
        moderator_api.patch(f"/api/v1/topics/{topic.id}", json={"locked": True}).status_code == 200
    )
    thread.join(30)
    assert results == [409]
    db.session.expire_all()
    assert db.session.get(Topic, topic.id).last_number == 1
    # the same against a deletion by a moderator
    moderator_api.patch(f"/api/v1/topics/{topic.id}", json={"locked": False})
    results.clear()
    thread = threading.Thread(
        target=lambda: results.append(
            replier_api.post(path, json={"body": "Trop tard"}).status_code
        )
    )
    thread.start()
    time.sleep(0.2)
    assert moderator_api.delete(f"/api/v1/posts/{first.id}").status_code == 204
    thread.join(30)
    assert results == [404]
