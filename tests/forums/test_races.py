"""Two requests doing the same thing at once (double tap, two tabs) answer cleanly: the
unique keys decide, and the loser gets the idempotent answer or a clear 409, never a 500."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.api import ApiError
from app.db import db, transaction
from forums import access, moderation, services
from forums.models import Flag, Forum, ForumModerator, Reaction, TopicRead, Watch
from tests.conftest import csrf_token
from tests.factories import UserFactory
from tests.forums.factories import ForumFactory, make_topic
from tests.support.races import committed_meanwhile, rows

RUNNERS = 4


def at_once(app: Flask, user_id: int, action: Callable[[User], Any]) -> list[Any]:
    """Run ``action(user)`` in RUNNERS threads released together, each committing."""
    barrier = threading.Barrier(RUNNERS)
    results: list[Any] = []

    def run() -> None:
        with app.app_context():
            user = db.session.get(User, user_id)
            db.session.commit()
            barrier.wait()
            try:
                results.append(action(user))
                db.session.commit()
            except ApiError as exc:
                db.session.rollback()
                results.append(exc.error_code)
            except Exception as exc:  # what the test is about: reported, not raised
                db.session.rollback()
                results.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(RUNNERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.expire_all()
    return results


def test_the_same_reaction_at_once_is_added_once(app: Flask) -> None:
    topic, post = make_topic()
    topic_id, post_id, fan = topic.id, post.id, UserFactory().id

    def react(user: User) -> bool:
        p, t = access.access_post(user, post_id)
        assert t.id == topic_id
        return services.react(user, p, t, "like")[1]

    results = at_once(app, fan, react)
    assert results.count(True) == 1 and results.count(False) == RUNNERS - 1, results
    assert db.session.query(Reaction).filter_by(post_id=post_id).count() == 1


def test_flagging_at_once_saves_one_flag_and_answers_409_to_the_others(app: Flask) -> None:
    _topic, post = make_topic()
    post_id, reporter = post.id, UserFactory().id

    def flag(user: User) -> str:
        p, t = access.access_post(user, post_id)
        moderation.flag(user, p, t, "spam")
        return "flagged"

    results = at_once(app, reporter, flag)
    assert sorted(results) == ["already_flagged"] * (RUNNERS - 1) + ["flagged"], results
    assert db.session.query(Flag).filter_by(post_id=post_id).count() == 1


def test_appointing_a_moderator_at_once_is_idempotent(app: Flask) -> None:
    forum_id = ForumFactory().id
    admin = UserFactory(is_admin=True)
    admin_id, mod = admin.id, UserFactory().id
    db.session.commit()

    def appoint(user: User) -> str:
        forum = db.session.get(Forum, forum_id)
        moderation.set_moderator(user, forum, mod, True)
        return "ok"

    results = at_once(app, admin_id, appoint)
    assert results == ["ok"] * RUNNERS, results
    assert db.session.query(ForumModerator).filter_by(forum_id=forum_id, user_id=mod).count() == 1


# ------------------------------------------------- the same, one request at a time, exactly
#
# The tests above race threads; these place the other request's write exactly where a race
# puts it: committed right after this request checked that the row was not there yet, so its
# own insert meets the unique key (or, without one, makes a second row).


def test_a_twin_reaction_committed_meanwhile_answers_200_not_500(app: Flask, api: Any) -> None:
    _topic, post = make_topic()
    fan = UserFactory()
    client, post_id, fan_id = api(fan), post.id, fan.id
    with committed_meanwhile(Reaction, post_id=post_id, user_id=fan_id, kind="like") as fired:
        response = client.post(f"/api/v1/posts/{post_id}/reactions", json={"kind": "like"})
    assert fired
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.json["created"] is False
    assert rows(Reaction, post_id=post_id, user_id=fan_id, kind="like") == 1


def test_a_twin_reaction_from_the_page_redirects_to_the_post(app: Flask, logged_in: Any) -> None:
    _topic, post = make_topic()
    fan = UserFactory()
    browser, post_id, fan_id = logged_in(fan), post.id, fan.id
    token = csrf_token(browser, f"/topics/{post.topic_id}")
    with committed_meanwhile(Reaction, post_id=post_id, user_id=fan_id, kind="like") as fired:
        response = browser.post(
            f"/posts/{post_id}/react", data={"kind": "like", "csrf_token": token}
        )
    assert fired
    assert response.status_code == 302
    assert rows(Reaction, post_id=post_id, user_id=fan_id) == 1


def test_a_twin_flag_committed_meanwhile_answers_409_already_flagged(app: Flask, api: Any) -> None:
    _topic, post = make_topic()
    reporter = UserFactory()
    client, post_id, reporter_id = api(reporter), post.id, reporter.id
    with committed_meanwhile(Flag, post_id=post_id, user_id=reporter_id, reason="spam") as fired:
        response = client.post(f"/api/v1/posts/{post_id}/flags", json={"reason": "spam"})
    assert fired
    # what the same person's second flag answers when the first one won (API.md)
    assert response.status_code == 409, response.get_data(as_text=True)[:300]
    assert response.json["error"]["code"] == "already_flagged"
    assert rows(Flag, post_id=post_id, user_id=reporter_id) == 1


def test_a_twin_appointment_committed_meanwhile_answers_204(app: Flask, api: Any) -> None:
    forum_id = ForumFactory().id
    admin = UserFactory(is_admin=True)
    client, mod = api(admin), UserFactory().id
    with committed_meanwhile(ForumModerator, forum_id=forum_id, user_id=mod) as fired:
        response = client.post(f"/api/v1/forums/{forum_id}/moderators", json={"user_id": mod})
    assert fired
    assert response.status_code == 204, response.get_data(as_text=True)[:300]
    assert rows(ForumModerator, forum_id=forum_id, user_id=mod) == 1


def test_a_twin_topic_watch_committed_meanwhile_keeps_one_watch(app: Flask, api: Any) -> None:
    topic, _post = make_topic()
    reader = UserFactory()
    client, topic_id, reader_id = api(reader), topic.id, reader.id
    with committed_meanwhile(Watch, user_id=reader_id, topic_id=topic_id) as fired:
        response = client.put(f"/api/v1/topics/{topic_id}/watch")
    assert fired
    assert response.status_code == 200 and response.json == {"watching": True}
    assert rows(Watch, user_id=reader_id, topic_id=topic_id) == 1


def test_a_twin_forum_watch_from_the_page_keeps_one_watch(app: Flask, logged_in: Any) -> None:
    forum_id = ForumFactory().id
    reader = UserFactory()
    browser, reader_id = logged_in(reader), reader.id
    token = csrf_token(browser, f"/forums/{forum_id}")
    with committed_meanwhile(Watch, user_id=reader_id, forum_id=forum_id) as fired:
        response = browser.post(f"/forums/{forum_id}/watch", data={"on": "1", "csrf_token": token})
    assert fired
    assert response.status_code == 302
    assert rows(Watch, user_id=reader_id, forum_id=forum_id) == 1


@pytest.mark.parametrize("kind", ["topic", "forum"])
def test_the_database_refuses_a_twin_watch(app: Flask, kind: str) -> None:
    """One of topic_id and forum_id is NULL in every watch: partial unique indexes hold."""
    topic, _post = make_topic()
    reader_id = UserFactory().id
    row = {"user_id": reader_id, f"{kind}_id": topic.id if kind == "topic" else topic.forum_id}
    db.session.commit()
    with db.engine.connect() as conn:
        conn.execute(insert(Watch.__table__).values(**row))
        conn.commit()
        with pytest.raises(IntegrityError):
            conn.execute(insert(Watch.__table__).values(**row))
        conn.rollback()
    assert rows(Watch, **row) == 1


def test_watching_a_topic_at_once_keeps_one_watch(app: Flask) -> None:
    topic, _post = make_topic()
    topic_id, reader = topic.id, UserFactory().id

    def watch(user: User) -> str:
        services.set_watch(user, topic=access.access_topic(user, topic_id), on=True)
        return "watching"

    results = at_once(app, reader, watch)
    assert results == ["watching"] * RUNNERS, results
    assert rows(Watch, user_id=reader, topic_id=topic_id) == 1


def test_watching_a_forum_twice_answers_200_and_keeps_one_watch(app: Flask, api: Any) -> None:
    forum_id = ForumFactory().id
    reader = UserFactory()
    client, reader_id = api(reader), reader.id
    for _ in range(2):
        response = client.put(f"/api/v1/forums/{forum_id}/watch")
        assert response.status_code == 200 and response.json == {"watching": True}
    assert rows(Watch, user_id=reader_id, forum_id=forum_id) == 1


def test_a_twin_read_mark_committed_meanwhile_answers_200_not_500(app: Flask, api: Any) -> None:
    topic, _post = make_topic(replies=2)
    reader = UserFactory()
    client, topic_id, reader_id = api(reader), topic.id, reader.id
    with committed_meanwhile(TopicRead, user_id=reader_id, topic_id=topic_id, last_read_number=1):
        response = client.post(f"/api/v1/topics/{topic_id}/read", json={"number": 3})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.json == {"last_read_number": 3}
    assert rows(TopicRead, user_id=reader_id, topic_id=topic_id) == 1


@pytest.mark.parametrize("write", ["react", "appoint", "read"])
def test_a_guarded_insert_is_undone_with_the_rest_of_its_request(app: Flask, write: str) -> None:
    """The insert that may meet its twin runs in a SAVEPOINT; on SQLite one that opens the
    transaction commits on release, so a later refusal in the same request would leave it."""
    topic, post = make_topic()
    forum = db.session.get(Forum, topic.forum_id)
    admin = UserFactory(is_admin=True)
    topic_id, post_id, forum_id, admin_id = topic.id, post.id, topic.forum_id, admin.id
    db.session.commit()

    def refused() -> None:
        with transaction():
            if write == "react":
                p, t = access.access_post(admin, post_id)
                services.react(admin, p, t, "like")
            elif write == "appoint":
                assert forum is not None
                moderation.set_moderator(admin, forum, admin_id, True)
            else:
                services.mark_read(admin, access.access_topic(admin, topic_id), 1)
            raise ApiError(409, "refused", "a later step of the same request refuses")

    with pytest.raises(ApiError):
        refused()
    assert rows(Reaction, post_id=post_id) == 0
    assert rows(ForumModerator, forum_id=forum_id) == 0
    assert rows(TopicRead, topic_id=topic_id, user_id=admin_id) == 0
