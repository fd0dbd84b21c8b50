"""The sessions' calendar: a secret iCalendar address per person with their sessions as the
expert and as the one who asked (``/api/v1/experts/calendar/<secret>.ics``). Only the
secret's digest is stored; making a new one replaces the old. The document is built with
``app.ics`` like the projects' feeds."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, select

from app.accounts.models import User
from app.api import ApiError
from app.db import db, insert_once, utcnow
from app.i18n import reader_zone
from app.ics import event_uid, new_calendar, timed_event, to_ics
from app.security import new_secret, secret_digest
from app.urls import public_base, public_host, public_url
from experts.models import Consultation, ExpertCalendarFeed
from experts.sessions import sessions_of


def feed_url(secret: str) -> str:
    return public_url("experts_api.session_calendar", secret=secret)


def feed_of(user: User) -> ExpertCalendarFeed | None:
    return db.session.scalar(
        select(ExpertCalendarFeed).where(ExpertCalendarFeed.user_id == user.id)
    )


def regenerate_feed(user: User) -> str:
    """A new secret address for ``user``'s sessions (the old one stops working)."""
    secret = new_secret()
    feed = feed_of(user)
    if feed is None:
        if insert_once(ExpertCalendarFeed(user_id=user.id, secret_hash=secret_digest(secret))):
            return secret
        feed = feed_of(user)  # a concurrent request made the first one
        if feed is None:  # pragma: no cover - another constraint failed
            raise ApiError(409, "conflict", _("Please try again."))
    feed.secret_hash = secret_digest(secret)
    feed.created_at = utcnow()
    return secret


def revoke_feed(user: User) -> None:
    db.session.execute(delete(ExpertCalendarFeed).where(ExpertCalendarFeed.user_id == user.id))


def feed_user(secret: str) -> User | None:
    if not secret or len(secret) > 200:
        return None
    feed = db.session.scalar(
        select(ExpertCalendarFeed).where(ExpertCalendarFeed.secret_hash == secret_digest(secret))
    )
    if feed is None:
        return None
    user = db.session.get(User, feed.user_id)
    return user if user is not None and user.is_active else None


def build(user: User) -> bytes:
    """``user``'s sessions (booked, held and cancelled ones, marked so) as iCalendar."""
    cal = new_calendar("experts", _("Expert sessions"))
    stamp = utcnow().replace(microsecond=0)
    zone, host, base = reader_zone(), public_host(), public_base()
    for session in sessions_of(user.id):
        row = db.session.get(Consultation, session.consultation_id)
        if row is None:
            continue
        cal.add_component(
            timed_event(
                event_uid("expert-session", session.id, host),
                _("Expert session: %(title)s", title=row.title),
                session.starts_at,
                session.ends_at,
                stamp=stamp,
                zone=zone,
                url=f"{base}/experts/requests/{row.id}",
                categories=["expert-session"],
                status="CANCELLED" if session.status == "cancelled" else "CONFIRMED",
            )
        )
    return to_ics(cal)
