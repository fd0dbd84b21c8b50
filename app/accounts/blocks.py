"""Blocking people and hiding one's presence: the privacy rules every feature consults.

A block is one-way in the data (``blocker`` -> ``blocked``) and mutual in effect for direct
messages and presence (neither writes to nor sees the other online); mentions of the blocker
by the blocked person notify nobody.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, or_, select

from app.accounts.models import Block, User
from app.api import ApiError
from app.db import db, insert_once
from app.signals import presence_withdrawn


def block(actor: User, user_id: int) -> bool:
    """``actor`` blocks ``user_id``; true when the block is new. Flushes, never commits."""
    if user_id == actor.id:
        raise ApiError(422, "validation_failed", _("You cannot block yourself."), {"user_id": []})
    target = db.session.get(User, user_id)
    if target is None or not target.is_active:
        raise ApiError(404, "not_found", _("Not found."))
    if is_blocking(actor.id, user_id):
        return False
    return insert_once(Block(blocker_id=actor.id, blocked_id=user_id))  # False: blocked twice


def unblock(actor: User, user_id: int) -> bool:
    """``actor`` unblocks ``user_id``; true when there was a block."""
    result = db.session.execute(
        delete(Block).where(Block.blocker_id == actor.id, Block.blocked_id == user_id)
    )
    return bool(getattr(result, "rowcount", 0))


def withdraw_presence(actor: User, user_id: int) -> None:
    """Inside the block's transaction: once it commits, each stops seeing the other online."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    presence_withdrawn.send(app, user_id=actor.id, from_ids=[user_id])
    presence_withdrawn.send(app, user_id=user_id, from_ids=[actor.id])


def blocked_people(user_id: int) -> list[User]:
    """The people ``user_id`` blocked, most recent first."""
    return list(
        db.session.scalars(
            select(User)
            .join(Block, Block.blocked_id == User.id)
            .where(Block.blocker_id == user_id)
            .order_by(Block.id.desc())
        )
    )


def is_blocking(blocker_id: int, blocked_id: int) -> bool:
    return (
        db.session.scalar(
            select(Block.id).where(Block.blocker_id == blocker_id, Block.blocked_id == blocked_id)
        )
        is not None
    )


def blocked_between(a: int, b: int) -> bool:
    """Whether either of two people blocked the other."""
    return bool(blocks_among(a, [b]))


def blocks_among(user_id: int, others: Iterable[int]) -> set[int]:
    """Those of ``others`` who blocked ``user_id`` or whom ``user_id`` blocked."""
    ids = set(others)
    if not ids:
        return set()
    rows = db.session.execute(
        select(Block.blocker_id, Block.blocked_id).where(
            or_(
                (Block.blocker_id == user_id) & Block.blocked_id.in_(ids),
                (Block.blocked_id == user_id) & Block.blocker_id.in_(ids),
            )
        )
    ).all()
    return {blocked if blocker == user_id else blocker for blocker, blocked in rows}


def blockers_of(author_id: int, among: Iterable[int]) -> set[int]:
    """Those of ``among`` who blocked ``author_id`` (they get no mentions from them)."""
    ids = set(among)
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(Block.blocker_id).where(Block.blocked_id == author_id, Block.blocker_id.in_(ids))
        )
    )
