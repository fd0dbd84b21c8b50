"""Messaging reads for pages, the API and sockets: people, conversations, messages, unread
counts. Each runs a fixed number of queries, whatever the number of rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BindParameter, and_, bindparam, func, or_, select

from app.accounts import blocks
from app.accounts.models import Block, User
from app.db import db
from app.markdown import html_text
from app.text import clean_name, escape_like
from directory import user_memberships
from messaging import access
from messaging.models import Conversation, ConversationMember, Message
from messaging.online import visible_online
from messaging.serialize import display_title, preview


def end_read() -> None:
    """End a read-only transaction before the code may yield to other greenlets (presence
    pushes): nothing was written, so there is nothing to keep."""
    db.session.rollback()


PEOPLE_LIMIT = 10
MIN_QUERY = 2


def people_to_message(actor: User, query: str, limit: int = PEOPLE_LIMIT) -> list[dict[str, Any]]:
    """Active people whose display name or username contains ``query`` and with whom ``actor``
    may start a chat (not themselves, no block either way), for the people picker."""
    text = clean_name(query)[:100]
    if len(text) < MIN_QUERY:
        return []
    pattern = f"%{escape_like(text.lower())}%"
    blocked = select(Block.blocked_id).where(Block.blocker_id == actor.id)
    blockers = select(Block.blocker_id).where(Block.blocked_id == actor.id)
    rows = db.session.execute(
        select(User.id, User.username, User.display_name)
        .where(
            User.id != actor.id,
            User.is_active.is_(True),
            User.suspended_at.is_(None),
            User.deleted_at.is_(None),
            or_(
                func.lower(User.display_name).like(pattern, escape="\\"),
                func.lower(User.username).like(pattern, escape="\\"),
            ),
            User.id.not_in(blocked),
            User.id.not_in(blockers),
        )
        .order_by(func.lower(User.display_name), User.id)
        .limit(limit)
    )
    return [{"id": i, "username": u, "display_name": d} for i, u, d in rows]


def messageable(actor: User, user_id: int | None) -> User | None:
    """The person ``user_id`` if ``actor`` may start a chat with them, else None."""
    if user_id is None or user_id == actor.id:
        return None
    person = db.session.get(User, user_id)
    if person is None or not person.is_active or person.suspended or person.deleted_at:
        return None
    if blocks.blocked_between(actor.id, person.id):
        return None
    return person


def direct_conversation(a: int, b: int) -> Conversation | None:
    """The direct conversation between people ``a`` and ``b``, if they have one."""
    low, high = sorted((a, b))
    return conversation_by_key(f"{low}:{high}")


def conversation_by_key(key: str) -> Conversation | None:
    return db.session.scalar(select(Conversation).where(Conversation.pair_key == key))


def last_message(conversation: Conversation) -> Message | None:
    if not conversation.last_message_id:
        return None
    return db.session.get(Message, conversation.last_message_id)


def list_messages(
    conversation: Conversation,
    *,
    after_id: int | None = None,
    before_id: int | None = None,
    limit: int = 50,
) -> tuple[list[Message], bool]:
    """Up to ``limit`` messages in ascending id order, and whether more lie that way.

    ``after_id``: the oldest ones after it (catch-up). Otherwise the newest ones (before
    ``before_id`` when given: scrolling back).
    """
    query = select(Message).where(Message.conversation_id == conversation.id)
    if after_id is not None:
        query = query.where(Message.id > after_id)
    if before_id is not None:
        query = query.where(Message.id < before_id)
    if after_id is not None:
        rows = list(db.session.scalars(query.order_by(Message.id).limit(limit + 1)))
        return rows[:limit], len(rows) > limit
    rows = list(db.session.scalars(query.order_by(Message.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    return list(reversed(rows[:limit])), more


def _staff_association_ids(user_id: int) -> list[int]:
    return [m.association_id for m in user_memberships(user_id) if m.role in access.STAFF_ROLES]


def _visible_filter(user_id: int) -> Any:
    return _visible_clause(user_id, _staff_association_ids(user_id))


def _visible_clause(
    user_id: int | BindParameter[int], staff_of: list[int] | BindParameter[list[int]]
) -> Any:
    """The conversations ``user_id`` sees: theirs (not as staff), and their associations'
    inboxes (``staff_of``). Values, or bound parameters for a statement built once
    (:data:`_UNREAD_TOTAL`)."""
    mine = select(ConversationMember.conversation_id).where(
        ConversationMember.user_id == user_id, ConversationMember.role != "staff"
    )
    clauses: list[Any] = [Conversation.id.in_(mine)]
    if not isinstance(staff_of, list) or staff_of:
        clauses.append(
            and_(Conversation.kind == "association", Conversation.association_id.in_(staff_of))
        )
    return or_(*clauses)


def _unread_expr(user_id: int | BindParameter[int]) -> Any:
    last_read = (
        select(ConversationMember.last_read_id)
        .where(
            ConversationMember.conversation_id == Conversation.id,
            ConversationMember.user_id == user_id,
        )
        # two levels down: auto-correlation only reaches the count's own FROM (messages)
        .correlate(Conversation)
        .scalar_subquery()
    )
    return (
        select(func.count(Message.id))
        .where(
            Message.conversation_id == Conversation.id,
            Message.id > func.coalesce(last_read, 0),
            Message.sender_id != user_id,
            Message.deleted_at.is_(None),
        )
        .scalar_subquery()
    )


#: built once: the header asks it on every page a signed-in person opens
_UNREAD_TOTAL = select(func.coalesce(func.sum(_unread_expr(bindparam("user_id"))), 0)).where(
    _visible_clause(bindparam("user_id"), bindparam("staff_of", expanding=True))
)


def unread_total(user_id: int) -> int:
    """Unread messages in every conversation ``user_id`` sees (:func:`_visible_filter`)."""
    params = {"user_id": user_id, "staff_of": _staff_association_ids(user_id)}
    return int(db.session.scalar(_UNREAD_TOTAL, params) or 0)


def unread_count(user_id: int, conversation: Conversation) -> int:
    query = select(_unread_expr(user_id)).where(Conversation.id == conversation.id)
    return int(db.session.scalar(query) or 0)


def list_conversations(
    user: User, *, limit: int = 100, before: int | None = None
) -> list[dict[str, Any]]:
    """The user's conversations, most recent activity first, with unread counts and the
    last message."""
    query = (
        select(Conversation, _unread_expr(user.id).label("unread"))
        .where(_visible_filter(user.id))
        .order_by(Conversation.last_message_id.desc(), Conversation.id.desc())
        .limit(limit)
    )
    if before is not None:
        query = query.where(Conversation.last_message_id < before)
    rows = list(db.session.execute(query))
    last_ids = [c.last_message_id for c, _u in rows if c.last_message_id]
    last = (
        {m.id: m for m in db.session.scalars(select(Message).where(Message.id.in_(last_ids)))}
        if last_ids
        else {}
    )
    members = _members_of([c.id for c, _u in rows])
    return [
        summarize(
            c,
            user,
            unread=int(u or 0),
            last=last.get(c.last_message_id),
            pairs=members.get(c.id, []),
        )
        for c, u in rows
    ]


def _members_of(conversation_ids: list[int]) -> dict[int, list[tuple[ConversationMember, User]]]:
    """Members (with their users) of many conversations in one query."""
    found: dict[int, list[tuple[ConversationMember, User]]] = {}
    if not conversation_ids:
        return found
    rows = db.session.execute(
        select(ConversationMember, User)
        .join(User, User.id == ConversationMember.user_id)
        .where(ConversationMember.conversation_id.in_(conversation_ids))
        .order_by(ConversationMember.id)
    )
    for member, person in rows:
        found.setdefault(member.conversation_id, []).append((member, person))
    return found


def member_users(conversation: Conversation) -> list[tuple[ConversationMember, User]]:
    rows = db.session.execute(
        select(ConversationMember, User)
        .join(User, User.id == ConversationMember.user_id)
        .where(ConversationMember.conversation_id == conversation.id)
        .order_by(ConversationMember.id)
    )
    return [(member, user) for member, user in rows]


def summarize(
    conversation: Conversation,
    viewer: User,
    *,
    unread: int,
    last: Message | None,
    pairs: list[tuple[ConversationMember, User]] | None = None,
) -> dict[str, Any]:
    if pairs is None:
        pairs = member_users(conversation)
    if conversation.kind == "association":
        pairs = [
            (m, u) for m, u in pairs if m.role != "staff" or access.membership(conversation, u.id)
        ]
    people = [u for _m, u in pairs]
    online = visible_online(viewer.id, [u.id for u in people])
    return {
        "id": conversation.id,
        "kind": conversation.kind,
        "title": conversation.title,
        "display_title": display_title(conversation, viewer, people),
        "association_id": conversation.association_id,
        "unread_count": unread,
        "last_message": preview(last),
        "last_message_id": conversation.last_message_id,
        "last_message_preview": html_text(last.body_html)[:140]
        if last and not last.deleted_at
        else "",
        "members": [
            {
                "user_id": u.id,
                "display_name": u.public_name,
                "username": u.username,
                "role": m.role,
                "last_read_id": m.last_read_id,
                "online": u.id in online,
                "avatar_url": u.avatar_url,
            }
            for m, u in pairs
        ],
        "created_at": conversation.created_at.isoformat(),
    }


def seen_by(conversation: Conversation, message_id: int, exclude: int) -> list[int]:
    return list(
        db.session.scalars(
            select(ConversationMember.user_id).where(
                ConversationMember.conversation_id == conversation.id,
                ConversationMember.last_read_id >= message_id,
                ConversationMember.user_id != exclude,
            )
        )
    )
