"""Forums: themed discussions by field of activity, live, moderated and searchable.

Public API: ``register(app)`` only; other packages do not import forums.
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from app.db import db
from forums.models import Post, Topic


def register(app: Flask) -> None:
    """Plug forums into the app: API, pages, the ``/forums`` namespace, demo data, search."""
    from flask_babel import lazy_gettext as _l

    from app.api import api
    from app.cli import add_demo_loader
    from app.plugins import registry
    from app.realtime import guard_rooms, socketio
    from forums import access, events, routes, search
    from forums import api as endpoints
    from forums.demo import load_demo
    from forums.home import register_home
    from forums.services import NAMESPACE, watch_new_fields

    api.register_blueprint(endpoints.blp)
    app.register_blueprint(routes.bp)
    socketio.on_namespace(events.ForumsNamespace(NAMESPACE))
    guard_rooms(app, "forum_topic:", access.may_watch)
    registry(app).nav_links.append((20, "forums.index", lambda: str(_l("Forums"))))
    registry(app).nav_icons["forums.index"] = "chat-square-text"
    add_demo_loader(app, 20, "forums", load_demo)
    search.register(app)
    watch_new_fields()
    registry(app).export_sections.append(export_posts)
    register_home(registry(app))


def export_posts(user: object) -> dict[str, object]:
    """The person's topics and posts, for their data export (deleted ones included: theirs)."""

    user_id = getattr(user, "id", None)
    rows = db.session.execute(
        select(Post, Topic.title)
        .join(Topic, Topic.id == Post.topic_id)
        .where(Post.author_id == user_id)
        .order_by(Post.id)
    ).all()
    return {
        "forum_posts": [
            {
                "topic_id": post.topic_id,
                "topic_title": title,
                "number": post.number,
                "body": post.body,
                "created_at": post.created_at,
                "edited_at": post.edited_at,
                "deleted_at": post.deleted_at,
            }
            for post, title in rows
        ]
    }


__all__ = ["register"]
