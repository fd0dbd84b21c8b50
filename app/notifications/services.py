"""Creating and reading notifications. Pushed live (``notification_new``) after commit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, func, select, update

from app.accounts.models import User
from app.db import db, utcnow
from app.i18n import reading_as
from app.notifications.messages import freeze
from app.notifications.models import Notification
from app.realtime import emit_to_user

NAMESPACE = "/notifications"


def serialize(n: Notification) -> dict[str, Any]:
    return {
        "id": n.id,
        "kind": n.kind,
        "text": str(n.sentence(html=False)),
        "url": n.url,
        "actor_id": n.actor_id,
        "data": n.data,
        "created_at": n.created_at.isoformat(),
        "read": n.read_at is not None,
    }


def notify(
    user_ids: Iterable[int],
    *,
    kind: str,
    subject: str,
    text: Any,
    url: str,
    actor_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> list[Notification]:
    """Add a notification for each user (not the actor; never twice for one subject).

    ``text`` is a lazy message, ``_l("%(name)s replied in “%(title)s”", name=..., title=...)``:
    it is kept as message and parameters and written in each reader's language when shown.
    The caller commits; each recipient's open pages receive ``notification_new`` (in the
    recipient's language and time zone) after that.
    """
    message = freeze(text)
    if not isinstance(message, dict):  # a plain string: a sentence with nothing to fill in
        message = {"_msg": str(text), "_params": {}}
    recipients = {uid for uid in user_ids if uid != actor_id}
    if not recipients:
        return []
    already = set(
        db.session.scalars(
            select(Notification.user_id).where(
                Notification.user_id.in_(recipients),
                Notification.kind == kind,
                Notification.subject == subject,
            )
        )
    )
    created = []
    for uid in sorted(recipients - already):
        note = Notification(
            user_id=uid,
            actor_id=actor_id,
            kind=kind,
            subject=subject,
            text="",
            message=message,
            url=url[:500],
            data=data or {},
        )
        db.session.add(note)
        created.append(note)
    db.session.flush()
    readers = {
        row.id: (row.locale, row.timezone)
        for row in db.session.execute(
            select(User.id, User.locale, User.timezone).where(
                User.id.in_([n.user_id for n in created])
            )
        )
    }
    for note in created:
        with reading_as(*readers.get(note.user_id, (None, None))):
            payload = {"notification": serialize(note), "unread_count": None}
        emit_to_user(note.user_id, "notification_new", payload, namespace=NAMESPACE)
    return created


#: built once: the header asks it on every page a signed-in person opens
_UNREAD = select(func.count(Notification.id)).where(
    Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None)
)


def unread_count(user_id: int) -> int:
    return int(db.session.scalar(_UNREAD, {"user_id": user_id}) or 0)


def mark_read(user_id: int, ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all when ``ids`` is None); returns how many."""
    stmt = update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    if ids is not None:
        stmt = stmt.where(Notification.id.in_(ids))
    result = db.session.execute(stmt.values(read_at=utcnow()))
    return int(getattr(result, "rowcount", 0) or 0)


def recent(user_id: int, *, before_id: int | None = None, limit: int = 20) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user_id)
    if before_id is not None:
        query = query.where(Notification.id < before_id)
    return list(db.session.scalars(query.order_by(Notification.id.desc()).limit(limit)))
