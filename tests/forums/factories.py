"""Factories for forums: ForumFactory, and helpers that post through the services (so post
numbers and counters are right)."""

from __future__ import annotations

import factory

from app.accounts.models import User
from app.db import db
from forums import services
from forums.models import Forum, ForumModerator, Post, Topic
from tests.factories import BaseFactory, UserFactory


class ForumFactory(BaseFactory):
    class Meta:
        model = Forum

    name_ar = factory.Sequence(lambda n: f"منتدى {n}")
    name_fr = factory.Sequence(lambda n: f"Forum {n}")
    name_en = factory.Sequence(lambda n: f"Forum {n}")
    description_ar = "وصف"
    description_fr = "Description"
    description_en = "Description"


class ForumModeratorFactory(BaseFactory):
    class Meta:
        model = ForumModerator

    forum_id = factory.LazyFunction(lambda: ForumFactory().id)
    user_id = factory.LazyFunction(lambda: UserFactory().id)


def make_topic(
    author: User | None = None,
    forum: Forum | None = None,
    title: str = "A topic to discuss",
    body: str = "First post",
    replies: int = 0,
) -> tuple[Topic, Post]:
    """A topic (with ``replies`` replies by its author), committed."""
    author = author or UserFactory()
    forum = forum or ForumFactory()
    topic, post = services.create_topic(author, forum, title, body)
    for i in range(replies):
        services.reply(author, topic, f"Reply {i + 1}")
    db.session.commit()
    return topic, post


def make_reply(author: User, topic: Topic, body: str = "A reply", quote: int | None = None) -> Post:
    post = services.reply(author, topic, body, quote)
    db.session.commit()
    return post
