"""The plain writes of the forums: forums, topics, posts, reactions, read marks and watches
(who is then notified: ``forums.notify``; flags, hiding and topic moderation:
``forums.moderation``; reads: ``forums.queries``). Each function takes an explicit ``actor``
and flushes, never commits: the caller's transaction (``@transactional`` endpoint, ``attempt``
on a page, ``transaction()`` in the CLI) keeps or undoes all of it, and realtime events leave
after commit.

Twin requests (a double tap, two tabs) that add the same reaction, watch or read mark (or, in
``forums.moderation``, flag or moderator) answer as if the first one had won, never with an
``IntegrityError``.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import event, exists, func, select, update
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.api import ApiError, check_version, invalid, not_found
from app.db import db, for_update, insert_once, utcnow
from app.realtime import emit_after_commit, recheck_rooms_after_commit
from app.text import clean_name, clean_text
from directory import Field, get_field, list_fields
from forums import access
from forums.models import (
    BODY_MAX,
    DESCRIPTION_MAX,
    NAME_MAX,
    REACTIONS,
    TITLE_MAX,
    TITLE_MIN,
    Forum,
    Post,
    PostRevision,
    Reaction,
    Topic,
    TopicRead,
    Watch,
)
from forums.notify import notify_mentions, notify_published, post_url
from forums.queries import mention_map, post_extras
from forums.serialize import live_payload
from forums.text import _, render_post

NAMESPACE = "/forums"


def topic_room(topic_id: int) -> str:
    return f"forum_topic:{topic_id}"


# ---------------------------------------------------------------- validation


def clean_body(body: Any) -> str:
    text = clean_text(body if isinstance(body, str) else "")
    if not text:
        raise invalid(_("Write something first."), {"body": [_("Required.")]})
    if len(text) > BODY_MAX:
        raise ApiError(
            413 if len(text) > 4 * BODY_MAX else 422,
            "too_large" if len(text) > 4 * BODY_MAX else "validation_failed",
            _("The text is too long."),
            {"body": [_("At most %(n)d characters.", n=BODY_MAX)]},
        )
    return text


def clean_title(title: Any) -> str:
    text = clean_name(title if isinstance(title, str) else "")
    if len(text) < TITLE_MIN or len(text) > TITLE_MAX:
        raise invalid(
            _("The title is not valid."),
            {"title": [_("Between %(a)d and %(b)d characters.", a=TITLE_MIN, b=TITLE_MAX)]},
        )
    return text


# ---------------------------------------------------------------- forums


def _forum_fields(data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key in ("name_ar", "name_fr", "name_en"):
        if key in data:
            values[key] = clean_name(str(data[key] or ""))[:NAME_MAX]
    for key in ("description_ar", "description_fr", "description_en"):
        if key in data:
            values[key] = clean_text(str(data[key] or ""))[:DESCRIPTION_MAX]
    if "position" in data:
        values["position"] = int(data["position"] or 0)
    if "field_id" in data:
        field_id = data["field_id"]
        if field_id is not None and get_field(field_id) is None:
            raise invalid(_("Unknown field."), {"field_id": [_("Unknown field.")]})
        values["field_id"] = field_id
    if not partial and not any(values.get(k) for k in ("name_ar", "name_fr", "name_en")):
        raise invalid(_("Give the forum a name."), {"name_en": [_("A name is required.")]})
    return values


def create_forum(actor: User, data: dict[str, Any]) -> Forum:
    if not actor.is_admin:
        raise ApiError(403, "forbidden", _("Only platform administrators may do this."))
    forum = Forum(**_forum_fields(data, partial=False))
    db.session.add(forum)
    db.session.flush()
    return forum


def update_forum(actor: User, forum: Forum, data: dict[str, Any]) -> Forum:
    if not actor.is_admin:
        raise ApiError(403, "forbidden", _("Only platform administrators may do this."))
    for key, value in _forum_fields(data, partial=True).items():
        setattr(forum, key, value)
    if not (forum.name_ar or forum.name_fr or forum.name_en):
        raise invalid(_("Give the forum a name."), {"name_en": [_("A name is required.")]})
    return forum


def field_forum(field: Any) -> Forum:
    """The forum of a field of activity (not added to the session)."""
    return Forum(
        field_id=field.id,
        name_ar=field.name_ar,
        name_fr=field.name_fr,
        name_en=field.name_en,
        description_ar=f"نقاشات وتبادل الخبرات في مجال {field.name_ar}.",
        description_fr=f"Discussions et partage d’expériences : {field.name_fr}.",
        description_en=f"Discussions and shared experience: {field.name_en}.",
        position=100 + field.position,
    )


def sync_field_forums() -> int:
    """Create the missing forum of each field of activity; returns how many were created.

    Forums of new fields are created as the field is written (:func:`watch_new_fields`); this
    catches up on fields written without the ORM (the demo loader calls it)."""

    missing = select(Field.id).where(~exists().where(Forum.field_id == Field.id)).limit(1)
    if db.session.scalar(missing) is None:
        return 0
    have = set(db.session.scalars(select(Forum.field_id).where(Forum.field_id.is_not(None))))
    created = 0
    for field in list_fields():
        if field.id not in have:
            db.session.add(field_forum(field))
            created += 1
    if created:
        db.session.flush()
    return created


def watch_new_fields() -> None:
    """Give every new field of activity its forum in the transaction that creates the field,
    so that no read (``GET /forums``) ever has to write."""

    if getattr(watch_new_fields, "installed", False):
        return

    @event.listens_for(Session, "after_flush")
    def _new_fields(session: Session, _context: Any) -> None:
        fields = [obj for obj in session.new if isinstance(obj, Field)]
        if fields:
            session.info.setdefault("new_fields", []).extend(fields)

    @event.listens_for(Session, "after_flush_postexec")
    def _add_forums(session: Session, _context: Any) -> None:
        # Added here, the forums are flushed by the same commit (or the next flush).
        for field in session.info.pop("new_fields", []):
            session.add(field_forum(field))

    watch_new_fields.installed = True  # type: ignore[attr-defined]


# ---------------------------------------------------------------- posting


def _should_hold(actor: User, forum_id: int) -> bool:
    threshold = int(current_app.config["JAM3IA"].hold_first_posts or 0)
    if threshold <= 0 or access.is_moderator(actor, forum_id):
        return False
    approved = db.session.scalar(
        select(func.count(Post.id)).where(Post.author_id == actor.id, Post.pending.is_(False))
    )
    return int(approved or 0) < threshold


def _next_number(topic: Topic) -> int:
    number = db.session.scalar(
        update(Topic)
        .where(Topic.id == topic.id)
        .values(last_number=Topic.last_number + 1)
        .returning(Topic.last_number)
    )
    db.session.refresh(topic, ["last_number"])
    return int(number or topic.last_number)


def _visible_quote(actor: User, quote_post_id: int | None) -> Post | None:
    if quote_post_id is None:
        return None
    try:
        quoted, _topic = access.access_post(actor, quote_post_id, "read")
    except ApiError:
        quoted = None
    if quoted is None or not quoted.publicly_visible or not _topic.publicly_visible:
        raise invalid(
            _("The quoted post does not exist or cannot be quoted."),
            {"quote_post_id": [_("Not found.")]},
        )
    return quoted


def _add_post(actor: User, topic: Topic, body: str, quote: Post | None, pending: bool) -> Post:
    post = Post(
        topic_id=topic.id,
        number=_next_number(topic),
        author_id=actor.id,
        body=body,
        body_html=str(render_post(body, mention_map(body))),
        quote_post_id=quote.id if quote else None,
        pending=pending,
    )
    db.session.add(post)
    db.session.flush()
    return post


def create_topic(actor: User, forum: Forum, title: Any, body: Any) -> tuple[Topic, Post]:
    title_text = clean_title(title)
    body_text = clean_body(body)
    held = _should_hold(actor, forum.id)
    topic = Topic(forum_id=forum.id, author_id=actor.id, title=title_text, pending=held)
    db.session.add(topic)
    db.session.flush()
    post = _add_post(actor, topic, body_text, None, held)
    _watch(actor.id, topic_id=topic.id)
    if not held:
        refresh_counters(topic)
        publish(actor, topic, post, new_topic=True)
    return topic, post


def _lock_open_topic(actor: User, topic: Topic) -> None:
    """Lock the topic's row, then check again what the caller's access check read before the
    lock: a moderator may have locked, hidden or deleted it meanwhile."""
    db.session.scalars(
        for_update(select(Topic).where(Topic.id == topic.id)).execution_options(
            populate_existing=True
        )
    ).one()
    if not access.can_see_topic(actor, topic):
        raise not_found()
    if topic.locked and not access.is_moderator(actor, topic.forum_id):
        raise ApiError(409, "topic_locked", _("This topic is locked; no new replies."))


def reply(actor: User, topic: Topic, body: Any, quote_post_id: int | None = None) -> Post:
    body_text = clean_body(body)
    _lock_open_topic(actor, topic)
    quote = _visible_quote(actor, quote_post_id)
    held = topic.pending or _should_hold(actor, topic.forum_id)
    post = _add_post(actor, topic, body_text, quote, held)
    _watch(actor.id, topic_id=topic.id)
    if not held:
        refresh_counters(topic)
        publish(actor, topic, post, new_topic=False)
    return post


def publish(actor: User, topic: Topic, post: Post, *, new_topic: bool) -> None:
    """Notifications and live events once a post is visible to everybody."""
    author = db.session.get(User, post.author_id) or actor
    notify_published(author, topic, post, new_topic=new_topic)
    payload = live_payload(topic, post, author, post_extras(None, [(post, author)]))
    emit_after_commit("post_new", {"post": payload}, to=topic_room(topic.id), namespace=NAMESPACE)


def emit_updated(post: Post, topic: Topic) -> None:
    author = db.session.get(User, post.author_id)
    if author is None:
        return
    payload = live_payload(topic, post, author, post_extras(None, [(post, author)]))
    emit_after_commit(
        "post_updated", {"post": payload}, to=topic_room(topic.id), namespace=NAMESPACE
    )


def edit_post(
    actor: User,
    post: Post,
    topic: Topic,
    body: Any,
    title: Any = None,
    expected_version: int | None = None,
) -> Post:
    """Edit a post (and the topic's title with post 1). ``expected_version``: the version the
    editor loaded; 409 ``edit_conflict`` when someone saved since (checked under the lock)."""
    # fetched under the lock, so the check below reads what the last editor committed
    db.session.scalars(
        for_update(select(Post).where(Post.id == post.id)).execution_options(populate_existing=True)
    ).one()
    db.session.refresh(topic)
    check_version(post.version, expected_version)
    body_text = clean_body(body) if body is not None else post.body
    changed = body_text != post.body
    if title is not None and post.number == 1:
        new_title = clean_title(title)
        changed = changed or new_title != topic.title
        topic.title = new_title
    if changed:
        post.bump_version()
    if body_text != post.body:
        db.session.add(
            PostRevision(
                post_id=post.id, editor_id=actor.id, body=post.body, body_html=post.body_html
            )
        )
        post.body = body_text
        post.body_html = str(render_post(body_text, mention_map(body_text)))
        post.edited_at = utcnow()
        post.edit_count += 1
    db.session.flush()
    if post.publicly_visible and topic.publicly_visible:
        emit_updated(post, topic)
        author = db.session.get(User, post.author_id) or actor
        notify_mentions(author, topic, post, post_url(topic, post))
    return post


def delete_post(actor: User, post: Post, topic: Topic) -> None:
    """Soft delete: the post stays as a placeholder, its number kept; moderators can restore
    it. Deleting post 1 deletes the topic (like Discourse): its author may do so only while
    nobody else replied (409 ``topic_has_replies``); a moderator always may."""
    if post.number == 1 and not access.is_moderator(actor, topic.forum_id):
        # locked first: a reply arriving meanwhile waits, then finds the topic deleted
        db.session.scalars(for_update(select(Topic.id).where(Topic.id == topic.id))).all()
        others = db.session.scalar(
            select(func.count())
            .select_from(Post)
            .where(
                Post.topic_id == topic.id,
                Post.author_id != post.author_id,
                Post.deleted_at.is_(None),
            )
        )
        if others:
            raise ApiError(
                409,
                "topic_has_replies",
                _(
                    "Other people replied to this topic: it can no longer be deleted. "
                    "Delete your own posts, or ask a moderator."
                ),
            )
    post.deleted_at = utcnow()
    if post.number == 1:
        topic.deleted = True
        # readers who may no longer see it leave its room
        recheck_rooms_after_commit(topic_room(topic.id), NAMESPACE)
    db.session.flush()
    refresh_counters(topic)
    emit_updated(post, topic)


# ---------------------------------------------------------------- reactions


def react(actor: User, post: Post, topic: Topic, kind: str) -> tuple[Reaction, bool]:
    """Add a reaction; the same one again is idempotent: (existing, False)."""
    if kind not in REACTIONS:
        raise invalid(
            _("Unknown reaction."), {"kind": [_("One of: %(k)s", k=", ".join(REACTIONS))]}
        )
    if not post.publicly_visible:
        raise ApiError(409, "not_reactable", _("This post cannot receive reactions."))
    existing = db.session.scalar(
        select(Reaction).where(
            Reaction.post_id == post.id, Reaction.user_id == actor.id, Reaction.kind == kind
        )
    )
    if existing is not None:
        return existing, False
    reaction = Reaction(post_id=post.id, user_id=actor.id, kind=kind)
    if not insert_once(reaction):  # a concurrent request added the same one first
        found = db.session.scalar(
            select(Reaction).where(
                Reaction.post_id == post.id, Reaction.user_id == actor.id, Reaction.kind == kind
            )
        )
        if found is None:  # pragma: no cover - another constraint failed
            raise ApiError(409, "conflict", _("Please try again."))
        return found, False
    emit_updated(post, topic)
    return reaction, True


def unreact(actor: User, post: Post, topic: Topic, kind: str) -> bool:
    existing = db.session.scalar(
        select(Reaction).where(
            Reaction.post_id == post.id, Reaction.user_id == actor.id, Reaction.kind == kind
        )
    )
    if existing is None:
        return False
    db.session.delete(existing)
    db.session.flush()
    emit_updated(post, topic)
    return True


def refresh_counters(topic: Topic, also_forum_id: int | None = None) -> None:
    """Recompute the topic's and its forum's (and a former forum's) denormalized counters."""
    visible = (
        Post.topic_id == topic.id,
        Post.pending.is_(False),
        Post.hidden.is_(False),
        Post.deleted_at.is_(None),
    )
    topic.post_count = int(db.session.scalar(select(func.count(Post.id)).where(*visible)) or 0)
    last = db.session.execute(
        select(Post.created_at, Post.author_id)
        .where(*visible)
        .order_by(Post.number.desc())
        .limit(1)
    ).first()
    if last is not None:
        topic.last_post_at, topic.last_poster_id = last
    db.session.flush()
    for forum_id in {topic.forum_id, also_forum_id} - {None}:
        _refresh_forum(forum_id)  # type: ignore[arg-type]


def _refresh_forum(forum_id: int) -> None:
    forum = db.session.get(Forum, forum_id)
    if forum is None:
        return
    visible = (
        Topic.forum_id == forum_id,
        Topic.hidden.is_(False),
        Topic.pending.is_(False),
        Topic.deleted.is_(False),
    )
    count, posts = db.session.execute(
        select(func.count(Topic.id), func.coalesce(func.sum(Topic.post_count), 0)).where(*visible)
    ).one()
    forum.topic_count, forum.post_count = int(count or 0), int(posts or 0)
    last = db.session.execute(
        select(Topic.id, Topic.last_post_at)
        .where(*visible)
        .order_by(Topic.last_post_at.desc())
        .limit(1)
    ).first()
    forum.last_topic_id, forum.last_post_at = (last[0], last[1]) if last else (None, None)
    db.session.flush()


# ---------------------------------------------------------------- reading state and watches


def mark_read(user: User, topic: Topic, number: int) -> int:
    """Record that ``user`` has read ``topic`` up to post ``number``; returns the previous mark."""
    number = max(0, min(number, topic.last_number))
    row = db.session.scalar(
        select(TopicRead).where(TopicRead.user_id == user.id, TopicRead.topic_id == topic.id)
    )
    previous = row.last_read_number if row else 0
    if row is None and insert_once(
        TopicRead(user_id=user.id, topic_id=topic.id, last_read_number=number)
    ):
        return previous
    if row is None:  # the same reader's other tab or request recorded a mark first
        row = db.session.scalars(
            select(TopicRead).where(TopicRead.user_id == user.id, TopicRead.topic_id == topic.id)
        ).one()
    if number > row.last_read_number:
        row.last_read_number = number
        row.updated_at = utcnow()
    db.session.flush()
    return previous


def _watch(user_id: int, *, topic_id: int | None = None, forum_id: int | None = None) -> bool:
    watch = select(Watch.id).where(
        Watch.user_id == user_id,
        Watch.topic_id.is_(None) if topic_id is None else Watch.topic_id == topic_id,
        Watch.forum_id.is_(None) if forum_id is None else Watch.forum_id == forum_id,
    )
    if db.session.scalar(watch) is not None:
        return False
    # A twin request that committed its watch meanwhile: the partial unique index refuses
    # this one, which answers as if it had come second.
    return insert_once(Watch(user_id=user_id, topic_id=topic_id, forum_id=forum_id))


def set_watch(
    user: User, *, topic: Topic | None = None, forum: Forum | None = None, on: bool
) -> None:
    topic_id = topic.id if topic else None
    forum_id = forum.id if forum else None
    if on:
        _watch(user.id, topic_id=topic_id, forum_id=forum_id)
        return
    rows = db.session.scalars(
        select(Watch).where(
            Watch.user_id == user.id,
            Watch.topic_id.is_(None) if topic_id is None else Watch.topic_id == topic_id,
            Watch.forum_id.is_(None) if forum_id is None else Watch.forum_id == forum_id,
        )
    )
    for row in rows:
        db.session.delete(row)
    db.session.flush()
