"""Moderation of the forums: appointing moderators, flags on posts, hiding, restoring,
approving or rejecting a post, and pinning, locking, hiding or moving a topic. Like
``forums.services``, each function takes an explicit ``actor`` and flushes, never commits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from app.accounts.models import User
from app.api import ApiError, invalid
from app.db import db, insert_once, utcnow
from app.realtime import emit_after_commit, recheck_rooms_after_commit
from app.text import clean_text
from forums import access
from forums.models import FLAG_REASONS, REASON_MAX, Flag, Forum, ForumModerator, Post, Topic
from forums.notify import notify_flag
from forums.services import (
    NAMESPACE,
    clean_title,
    emit_updated,
    publish,
    refresh_counters,
    topic_room,
)
from forums.text import _


def set_moderator(actor: User, forum: Forum, user_id: int, on: bool) -> None:
    if not actor.is_admin:
        raise ApiError(403, "forbidden", _("Only platform administrators may do this."))
    if db.session.get(User, user_id) is None:
        raise invalid(_("Unknown user."), {"user_id": [_("Unknown user.")]})
    row = db.session.scalar(
        select(ForumModerator).where(
            ForumModerator.forum_id == forum.id, ForumModerator.user_id == user_id
        )
    )
    if on and row is None:
        # a concurrent request may appoint them first: appointed already is the wanted state
        insert_once(ForumModerator(forum_id=forum.id, user_id=user_id))
    elif not on and row is not None:
        db.session.delete(row)
    db.session.flush()


def flag(actor: User, post: Post, topic: Topic, reason: str, details: str = "") -> Flag:
    if reason not in FLAG_REASONS:
        raise invalid(
            _("Unknown reason."), {"reason": [_("One of: %(k)s", k=", ".join(FLAG_REASONS))]}
        )
    details = clean_text(details)
    if len(details) > REASON_MAX:
        raise invalid(_("The text is too long."), {"details": [_("Too long.")]})
    if reason == "other" and not details:
        raise invalid(_("Say what is wrong."), {"details": [_("Say what is wrong.")]})
    if post.author_id == actor.id:
        raise ApiError(409, "own_post", _("You cannot flag your own post."))
    if db.session.scalar(select(Flag.id).where(Flag.post_id == post.id, Flag.user_id == actor.id)):
        raise ApiError(409, "already_flagged", _("You have already flagged this post."))
    row = Flag(post_id=post.id, user_id=actor.id, reason=reason, details=details)
    if not insert_once(row):  # a concurrent request flagged it first: as the second flag
        raise ApiError(409, "already_flagged", _("You have already flagged this post."))
    post.flag_count += 1
    db.session.flush()
    notify_flag(actor, topic, post, row)
    return row


def moderate_post(actor: User, post: Post, topic: Topic, action: str) -> Post:
    """hide, unhide, approve, reject (a held post) or dismiss (its open flags)."""
    now = utcnow()
    resolution = {"hide": "hidden", "unhide": None, "dismiss": "dismissed", "reject": "rejected"}
    if action == "hide":
        post.hidden = True
    elif action == "unhide":
        post.hidden = False
    elif action == "approve":
        if not post.pending:
            raise ApiError(409, "not_pending", _("This post is not waiting for approval."))
        post.pending = False
        if post.number == 1:
            topic.pending = False
        db.session.flush()
        refresh_counters(topic)
        author = db.session.get(User, post.author_id) or actor
        publish(author, topic, post, new_topic=post.number == 1)
        return post
    elif action == "reject":
        if not post.pending:
            raise ApiError(409, "not_pending", _("This post is not waiting for approval."))
        post.deleted_at = now
        if post.number == 1:
            topic.deleted = True
    elif action == "restore":
        if post.deleted_at is None:
            raise ApiError(409, "not_deleted", _("This post is not deleted."))
        post.deleted_at = None
        if post.number == 1:
            topic.deleted = False
    elif action != "dismiss":
        raise invalid(_("Unknown action."), {"action": [_("Unknown action.")]})
    if resolution.get(action):
        db.session.execute(
            update(Flag)
            .where(Flag.post_id == post.id, Flag.resolved_at.is_(None))
            .values(resolved_at=now, resolved_by_id=actor.id, resolution=resolution[action])
        )
    db.session.flush()
    refresh_counters(topic)
    if not post.pending:
        emit_updated(post, topic)
    return post


def moderate_topic(actor: User, topic: Topic, changes: dict[str, Any]) -> Topic:
    """Pin, lock, hide or move (``forum_id``) a topic; the actor moderates its forum."""
    old_forum_id = topic.forum_id
    for key in ("pinned", "locked", "hidden"):
        if key in changes and changes[key] is not None:
            setattr(topic, key, bool(changes[key]))
    target = changes.get("forum_id")
    if target is not None and target != topic.forum_id:
        forum = db.session.get(Forum, target)
        if forum is None:
            raise invalid(_("Unknown forum."), {"forum_id": [_("Unknown forum.")]})
        if not access.is_moderator(actor, forum.id):
            raise ApiError(403, "forbidden", _("You do not moderate the target forum."))
        topic.forum_id = forum.id
    if changes.get("title") is not None:
        topic.title = clean_title(changes["title"])
    db.session.flush()
    refresh_counters(topic, also_forum_id=old_forum_id)
    # first: readers who may no longer see the topic (hidden, moved) leave its room
    recheck_rooms_after_commit(topic_room(topic.id), NAMESPACE)
    emit_after_commit(
        "topic_updated",
        {
            "topic": {
                "id": topic.id,
                "title": topic.title,
                "pinned": topic.pinned,
                "locked": topic.locked,
                "hidden": topic.hidden,
                "forum_id": topic.forum_id,
            }
        },
        to=topic_room(topic.id),
        namespace=NAMESPACE,
    )
    return topic
