"""Reads of accounts that every feature needs: people by id, by username. Each runs one query
whatever the number of people, so a page that shows many names stays at a fixed count.

Usernames are unique whatever their case (``uq_users_username_lower``): every lookup by
username ignores the case.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select

from app.accounts.models import User
from app.db import db


def users_by_id(ids: Iterable[int], *, active: bool = False) -> dict[int, User]:
    """The accounts of ``ids`` by id, in one query (none when ``ids`` is empty). Unknown ids
    are left out; with ``active``, so are accounts that may not sign in (suspended,
    deactivated)."""
    wanted = set(ids)
    if not wanted:
        return {}
    query = select(User).where(User.id.in_(wanted))
    if active:
        query = query.where(User.is_active.is_(True))
    return {user.id: user for user in db.session.scalars(query)}


def user_by_username(username: str) -> User | None:
    """The account of a username, whatever its case."""
    return db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))


def ids_by_username(names: Iterable[str]) -> dict[str, int]:
    """The ids of the accounts with these usernames, in one query, keyed by the username in
    lower case (unknown names are left out: compare the keys with the names asked for)."""
    wanted = {name.lower() for name in names}
    if not wanted:
        return {}
    query = select(func.lower(User.username), User.id).where(func.lower(User.username).in_(wanted))
    return dict(db.session.execute(query).all())
