"""Read models shared by the JSON API and the pages, each a constant number of SQL queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, Select, and_, func, or_, select, true
from sqlalchemy.orm import aliased

from app.accounts.models import User
from app.accounts.services import platform_admin_ids
from app.api import MAX_PER_PAGE
from app.db import db
from forums import access
from forums.models import (
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
from forums.serialize import PostExtras, forum_dict, serialize_posts, topic_dict, user_brief
from forums.text import mentioned_usernames


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
    pairs = [(p, a) for p, a in rows]
    items = serialize_posts(viewer, topic, pairs, post_extras(viewer, pairs, topic.forum_id))
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
    pairs = [(p, a) for p, a in rows]
    return serialize_posts(viewer, topic, pairs, post_extras(viewer, pairs, topic.forum_id))


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


def stored_post(user: User, post_id: int, need: str = "edit") -> tuple[Post, Topic]:
    """The post and its topic as stored now (nothing kept from what this request loaded
    before), for ``user``: the edit page shown again after an edit refused as stale."""
    db.session.expire_all()
    return access.access_post(user, post_id, need)


def one_post(viewer: User | None, post: Post, topic: Topic) -> dict[str, Any]:
    """One post as the API shows it."""
    author = db.session.get(User, post.author_id)
    assert author is not None  # posts cascade with their author
    pairs = [(post, author)]
    return serialize_posts(viewer, topic, pairs, post_extras(viewer, pairs, topic.forum_id))[0]


def post_extras(
    viewer: User | None, rows: list[tuple[Post, User]], forum_id: int | None = None
) -> PostExtras:
    """What ``rows`` of posts (of one topic, in the forum ``forum_id``) show besides
    themselves, in three queries whatever their number: reaction counts, ``viewer``'s own
    reactions, and the quoted posts; and whether ``viewer`` moderates that forum."""
    moderator = forum_id is not None and access.is_moderator(viewer, forum_id) if viewer else False
    ids = [post.id for post, _a in rows]
    if not ids:
        return PostExtras(moderator=moderator)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for post_id, kind, count in db.session.execute(
        select(Reaction.post_id, Reaction.kind, func.count(Reaction.id))
        .where(Reaction.post_id.in_(ids))
        .group_by(Reaction.post_id, Reaction.kind)
    ):
        counts[post_id][kind] = int(count)
    mine: dict[int, set[str]] = defaultdict(set)
    if viewer is not None:
        for post_id, kind in db.session.execute(
            select(Reaction.post_id, Reaction.kind).where(
                Reaction.post_id.in_(ids), Reaction.user_id == viewer.id
            )
        ):
            mine[post_id].add(kind)
    quotes: dict[int, tuple[Post, User, Topic]] = {}
    quote_ids = {post.quote_post_id for post, _a in rows if post.quote_post_id}
    if quote_ids:
        for qpost, qauthor, qtopic in db.session.execute(
            select(Post, User, Topic)
            .join(User, User.id == Post.author_id)
            .join(Topic, Topic.id == Post.topic_id)
            .where(Post.id.in_(quote_ids))
        ):
            quotes[qpost.id] = (qpost, qauthor, qtopic)
    return PostExtras(counts=counts, mine=mine, quotes=quotes, moderator=moderator)


def count_forums() -> int:
    return int(db.session.scalar(select(func.count(Forum.id))) or 0)


def latest_topics(limit: int) -> Sequence[Row[Any, Any, Any, Any]]:
    """What visitors may read, the latest replied first (``topic_list_query``'s rows)."""
    return db.session.execute(
        topic_list_query(None, None)
        .order_by(Topic.last_post_at.desc(), Topic.id.desc())
        .limit(limit)
    ).all()


def members_topics(
    author_ids: Select[Any], viewer: User | None, limit: int
) -> Sequence[Row[int, str, dt.datetime, str]]:
    """``(id, title, last_post_at, author's name)`` of the latest discussions started by
    ``author_ids`` (a subquery) that ``viewer`` may read. Columns, not entities: this block is
    on every association page (bench/load.py)."""
    return db.session.execute(
        select(Topic.id, Topic.title, Topic.last_post_at, User.display_name)
        .join(User, User.id == Topic.author_id)
        .where(
            visible_topics_clause(viewer, None),
            Topic.author_id.in_(author_ids),
            User.deleted_at.is_(None),
        )
        .order_by(Topic.last_post_at.desc(), Topic.id.desc())
        .limit(limit)
    ).all()
