"""The only way to load forum objects for an actor: 404 when they may not see them.

Who sees what:
- forums, visible topics and visible posts: everybody, signed in or not;
- a topic or post held for approval (``pending``): its author and the forum's moderators;
- a hidden or deleted topic: moderators only (a deleted one marked as such, to restore it); a
  hidden or deleted post stays in place as a placeholder whose text only its author (hidden)
  and moderators can read;
- moderators of a forum: platform admins and the forum's ``forum_moderators``.
"""

from __future__ import annotations

from flask import g, has_request_context
from sqlalchemy import select

from app.accounts.models import User
from app.api import ApiError, not_found
from app.db import db
from forums.models import Forum, ForumModerator, Post, Topic
from forums.text import _


def moderated_forum_ids(user: User | None) -> set[int] | None:
    """Forums ``user`` moderates; ``None`` means all of them (platform admin)."""
    if user is None:
        return set()
    if user.is_admin:
        return None
    cache_key = f"forum_mod_{user.id}"
    if has_request_context() and cache_key in g:
        return set(g.get(cache_key))
    ids = set(
        db.session.scalars(select(ForumModerator.forum_id).where(ForumModerator.user_id == user.id))
    )
    if has_request_context():
        setattr(g, cache_key, ids)
    return ids


def is_moderator(user: User | None, forum_id: int) -> bool:
    ids = moderated_forum_ids(user)
    return ids is None or forum_id in ids


def can_see_topic(user: User | None, topic: Topic) -> bool:
    if topic.deleted or topic.hidden:
        return is_moderator(user, topic.forum_id)
    if topic.pending:
        return user is not None and (
            user.id == topic.author_id or is_moderator(user, topic.forum_id)
        )
    return True


def can_see_post_listed(user: User | None, post: Post, topic: Topic) -> bool:
    """Whether ``post`` appears in the topic at all (placeholders included)."""
    if post.pending:
        return user is not None and (
            user.id == post.author_id or is_moderator(user, topic.forum_id)
        )
    return True


def can_read_post_text(user: User | None, post: Post, topic: Topic) -> bool:
    """Whether the text of ``post`` is shown to ``user`` (not just a placeholder)."""
    if not can_see_post_listed(user, post, topic):
        return False
    if post.deleted_at is not None:
        return is_moderator(user, topic.forum_id)
    if post.hidden:
        return user is not None and (
            user.id == post.author_id or is_moderator(user, topic.forum_id)
        )
    return True


def access_forum(forum_id: int) -> Forum:
    forum = db.session.get(Forum, forum_id)
    if forum is None:
        raise not_found()
    return forum


def access_topic(user: User | None, topic_id: int, need: str = "read") -> Topic:
    """The topic if ``user`` may ``need`` it: read, reply or moderate."""
    topic = db.session.get(Topic, topic_id)
    if topic is None or not can_see_topic(user, topic):
        raise not_found()
    if need == "moderate" and not is_moderator(user, topic.forum_id):
        raise ApiError(403, "forbidden", _("Only moderators of this forum may do this."))
    if need == "reply":
        if user is None:
            raise ApiError(401, "unauthorized", _("Please sign in."))
        if topic.locked and not is_moderator(user, topic.forum_id):
            raise ApiError(409, "topic_locked", _("This topic is locked; no new replies."))
    return topic


def access_post(user: User | None, post_id: int, need: str = "read") -> tuple[Post, Topic]:
    """The post (and its topic) if ``user`` may ``need`` it: read, edit, delete, moderate."""
    post = db.session.get(Post, post_id)
    if post is None:
        raise not_found()
    topic = db.session.get(Topic, post.topic_id)
    if (
        topic is None
        or not can_see_topic(user, topic)
        or not can_see_post_listed(user, post, topic)
    ):
        raise not_found()
    moderator = is_moderator(user, topic.forum_id)
    if need in ("edit", "delete"):
        if user is None:
            raise ApiError(401, "unauthorized", _("Please sign in."))
        # deleted, or hidden from this user: 404 as for reading it, not a 403 that confirms
        # there is a text to change
        if post.deleted_at is not None or not can_read_post_text(user, post, topic):
            raise not_found()
        if user.id != post.author_id and not moderator:
            raise ApiError(
                403, "forbidden", _("Only the author or a moderator may change this post.")
            )
        if need == "edit" and topic.locked and not moderator:
            raise ApiError(409, "topic_locked", _("This topic is locked."))
    elif need == "moderate" and not moderator:
        raise ApiError(403, "forbidden", _("Only moderators of this forum may do this."))
    elif need == "read" and not can_read_post_text(user, post, topic):
        raise not_found()
    return post, topic


def may_watch(user_id: int, room: str) -> bool:
    """Whether ``user_id`` may still receive the events of the topic room ``room``."""
    user = db.session.get(User, user_id)
    try:
        access_topic(user, int(room.split(":", 1)[1]))
    except ApiError:
        return False
    return user is not None
