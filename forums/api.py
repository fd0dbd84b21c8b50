"""The forums JSON API (API.md "Forums"), thin: parse, access_*, services, serialize; each
endpoint that writes is one transaction (``@transactional``: committed when it returns).

Reacting twice with the same reaction is idempotent: the first POST answers 201, the next
ones 200 with ``created: false``, and the reaction is stored once.
"""

from __future__ import annotations

from typing import Any

from flask import request

from app.accounts.auth import get_current_user, require_user
from app.api import ApiError, PageArgsSchema, expected_version, make_blueprint
from app.db import transactional
from app.limits import rate_limit
from forums import access, moderation, queries, serialize, services
from forums.reading import topic_detail
from forums.schemas import (
    ForumCreateSchema,
    ForumListSchema,
    ForumModeratorSchema,
    ForumPostListSchema,
    ForumQueueSchema,
    ForumSchema,
    ForumTopicPageSchema,
    ForumWatchStateSchema,
    PostFlagResultSchema,
    PostFlagSchema,
    PostModerateSchema,
    PostPatchSchema,
    PostReactionResultSchema,
    PostReactionSchema,
    PostReplySchema,
    PostRevisionListSchema,
    PostsAfterArgsSchema,
    PostSchema,
    TopicCreatedSchema,
    TopicCreateSchema,
    TopicDetailSchema,
    TopicPageArgsSchema,
    TopicPatchSchema,
    TopicReadMarkSchema,
    TopicReadStateSchema,
    TopicSchema,
)
from forums.text import _, locale

blp = make_blueprint("forums", __name__, "Forums: topics, posts, reactions, moderation")


# ---------------------------------------------------------------- forums


@blp.route("/forums")
@blp.response(200, ForumListSchema)
def list_forums() -> dict[str, Any]:
    """Themed forums (at least one per field of activity), with the caller's unread counts."""
    return {"items": queries.forum_index(get_current_user(), locale())}


@blp.route("/forums", methods=["POST"])
@blp.arguments(ForumCreateSchema)
@blp.response(201, ForumSchema)
@transactional
def create_forum(data: dict[str, Any]) -> dict[str, Any]:
    """Platform admins add a forum (names and descriptions in ar/fr/en)."""
    forum = services.create_forum(require_user(), data)
    return serialize.forum_dict(forum, locale())


@blp.route("/forums/<int:forum_id>")
@blp.response(200, ForumSchema)
def get_forum(forum_id: int) -> dict[str, Any]:
    return serialize.forum_dict(access.access_forum(forum_id), locale())


@blp.route("/forums/<int:forum_id>", methods=["PATCH"])
@blp.arguments(ForumCreateSchema)
@blp.response(200, ForumSchema)
@transactional
def update_forum(data: dict[str, Any], forum_id: int) -> dict[str, Any]:
    """Platform admins edit a forum."""
    forum = services.update_forum(require_user(), access.access_forum(forum_id), data)
    return serialize.forum_dict(forum, locale())


@blp.route("/forums/<int:forum_id>/moderators", methods=["POST"])
@blp.arguments(ForumModeratorSchema)
@blp.response(204)
@transactional
def add_moderator(data: dict[str, Any], forum_id: int) -> None:
    """Platform admins make a user moderator of this forum."""
    moderation.set_moderator(require_user(), access.access_forum(forum_id), data["user_id"], True)


@blp.route("/forums/<int:forum_id>/moderators/<int:user_id>", methods=["DELETE"])
@blp.response(204)
@transactional
def remove_moderator(forum_id: int, user_id: int) -> None:
    moderation.set_moderator(require_user(), access.access_forum(forum_id), user_id, False)


@blp.route("/forums/<int:forum_id>/topics")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, ForumTopicPageSchema)
def list_topics(args: dict[str, Any], forum_id: int) -> dict[str, Any]:
    """Topics, pinned first then by latest activity; ``unread_count``/``new`` for the caller."""
    forum = access.access_forum(forum_id)
    return queries.list_topics(get_current_user(), forum, args["page"], args["per_page"])


@blp.route("/forums/<int:forum_id>/topics", methods=["POST"])
@rate_limit("post")
@blp.arguments(TopicCreateSchema)
@blp.response(201, TopicCreatedSchema)
@transactional
def create_topic(data: dict[str, Any], forum_id: int) -> dict[str, Any]:
    """Open a topic ``{title, body}``. A new account's first posts may be held (``pending``)."""
    user = require_user()
    forum = access.access_forum(forum_id)
    topic, post = services.create_topic(user, forum, data["title"], data["body"])
    return {
        "topic": serialize.topic_dict(topic, user, user, post.number, user),
        "post": queries.one_post(user, post, topic),
    }


@blp.route("/forums/<int:forum_id>/watch", methods=["PUT", "DELETE"])
@blp.response(200, ForumWatchStateSchema)
@transactional
def watch_forum(forum_id: int) -> dict[str, Any]:
    """PUT: be notified of every new topic in this forum; DELETE: stop."""

    user = require_user()
    on = request.method == "PUT"
    services.set_watch(user, forum=access.access_forum(forum_id), on=on)
    return {"watching": on}


@blp.route("/forums/unread")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, ForumTopicPageSchema)
def unread(args: dict[str, Any]) -> dict[str, Any]:
    """The caller's new and unread topics, latest activity first."""
    return queries.unread_topics(require_user(), args["page"], args["per_page"])


# ---------------------------------------------------------------- topics


@blp.route("/topics/<int:topic_id>")
@blp.arguments(TopicPageArgsSchema, location="query")
@blp.response(200, TopicDetailSchema)
@transactional  # the one GET that writes: the read mark the visit moves (documented)
def get_topic(args: dict[str, Any], topic_id: int) -> dict[str, Any]:
    """A topic with one page of posts, numbered from 1. Reading it moves the caller's read
    mark (unless ``mark_read=false``); ``last_read_number`` is the mark before this visit."""
    viewer = get_current_user()
    topic = access.access_topic(viewer, topic_id)
    return topic_detail(viewer, topic, args["page"], args["per_page"], args["mark_read"])


@blp.route("/topics/<int:topic_id>", methods=["PATCH"])
@blp.arguments(TopicPatchSchema)
@blp.response(200, TopicSchema)
@transactional
def update_topic(data: dict[str, Any], topic_id: int) -> dict[str, Any]:
    """Moderators pin, lock, hide, rename or move (``forum_id``) a topic."""
    user = require_user()
    topic = access.access_topic(user, topic_id, "moderate")
    moderation.moderate_topic(user, topic, data)
    return serialize.topic_dict(topic, None, None, None, None)


@blp.route("/topics/<int:topic_id>/posts")
@blp.arguments(PostsAfterArgsSchema, location="query")
@blp.response(200, ForumPostListSchema)
def posts_after(args: dict[str, Any], topic_id: int) -> dict[str, Any]:
    """Posts numbered above ``after_number`` (catch up after a live reconnect)."""
    viewer = get_current_user()
    topic = access.access_topic(viewer, topic_id)
    return {"items": queries.posts_after(viewer, topic, args["after_number"], args["limit"])}


@blp.route("/topics/<int:topic_id>/posts", methods=["POST"])
@rate_limit("post")
@blp.arguments(PostReplySchema)
@blp.response(201, PostSchema)
@transactional
def create_post(data: dict[str, Any], topic_id: int) -> dict[str, Any]:
    """Reply ``{body, quote_post_id?}``. 409 ``topic_locked`` on a locked topic; 422 when the
    quoted post does not exist or is not visible to everybody."""
    user = require_user()
    topic = access.access_topic(user, topic_id, "reply")
    post = services.reply(user, topic, data["body"], data.get("quote_post_id"))
    return queries.one_post(user, post, topic)


@blp.route("/topics/<int:topic_id>/read", methods=["POST"])
@blp.arguments(TopicReadMarkSchema)
@blp.response(200, TopicReadStateSchema)
@transactional
def mark_read(data: dict[str, Any], topic_id: int) -> dict[str, Any]:
    """Move the caller's read mark to post ``number`` (never backwards)."""
    user = require_user()
    topic = access.access_topic(user, topic_id)
    services.mark_read(user, topic, data["number"])
    return {"last_read_number": queries.topic_state(user, topic)["last_read_number"] or 0}


@blp.route("/topics/<int:topic_id>/watch", methods=["PUT", "DELETE"])
@blp.response(200, ForumWatchStateSchema)
@transactional
def watch_topic(topic_id: int) -> dict[str, Any]:
    """PUT: be notified of replies; DELETE: stop. Authors and repliers watch automatically."""

    user = require_user()
    on = request.method == "PUT"
    services.set_watch(user, topic=access.access_topic(user, topic_id), on=on)
    return {"watching": on}


# ---------------------------------------------------------------- posts


@blp.route("/posts/<int:post_id>")
@blp.response(200, PostSchema)
def get_post(post_id: int) -> Any:
    """One post, with its ``version`` (also the ``ETag``)."""
    viewer = get_current_user()
    post, topic = access.access_post(viewer, post_id)
    return queries.one_post(viewer, post, topic), 200, {"ETag": f'"{post.version}"'}


@blp.route("/posts/<int:post_id>", methods=["PATCH"])
@rate_limit("post_edit")
@blp.arguments(PostPatchSchema)
@blp.response(200, PostSchema)
@transactional
def edit_post(data: dict[str, Any], post_id: int) -> Any:
    """The author or a moderator edits; the previous text goes to the visible history. Send
    the loaded version as ``If-Match`` (or ``version``): 409 ``edit_conflict`` when someone
    saved since."""
    user = require_user()
    expected = expected_version(data.get("version"))
    post, topic = access.access_post(user, post_id, "edit")
    services.edit_post(user, post, topic, data.get("body"), data.get("title"), expected)
    return queries.one_post(user, post, topic), 200, {"ETag": f'"{post.version}"'}


@blp.route("/posts/<int:post_id>", methods=["DELETE"])
@blp.response(204)
@transactional
def delete_post(post_id: int) -> None:
    """Soft delete by the author or a moderator: the post becomes a placeholder."""
    user = require_user()
    post, topic = access.access_post(user, post_id, "delete")
    services.delete_post(user, post, topic)


@blp.route("/posts/<int:post_id>/revisions")
@blp.response(200, PostRevisionListSchema)
def revisions(post_id: int) -> dict[str, Any]:
    """Earlier versions of a post, newest first (visible to whoever can read the post)."""
    viewer = get_current_user()
    post, _topic = access.access_post(viewer, post_id)
    rows = queries.post_revisions(post)
    return {
        "items": [
            {
                "id": rev.id,
                "body": rev.body,
                "body_html": str(serialize.revision_html(rev)),
                "editor": serialize.user_brief(editor),
                "created_at": rev.created_at,
            }
            for rev, editor in rows
        ]
    }


@blp.route("/posts/<int:post_id>/reactions", methods=["POST"])
@blp.arguments(PostReactionSchema)
@blp.response(201, PostReactionResultSchema)
@blp.alt_response(200, schema=PostReactionResultSchema, description="already reacted (idempotent)")
@transactional
def react(data: dict[str, Any], post_id: int) -> Any:
    """React with one of the fixed set. The same reaction again is idempotent (200)."""
    user = require_user()
    post, topic = access.access_post(user, post_id)
    _reaction, created = services.react(user, post, topic, data["kind"])
    return {
        "post": queries.one_post(user, post, topic),
        "created": created,
    }, 201 if created else 200


@blp.route("/posts/<int:post_id>/reactions/<string:kind>", methods=["DELETE"])
@blp.response(204)
@transactional
def unreact(post_id: int, kind: str) -> None:
    user = require_user()
    post, topic = access.access_post(user, post_id)
    services.unreact(user, post, topic, kind)


@blp.route("/posts/<int:post_id>/flags", methods=["POST"])
@blp.arguments(PostFlagSchema)
@blp.response(201, PostFlagResultSchema)
@transactional
def flag_post(data: dict[str, Any], post_id: int) -> Any:
    """Report a post to the moderators (``reason``: spam, offensive, off_topic, other).
    Twice by the same person: 409 ``already_flagged``."""
    user = require_user()
    post, topic = access.access_post(user, post_id)
    row = moderation.flag(user, post, topic, data["reason"], data["details"])
    return {"id": row.id, "post_id": post.id, "reason": row.reason}


@blp.route("/posts/<int:post_id>/moderate", methods=["POST"])
@blp.arguments(PostModerateSchema)
@blp.response(200, PostSchema)
@transactional
def moderate_post(data: dict[str, Any], post_id: int) -> dict[str, Any]:
    """Moderators: ``hide``, ``unhide``, ``approve``/``reject`` a held post, ``dismiss`` flags."""
    user = require_user()
    post, topic = access.access_post(user, post_id, "moderate")
    moderation.moderate_post(user, post, topic, data["action"])
    return queries.one_post(user, post, topic)


@blp.route("/forums/moderation")
@blp.response(200, ForumQueueSchema)
def moderation_queue() -> dict[str, Any]:
    """Held posts and open flags in the forums the caller moderates (admins: all)."""
    user = require_user()
    if access.moderated_forum_ids(user) == set():
        raise ApiError(403, "forbidden", _("Only moderators may see the moderation queue."))
    return queries.moderation_queue(user)
