"""Two requests doing the same thing at once (double tap, two tabs) answer cleanly: the
unique keys decide, and the loser gets the idempotent answer or a clear 409, never a 500."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Flask

from app.accounts.models import User
from app.api import ApiError
from app.db import db
from forums import access, services
from forums.models import Flag, Forum, ForumModerator, Reaction
from tests.factories import UserFactory
from tests.forums.factories import ForumFactory, make_topic

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
        services.flag(user, p, t, "spam")
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
        services.set_moderator(user, forum, mod, True)
        return "ok"

    results = at_once(app, admin_id, appoint)
    assert results == ["ok"] * RUNNERS, results
    assert db.session.query(ForumModerator).filter_by(forum_id=forum_id, user_id=mod).count() == 1
