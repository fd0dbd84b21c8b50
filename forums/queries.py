"""Read models shared by the JSON API and the pages, each a constant number of SQL queries."""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from typing import Any

from markupsafe import Markup
from sqlalchemy import and_, func, or_, select, true
from sqlalchemy.orm import aliased

from app.accounts.avatars import avatar_url
from app.accounts.models import User
from app.accounts.services import platform_admin_ids
from app.api import MAX_PER_PAGE
from app.db import db
from app.markdown import html_text, render_markdown
from forums import access
from forums.models import (
    REACTIONS,
    Flag,
    Forum,
    ForumModerator,
    Post,
    PostRevision,
    Reaction,
    Topic,
    TopicRead,
    Watch,
)
from forums.text import mentioned_usernames

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


def forum_index(viewer: User | None, locale: str | None) -> list[dict[str, Any]]:
    """Every forum with its last topic, and the viewer's unread topic count per forum."""
    last = aliased(Topic)
    rows = db.session.execute(
        select(Forum, last)
        .outerjoin(last, last.id == Forum.last_topic_id)
        .order_by(Forum.position, Forum.id)
    ).all()
    unread: dict[int, int] = {}
    watched: set[int] = set()
    if viewer is not None:
        read = aliased(TopicRead)
        unread = {
            forum_id: int(count)
            for forum_id, count in db.session.execute(
                select(Topic.forum_id, func.count(Topic.id))
                .outerjoin(read, and_(read.topic_id == Topic.id, read.user_id == viewer.id))
                .where(
                    *_public_topic(),
                    or_(
                        and_(read.id.is_(None), Topic.created_at > viewer.created_at),
                        read.last_read_number < Topic.last_number,
                    ),
                )
                .group_by(Topic.forum_id)
            )
        }
        watched = set(
            db.session.scalars(
                select(Watch.forum_id).where(
                    Watch.user_id == viewer.id, Watch.forum_id.is_not(None)
                )
            )
        )
    return [
        forum_dict(forum, locale, topic, unread.get(forum.id, 0), forum.id in watched)
        for forum, topic in rows
    ]


def _public_topic() -> tuple[Any, ...]:
    return (Topic.hidden.is_(False), Topic.pending.is_(False), Topic.deleted.is_(False))


def visible_topics_clause(viewer: User | None, forum_id: int | None = None) -> Any:
    """Topics ``viewer`` may list (in ``forum_id``, or anywhere)."""
    public = and_(*_public_topic())
    if viewer is None:
        return public
    mods = access.moderated_forum_ids(viewer)
    if mods is None or (forum_id is not None and forum_id in mods):
        return true()  # moderators see every topic, deleted ones marked as such
    clauses = [
        public,
        and_(
            Topic.pending.is_(True),
            Topic.hidden.is_(False),
            Topic.author_id == viewer.id,
            Topic.deleted.is_(False),
        ),
    ]
    if mods:
        clauses.append(Topic.forum_id.in_(mods))
    return or_(*clauses)


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


def topic_list_query(viewer: User | None, forum_id: int | None, read: Any = None) -> Any:
    author = aliased(User)
    poster = aliased(User)
    read = read if read is not None else aliased(TopicRead)
    query: Any = (
        select(Topic, author, poster, read.last_read_number if viewer else Topic.id)
        .join(author, author.id == Topic.author_id)
        .outerjoin(poster, poster.id == Topic.last_poster_id)
        .where(visible_topics_clause(viewer, forum_id))
    )
    if viewer is not None:
        query = query.outerjoin(read, and_(read.topic_id == Topic.id, read.user_id == viewer.id))
    if forum_id is not None:
        query = query.where(Topic.forum_id == forum_id)
    return query


def list_topics(viewer: User | None, forum: Forum, page: int, per_page: int) -> dict[str, Any]:
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    query = topic_list_query(viewer, forum.id).order_by(
        Topic.pinned.desc(), Topic.last_post_at.desc(), Topic.id.desc()
    )
    total = db.session.scalar(
        select(func.count(Topic.id)).where(
            Topic.forum_id == forum.id, visible_topics_clause(viewer, forum.id)
        )
    )
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    items = [topic_dict(t, a, p, r if viewer is not None else None, viewer) for t, a, p, r in rows]
    return {"items": items, "total": int(total or 0), "page": page, "per_page": per_page}


def unread_topics(viewer: User, page: int, per_page: int) -> dict[str, Any]:
    """Topics with posts the viewer has not read (watched or opened before, or new)."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    read = aliased(TopicRead)
    condition = or_(
        and_(read.id.is_(None), Topic.created_at > viewer.created_at),
        read.last_read_number < Topic.last_number,
    )
    query = (
        topic_list_query(viewer, None, read)
        .where(condition)
        .order_by(Topic.last_post_at.desc(), Topic.id.desc())
    )
    total = db.session.scalar(
        select(func.count(Topic.id))
        .outerjoin(read, and_(read.topic_id == Topic.id, read.user_id == viewer.id))
        .where(visible_topics_clause(viewer), condition)
    )
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    return {
        "items": [topic_dict(t, a, p, r, viewer) for t, a, p, r in rows],
        "total": int(total or 0),
        "page": page,
        "per_page": per_page,
    }


# ---------------------------------------------------------------- posts


def serialize_posts(
    viewer: User | None,
    topic: Topic,
    rows: list[tuple[Post, User]],
) -> list[dict[str, Any]]:
    """Posts as the API shows them to ``viewer``: three queries whatever their number
    (reaction counts, the viewer's reactions, quoted posts)."""
    ids = [post.id for post, _a in rows]
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    mine: dict[int, set[str]] = defaultdict(set)
    quotes: dict[int, tuple[Post, User, Topic]] = {}
    if ids:
        for post_id, kind, count in db.session.execute(
            select(Reaction.post_id, Reaction.kind, func.count(Reaction.id))
            .where(Reaction.post_id.in_(ids))
            .group_by(Reaction.post_id, Reaction.kind)
        ):
            counts[post_id][kind] = int(count)
        if viewer is not None:
            for post_id, kind in db.session.execute(
                select(Reaction.post_id, Reaction.kind).where(
                    Reaction.post_id.in_(ids), Reaction.user_id == viewer.id
                )
            ):
                mine[post_id].add(kind)
        quote_ids = {post.quote_post_id for post, _a in rows if post.quote_post_id}
        if quote_ids:
            for qpost, qauthor, qtopic in db.session.execute(
                select(Post, User, Topic)
                .join(User, User.id == Post.author_id)
                .join(Topic, Topic.id == Post.topic_id)
                .where(Post.id.in_(quote_ids))
            ):
                quotes[qpost.id] = (qpost, qauthor, qtopic)
    moderator = access.is_moderator(viewer, topic.forum_id) if viewer else False
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


def _posts_query(viewer: User | None, topic: Topic) -> Any:
    query = (
        select(Post, User).join(User, User.id == Post.author_id).where(Post.topic_id == topic.id)
    )
    if not access.is_moderator(viewer, topic.forum_id):
        if viewer is None:
            query = query.where(Post.pending.is_(False))
        else:
            query = query.where(or_(Post.pending.is_(False), Post.author_id == viewer.id))
    return query


def topic_posts(viewer: User | None, topic: Topic, page: int, per_page: int) -> dict[str, Any]:
    """One page of a topic by post number: numbers ((page-1)*per_page, page*per_page], an
    indexed range on (topic_id, number) that costs the same on page 1 and on page 500."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    low = (page - 1) * per_page
    rows = db.session.execute(
        _posts_query(viewer, topic)
        .where(Post.number > low, Post.number <= low + per_page)
        .order_by(Post.number)
    ).all()
    items = serialize_posts(viewer, topic, [(p, a) for p, a in rows])
    return {"items": items, "total": topic.last_number, "page": page, "per_page": per_page}


def posts_after(
    viewer: User | None, topic: Topic, after_number: int, limit: int
) -> list[dict[str, Any]]:
    """Posts numbered above ``after_number`` (live catch-up after a reconnect)."""
    rows = db.session.execute(
        _posts_query(viewer, topic)
        .where(Post.number > after_number)
        .order_by(Post.number)
        .limit(limit)
    ).all()
    return serialize_posts(viewer, topic, [(p, a) for p, a in rows])


def topic_state(viewer: User | None, topic: Topic) -> dict[str, Any]:
    """The viewer's watch and read state of ``topic`` (two queries when signed in)."""
    if viewer is None:
        return {"watching": False, "last_read_number": None}
    watching = db.session.scalar(
        select(Watch.id).where(Watch.user_id == viewer.id, Watch.topic_id == topic.id)
    )
    read = db.session.scalar(
        select(TopicRead.last_read_number).where(
            TopicRead.user_id == viewer.id, TopicRead.topic_id == topic.id
        )
    )
    return {"watching": watching is not None, "last_read_number": read}


def moderation_queue(viewer: User) -> dict[str, list[dict[str, Any]]]:
    """Held posts and flagged posts (open flags) in the forums ``viewer`` moderates."""
    mods = access.moderated_forum_ids(viewer)
    scope = [] if mods is None else [Topic.forum_id.in_(mods or {-1})]
    held = db.session.execute(
        select(Post, User, Topic)
        .join(User, User.id == Post.author_id)
        .join(Topic, Topic.id == Post.topic_id)
        .where(Post.pending.is_(True), Post.deleted_at.is_(None), Topic.deleted.is_(False), *scope)
        .order_by(Post.id)
        .limit(200)
    ).all()
    flagged = db.session.execute(
        select(Flag, Post, User, Topic)
        .join(Post, Post.id == Flag.post_id)
        .join(User, User.id == Flag.user_id)
        .join(Topic, Topic.id == Post.topic_id)
        .where(Flag.resolved_at.is_(None), *scope)
        .order_by(Flag.id)
        .limit(500)
    ).all()
    by_post: dict[int, dict[str, Any]] = {}
    for flag, post, reporter, topic in flagged:
        entry = by_post.setdefault(
            post.id,
            {
                "post_id": post.id,
                "topic_id": topic.id,
                "topic_title": topic.title,
                "number": post.number,
                "body_html": post.body_html,
                "hidden": post.hidden,
                "flags": [],
            },
        )
        entry["flags"].append(
            {
                "id": flag.id,
                "reason": flag.reason,
                "details": flag.details,
                "user": user_brief(reporter),
                "created_at": flag.created_at,
            }
        )
    return {
        "held": [
            {
                "post_id": p.id,
                "topic_id": t.id,
                "topic_title": t.title,
                "number": p.number,
                "author": user_brief(a),
                "body_html": p.body_html,
                "created_at": p.created_at,
            }
            for p, a, t in held
        ],
        "flagged": list(by_post.values()),
    }


def live_payload(topic: Topic, post: Post, author: User) -> dict[str, Any]:
    """A post as pushed to the topic's readers: the public view, JSON-ready."""
    from forums.schemas import PostSchema

    data: dict[str, Any] = PostSchema().dump(serialize_posts(None, topic, [(post, author)])[0])
    return data


def page_of(number: int, per_page: int = 20) -> int:
    return (max(number, 1) - 1) // per_page + 1


def mention_map(body: str) -> dict[str, tuple[int, str]]:
    """The active users ``body`` mentions, by lowercased username: (id, username)."""
    names = mentioned_usernames(body)
    if not names:
        return {}
    rows = db.session.execute(
        select(User.id, User.username).where(
            func.lower(User.username).in_(names), User.is_active.is_(True)
        )
    ).all()
    return {username.lower(): (uid, username) for uid, username in rows}


def moderator_ids(forum_id: int) -> list[int]:
    """Who moderates the forum: its moderators and the platform administrators."""
    mods = set(
        db.session.scalars(
            select(ForumModerator.user_id).where(ForumModerator.forum_id == forum_id)
        )
    )
    mods |= set(platform_admin_ids())
    return sorted(mods)


def watching_forum(viewer: User, forum_id: int) -> bool:
    """Whether ``viewer`` watches the forum (one query)."""
    return (
        db.session.scalar(
            select(Watch.id).where(Watch.user_id == viewer.id, Watch.forum_id == forum_id)
        )
        is not None
    )


def all_forums() -> list[Forum]:
    """Every forum in display order (a moderator's "move to" choices)."""
    return list(db.session.scalars(select(Forum).order_by(Forum.position, Forum.id)))


def post_revisions(post: Post) -> list[tuple[PostRevision, User | None]]:
    """A post's earlier versions with their editors, newest first (one query)."""
    rows = db.session.execute(
        select(PostRevision, User)
        .outerjoin(User, User.id == PostRevision.editor_id)
        .where(PostRevision.post_id == post.id)
        .order_by(PostRevision.id.desc())
    ).all()
    return [(rev, editor) for rev, editor in rows]


def feed_topics(forum_id: int, limit: int = 30) -> list[tuple[Topic, Post, User]]:
    """The forum's latest public topics with their first post and author (one query)."""
    rows = db.session.execute(
        select(Topic, Post, User)
        .join(Post, (Post.topic_id == Topic.id) & (Post.number == 1))
        .join(User, User.id == Topic.author_id)
        .where(
            Topic.forum_id == forum_id,
            Topic.hidden.is_(False),
            Topic.pending.is_(False),
            Topic.deleted.is_(False),
        )
        .order_by(Topic.created_at.desc(), Topic.id.desc())
        .limit(limit)
    ).all()
    return [(t, p, a) for t, p, a in rows]


def one_post(viewer: User | None, post: Post, topic: Topic) -> dict[str, Any]:
    """One post as the API shows it."""
    author = db.session.get(User, post.author_id)
    assert author is not None  # posts cascade with their author
    return serialize_posts(viewer, topic, [(post, author)])[0]
