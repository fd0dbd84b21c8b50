"""Who is told about forum activity: mentions, quotes, the watchers of a forum (new topics) or
a topic (replies), and the moderators of a flagged post. Each person hears of one post once;
who blocked the author hears nothing of their mentions. Notifications are queued in the
caller's transaction (``app.notifications.notify``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.blocks import blockers_of
from app.accounts.models import User
from app.db import db
from app.notifications import notify
from forums.models import Flag, Post, Topic, Watch
from forums.queries import mention_map, moderator_ids, page_of


def post_url(topic: Topic, post: Post) -> str:
    return f"/topics/{topic.id}?page={page_of(post.number)}#post-{post.number}"


def notify_mentions(author: User, topic: Topic, post: Post, url: str) -> set[int]:
    """Notify the people ``post`` mentions (once per post: an edit adds only new ones)."""
    mentions = {uid for uid, _name in mention_map(post.body).values() if uid != author.id}
    mentions -= blockers_of(author.id, mentions)  # who blocked the author hears nothing from them
    if mentions:
        notify(
            mentions,
            kind="forum_mention",
            subject=f"forum_post:{post.id}",
            text=_l(
                "%(name)s mentioned you in “%(title)s”", name=author.display_name, title=topic.title
            ),
            url=url,
            actor_id=author.id,
            data={"topic_id": topic.id, "post_id": post.id},
        )
    return mentions


def notify_published(author: User, topic: Topic, post: Post, *, new_topic: bool) -> None:
    """A post became visible to everybody: mentioned and quoted people, then watchers."""
    url = post_url(topic, post)
    notified = {author.id} | notify_mentions(author, topic, post, url)
    if post.quote_post_id:
        quoted = db.session.get(Post, post.quote_post_id)
        if quoted is not None and quoted.author_id not in notified:
            notify(
                [quoted.author_id],
                kind="forum_quote",
                subject=f"forum_post:{post.id}",
                text=_l(
                    "%(name)s quoted you in “%(title)s”",
                    name=author.display_name,
                    title=topic.title,
                ),
                url=url,
                actor_id=author.id,
                data={"topic_id": topic.id, "post_id": post.id},
            )
            notified.add(quoted.author_id)
    # Forum watchers hear of new topics, topic watchers of replies: one notification each.
    if new_topic:
        watched = Watch.forum_id == topic.forum_id
        kind, subject = "forum_topic", f"forum_topic:{topic.id}"
        text = _l("New topic “%(title)s” by %(name)s", title=topic.title, name=author.display_name)
    else:
        watched = Watch.topic_id == topic.id
        kind, subject = "forum_reply", f"forum_post:{post.id}"
        text = _l("%(name)s replied in “%(title)s”", name=author.display_name, title=topic.title)
    watchers = set(db.session.scalars(select(Watch.user_id).where(watched))) - notified
    if watchers:
        notify(
            watchers,
            kind=kind,
            subject=subject,
            text=text,
            url=url,
            actor_id=author.id,
            data={"topic_id": topic.id, "post_id": post.id},
        )


def notify_flag(actor: User, topic: Topic, post: Post, row: Flag) -> None:
    """The forum's moderators hear of a new flag."""
    notify(
        moderator_ids(topic.forum_id),
        kind="forum_flag",
        subject=f"forum_flag:{row.id}",
        text=_l("A post in “%(title)s” was flagged", title=topic.title),
        url="/forums/moderation",
        actor_id=actor.id,
        data={"post_id": post.id, "topic_id": topic.id},
    )
