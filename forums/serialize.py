"""Forums, topics, posts and revisions as the dictionaries the API answers and the ``/forums``
namespace pushes (one shape for both). What a page of posts carries besides its rows (reaction
counts, the viewer's reactions, quoted posts) is read by ``forums.queries.post_extras`` and
handed in as :class:`PostExtras`: nothing here queries the posts' surroundings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from markupsafe import Markup

from app.accounts.avatars import avatar_url
from app.accounts.models import User
from app.markdown import html_text, render_markdown
from forums.models import REACTIONS, Forum, Post, PostRevision, Topic
from forums.schemas import PostSchema

QUOTE_EXCERPT = 300


@lru_cache(maxsize=2048)
def quote_excerpt(body_html: str) -> str:
    """The plain-text start of a quoted post, from its stored HTML (no Markdown parsing)."""
    excerpt = html_text(body_html)
    return excerpt[:QUOTE_EXCERPT] + ("…" if len(excerpt) > QUOTE_EXCERPT else "")


def revision_html(revision: PostRevision) -> Markup:
    """The HTML stored with a revision; rendered here only for revisions older than that."""
    if revision.body_html is not None:
        return Markup(revision.body_html)  # noqa: S704 - sanitized when it was stored
    return render_markdown(revision.body)


def user_brief(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.public_name,
        "avatar_url": avatar_url(user),
    }


def forum_dict(
    forum: Forum,
    locale: str | None,
    last_topic: Topic | None = None,
    unread: int = 0,
    watching: bool = False,
) -> dict[str, Any]:
    return {
        "id": forum.id,
        "field_id": forum.field_id,
        "name": forum.label(locale),
        "name_ar": forum.name_ar,
        "name_fr": forum.name_fr,
        "name_en": forum.name_en,
        "description": forum.description(locale),
        "description_ar": forum.description_ar,
        "description_fr": forum.description_fr,
        "description_en": forum.description_en,
        "topic_count": forum.topic_count,
        "post_count": forum.post_count,
        "last_post_at": forum.last_post_at,
        "last_topic": {"id": last_topic.id, "title": last_topic.title} if last_topic else None,
        "unread_topics": unread,
        "watching": watching,
    }


def topic_dict(
    topic: Topic,
    author: User | None,
    last_poster: User | None = None,
    read_number: int | None = None,
    viewer: User | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": topic.id,
        "forum_id": topic.forum_id,
        "title": topic.title,
        "author": user_brief(author),
        "created_at": topic.created_at,
        "pinned": topic.pinned,
        "locked": topic.locked,
        "hidden": topic.hidden,
        "pending": topic.pending,
        "deleted": topic.deleted,
        "post_count": topic.post_count,
        "last_number": topic.last_number,
        "last_post_at": topic.last_post_at,
        "last_poster": user_brief(last_poster),
        "unread_count": 0,
        "new": False,
    }
    if viewer is not None:
        if read_number is None:
            data["new"] = topic.created_at > viewer.created_at
            data["unread_count"] = topic.last_number if data["new"] else 0
        else:
            data["unread_count"] = max(0, topic.last_number - read_number)
    return data


@dataclass(frozen=True)
class PostExtras:
    """What a page of posts shows besides their rows: reaction counts per post and kind, the
    viewer's own reactions, the quoted posts with their authors and topics, and whether the
    viewer moderates the topic's forum."""

    counts: Mapping[int, Mapping[str, int]] = field(default_factory=dict)
    mine: Mapping[int, set[str]] = field(default_factory=dict)
    quotes: Mapping[int, tuple[Post, User, Topic]] = field(default_factory=dict)
    moderator: bool = False


def serialize_posts(
    viewer: User | None,
    topic: Topic,
    rows: list[tuple[Post, User]],
    extras: PostExtras,
) -> list[dict[str, Any]]:
    """Posts as the API shows them to ``viewer``, with ``extras`` read for these rows
    (``forums.queries.post_extras``)."""
    counts, mine, quotes, moderator = extras.counts, extras.mine, extras.quotes, extras.moderator
    out = []
    for post, author in rows:
        readable = _readable(viewer, post, moderator)
        quote = None
        if post.quote_post_id:
            found = quotes.get(post.quote_post_id)
            if found and found[2].publicly_visible and found[0].publicly_visible:
                qpost, qauthor, qtopic = found
                quote = {
                    "post_id": qpost.id,
                    "topic_id": qtopic.id,
                    "number": qpost.number,
                    "author": user_brief(qauthor),
                    "excerpt": quote_excerpt(qpost.body_html),
                }
            else:
                quote = {
                    "post_id": None,
                    "topic_id": None,
                    "number": None,
                    "author": None,
                    "excerpt": "",
                }
        is_author = viewer is not None and viewer.id == post.author_id
        out.append(
            {
                "id": post.id,
                "topic_id": post.topic_id,
                "number": post.number,
                "author": user_brief(author),
                "body": post.body if readable else "",
                "body_html": post.body_html if readable else "",
                "quote": quote,
                "created_at": post.created_at,
                "edited_at": post.edited_at,
                "edit_count": post.edit_count,
                "version": post.version,
                "deleted": post.deleted_at is not None,
                "hidden": post.hidden,
                "pending": post.pending,
                "flag_count": post.flag_count if moderator else 0,
                "reactions": [
                    {
                        "kind": kind,
                        "emoji": emoji,
                        "count": counts[post.id].get(kind, 0),
                        "mine": kind in mine[post.id],
                    }
                    for kind, emoji in REACTIONS.items()
                ],
                "can_edit": post.deleted_at is None
                and (moderator or (is_author and not topic.locked)),
                "can_delete": post.deleted_at is None and (moderator or is_author),
            }
        )
    return out


def _readable(viewer: User | None, post: Post, moderator: bool) -> bool:
    if post.deleted_at is not None:
        return moderator
    if post.hidden:
        return moderator or (viewer is not None and viewer.id == post.author_id)
    return True


def live_payload(topic: Topic, post: Post, author: User, extras: PostExtras) -> dict[str, Any]:
    """A post as pushed to the topic's readers: the public view, JSON-ready."""
    data: dict[str, Any] = PostSchema().dump(
        serialize_posts(None, topic, [(post, author)], extras)[0]
    )
    return data
