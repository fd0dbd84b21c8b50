"""The daily digest: each opted-in person's unread notifications of the last day, one mail.

:func:`send_digests` is a plain function of the time, for ``jam3ia send-digests`` (cron) and
the periodic-job runner. A person gets at most one digest a day and never a notification twice
(``digest_sent_at`` remembers where the last one stopped); nobody gets an empty digest.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app, has_request_context
from sqlalchemy import select

from app.accounts.models import User
from app.db import db
from app.i18n import format_datetime, reading_as
from app.mail import send_after_commit
from app.notifications.models import Notification
from app.urls import public_base, public_url

DAY = dt.timedelta(days=1)


def send_digests(now: dt.datetime) -> int:
    """Queue and send today's digests; the number of mails sent.

    Runs in an app context, with or without a request (links come from ``JAM3IA_BASE_URL``).
    """
    if not has_request_context():  # cron: url_for needs a request to build paths
        with current_app.test_request_context("/", base_url=public_base()):
            return _send_digests(now)
    return _send_digests(now)


def _send_digests(now: dt.datetime) -> int:
    people = db.session.scalars(
        select(User)
        .where(User.email_digest.is_(True), User.is_active.is_(True), User.deleted_at.is_(None))
        .where(
            (User.digest_sent_at.is_(None))
            | (User.digest_sent_at <= now - DAY + dt.timedelta(minutes=5))
        )
        .order_by(User.id)
    ).all()
    sent = 0
    for person in people:
        since = max(now - DAY, person.digest_sent_at or now - DAY)
        unread = db.session.scalars(
            select(Notification)
            .where(
                Notification.user_id == person.id,
                Notification.read_at.is_(None),
                Notification.created_at > since,
                Notification.created_at <= now,
            )
            .order_by(Notification.id)
            .limit(100)
        ).all()
        if not unread:
            continue
        base = public_base()
        with reading_as(person.locale, person.timezone):  # their language, their zone
            items = [
                {
                    "text": str(n.sentence(html=False)),
                    "when": format_datetime(n.created_at, "d MMM, HH:mm"),
                    "url": n.url if n.url.startswith("http") else base + n.url,
                }
                for n in unread
            ]
        send_after_commit(
            "digest",
            person.email,
            person.locale,
            person.timezone,
            name=person.display_name,
            items=items,
            count=len(items),
            notifications_url=public_url("notifications.notifications_page"),
            settings_url=public_url("accounts.settings"),
            home_url=public_url("core.home"),
        )
        person.digest_sent_at = now
        db.session.commit()  # one person at a time: a failure later does not resend theirs
        sent += 1
    return sent


__all__ = ["send_digests"]
