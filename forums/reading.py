"""What a reader sees of a topic (one page of posts, the read state) and the read mark that
seeing it moves. Shared by the topic page and ``GET /api/v1/topics/{id}``: the read mark is
flushed, and kept by the caller's transaction."""

from __future__ import annotations

from typing import Any

from app.accounts.models import User
from app.db import db
from forums import access, queries, serialize, services
from forums.text import locale


def topic_detail(viewer: Any, topic: Any, page: int, per_page: int, mark: bool) -> dict[str, Any]:
    forum = access.access_forum(topic.forum_id)
    posts = queries.topic_posts(viewer, topic, page, per_page)
    state = queries.topic_state(viewer, topic)
    if viewer is not None and mark and posts["items"]:
        seen = max(p["number"] for p in posts["items"])
        if state["last_read_number"] is None or seen > state["last_read_number"]:
            services.mark_read(viewer, topic, seen)
    author = db.session.get(User, topic.author_id)
    return {
        "topic": serialize.topic_dict(topic, author, None, state["last_read_number"], viewer),
        "forum": serialize.forum_dict(forum, locale()),
        "posts": posts,
        "watching": state["watching"],
        "last_read_number": state["last_read_number"],
        "can_moderate": access.is_moderator(viewer, topic.forum_id) if viewer else False,
    }
