"""The personal calendar feed: a secret URL per person (``/api/v1/calendar/<secret>.ics``)
listing every project of their associations. Only the secret's digest is stored; making a new
one replaces the old, a new password or an erased account drops it. Here: the feed's writes
(``regenerate_feed``, ``revoke_feed``, ``drop_feed_of``: in the caller's transaction, never
committing) and its reads (whose feed a secret opens, which projects it
lists, whether a person has one). The iCalendar document itself is built by ``projects.ics``.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, select

from app.accounts.models import User
from app.api import ApiError
from app.db import db, insert_once, utcnow
from app.security import new_secret, secret_digest
from app.urls import public_url
from projects import access
from projects.models import CalendarFeed, Project


def feed_url(secret: str) -> str:
    """The personal calendar feed's address (its secret is the only credential)."""
    return public_url("projects_api.user_calendar", secret=secret)


def regenerate_feed(user: User) -> str:
    """A new secret calendar URL token for ``user`` (the old one stops working)."""
    secret = new_secret()
    feed = feed_of(user)
    if feed is None:
        if insert_once(CalendarFeed(user_id=user.id, secret_hash=secret_digest(secret))):
            return secret
        feed = feed_of(user)  # a concurrent request made the first one
        if feed is None:  # pragma: no cover - another constraint failed
            raise ApiError(409, "conflict", _("Please try again."))
    # this secret replaces the stored one, as if that request had come first
    feed.secret_hash = secret_digest(secret)
    feed.created_at = utcnow()
    return secret


def revoke_feed(user: User) -> bool:
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    if feed is None:
        return False
    db.session.delete(feed)
    return True


def drop_feed_of(user_id: int) -> None:
    """Delete ``user_id``'s feed secret (in the caller's transaction); they can make a new one."""
    db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user_id))


def feed_of(user: User) -> CalendarFeed | None:
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def feed_user(secret: str) -> User | None:
    if not secret or len(secret) > 200:
        return None
    feed = db.session.scalar(
        select(CalendarFeed).where(CalendarFeed.secret_hash == secret_digest(secret))
    )
    if feed is None:
        return None
    user = db.session.get(User, feed.user_id)
    return user if user is not None and user.is_active else None


def feed_projects(user: User) -> list[Project]:
    """The projects ``user``'s feed lists: those of the associations they belong to."""
    return list(db.session.scalars(access.member_projects(user)))
