"""What forums put in the search index: the ``topics`` and ``posts`` document types.

Only what everybody may read is indexed: a topic that is hidden, held for approval or deleted
leaves the index with all its posts, and so does a post that is hidden, held or deleted. The
search framework's outbox keeps the index in step: every flush that touches a post or a
topic's visibility writes outbox rows in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from flask import Flask, url_for
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from app.db import db
from app.markdown import html_text
from app.search.framework import DocType, Document, register_doc_type
from forums.models import Post, Topic
from forums.queries import page_of

SNIPPET = 200
#: Topic attributes whose change alters its document, and its posts' documents.
_TOPIC_DOC = ("title", "hidden", "pending", "deleted", "forum_id")
_TOPIC_POSTS = ("hidden", "pending", "deleted", "forum_id")


def _public_topic() -> tuple[Any, ...]:
    return (Topic.hidden.is_(False), Topic.pending.is_(False), Topic.deleted.is_(False))


def _public_post() -> tuple[Any, ...]:
    return (Post.hidden.is_(False), Post.pending.is_(False), Post.deleted_at.is_(None))


# ---------------------------------------------------------------- topics


def load_topics(session: Session, ids: Sequence[int]) -> dict[int, Document]:
    rows = session.execute(
        select(Topic, Post.body_html)
        .join(Post, (Post.topic_id == Topic.id) & (Post.number == 1))
        .where(Topic.id.in_(list(ids)), *_public_topic())
    ).all()
    return {
        topic.id: Document(
            id=topic.id,
            names={"title": topic.title},
            text={"body": html_text(body_html)},
            facets={"forum": [str(topic.forum_id)]},
            created=topic.created_at.timestamp(),
        )
        for topic, body_html in rows
    }


def all_topic_ids(session: Session) -> Iterable[int]:
    return session.scalars(select(Topic.id).where(*_public_topic()).order_by(Topic.id))


def describe_topics(ids: Sequence[int]) -> dict[int, dict[str, str]]:
    rows = db.session.execute(
        select(Topic.id, Topic.title, Post.body_html)
        .join(Post, (Post.topic_id == Topic.id) & (Post.number == 1))
        .where(Topic.id.in_(list(ids)))
    )
    return {
        tid: {
            "title": title,
            "url": url_for("forums.topic", topic_id=tid),
            "snippet": html_text(body_html)[:SNIPPET],
        }
        for tid, title, body_html in rows
    }


def _topic_ids(topic: Topic) -> list[int]:
    state: Any = inspect(topic)
    if state.pending or any(state.attrs[a].history.has_changes() for a in _TOPIC_DOC):
        return [topic.id]
    return []


def _first_post_topic(post: Post) -> list[int]:
    return [post.topic_id] if post.number == 1 else []


# ---------------------------------------------------------------- posts


def load_posts(session: Session, ids: Sequence[int]) -> dict[int, Document]:
    rows = session.execute(
        select(Post, Topic.forum_id)
        .join(Topic, Topic.id == Post.topic_id)
        .where(Post.id.in_(list(ids)), *_public_post(), *_public_topic())
    ).all()
    return {
        post.id: Document(
            id=post.id,
            text={"body": html_text(post.body_html)},
            facets={"forum": [str(forum_id)], "topic": [str(post.topic_id)]},
            created=post.created_at.timestamp(),
        )
        for post, forum_id in rows
    }


def all_post_ids(session: Session) -> Iterable[int]:
    return session.scalars(
        select(Post.id)
        .join(Topic, Topic.id == Post.topic_id)
        .where(*_public_post(), *_public_topic())
        .order_by(Post.id)
    )


def describe_posts(ids: Sequence[int]) -> dict[int, dict[str, str]]:
    rows = db.session.execute(
        select(Post.id, Post.topic_id, Post.number, Post.body_html, Topic.title)
        .join(Topic, Topic.id == Post.topic_id)
        .where(Post.id.in_(list(ids)))
    )
    return {
        pid: {
            "title": title,
            "url": url_for("forums.topic", topic_id=tid, page=page_of(number)) + f"#post-{number}",
            "snippet": html_text(body_html)[:SNIPPET],
        }
        for pid, tid, number, body_html, title in rows
    }


def _post_ids_of_topic(topic: Topic) -> list[int]:
    state: Any = inspect(topic)
    if state.pending or not any(state.attrs[a].history.has_changes() for a in _TOPIC_POSTS):
        return []
    session = state.session
    if session is None:
        return []
    return list(session.connection().scalars(select(Post.id).where(Post.topic_id == topic.id)))


def register(app: Flask) -> None:
    """Declare the ``topics`` and ``posts`` document types to the search framework."""
    register_doc_type(
        app,
        DocType(
            name="topics",
            load=load_topics,
            all_ids=all_topic_ids,
            name_fields={"title": 4.0},
            text_fields={"body": 1.0},
            facets=("forum",),
            watch=((Topic, _topic_ids), (Post, _first_post_topic)),
            describe=describe_topics,
        ),
    )
    register_doc_type(
        app,
        DocType(
            name="posts",
            load=load_posts,
            all_ids=all_post_ids,
            text_fields={"body": 1.0},
            facets=("forum", "topic"),
            watch=((Post, lambda post: [post.id]), (Topic, _post_ids_of_topic)),
            describe=describe_posts,
        ),
    )
