"""Everything that changes messaging state. Takes an explicit ``actor``; pushes after commit.
Reads live in :mod:`messaging.queries`, dictionaries in :mod:`messaging.serialize`.

A send locks its conversation's row (the ``last_message_id`` update) before inserting, so ids
grow in commit order inside a conversation and "everything after id N" never skips one.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, cast

from flask_babel import gettext as _
from sqlalchemy import Table, bindparam, delete, func, inspect, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.accounts import blocks
from app.accounts.models import User
from app.accounts.queries import users_by_id
from app.api import ApiError, invalid, not_found
from app.db import db, insert_once, utcnow
from app.markdown import render_markdown
from app.realtime import emit_after_commit, user_room
from app.text import clean_name, clean_text
from messaging import access, queries, serialize
from messaging.models import NAMESPACE, Conversation, ConversationMember, Message

MAX_BODY = 5000
MAX_TITLE = 200
MAX_CLIENT_ID = 64
MAX_GROUP = 250
CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9._:\-]{1,64}$")


# -- validation ------------------------------------------------------------------------------


def clean_body(body: Any) -> str:
    if not isinstance(body, str):
        raise invalid(_("Message is required."), {"body": ["required"]})
    text = clean_text(body)
    if not text:
        raise invalid(_("The message is empty."), {"body": ["empty"]}, code="empty_body")
    if len(text) > MAX_BODY:
        raise invalid(
            _("A message holds at most %(n)d characters.", n=MAX_BODY),
            {"body": ["too long"]},
            code="body_too_long",
        )
    return text


def clean_client_id(client_id: Any) -> str:
    if not isinstance(client_id, str) or not CLIENT_ID_RE.match(client_id):
        raise invalid(
            _("client_id must be 1 to 64 letters, digits or . _ : -"),
            {"client_id": ["invalid"]},
            code="invalid_client_id",
        )
    return client_id


def new_client_id() -> str:
    return f"srv-{uuid.uuid4().hex}"


# -- conversations ---------------------------------------------------------------------------


def _people(ids: set[int]) -> list[User]:
    """The active accounts of ``ids``; a 422 ``unknown_user`` naming the others."""
    found = users_by_id(ids, active=True)
    if len(found) != len(ids):
        missing = sorted(ids - found.keys())
        raise invalid(
            _("Unknown people: %(ids)s", ids=missing), {"member_ids": missing}, code="unknown_user"
        )
    return list(found.values())


def _create_unique(key: str, build: Any) -> tuple[Conversation, bool]:
    """Get or create the conversation with ``pair_key``; a racing twin is caught by the key."""
    existing = queries.conversation_by_key(key)
    if existing is not None:
        return existing, False
    conversation = build()
    if not insert_once(conversation):  # a racing twin took the key: keep theirs
        existing = queries.conversation_by_key(key)
        if existing is None:  # pragma: no cover - the key was taken then deleted
            raise ApiError(409, "conflict", _("Please try again."))
        return existing, False
    return conversation, True


def _blocked() -> ApiError:
    return ApiError(
        403, "blocked", _("You cannot write to someone who blocked you or whom you blocked.")
    )


def start_conversation(
    actor: User,
    member_ids: list[int],
    title: str | None = None,
    association_id: int | None = None,
) -> tuple[Conversation, bool]:
    """Start (or find) a conversation; returns it and whether it is new."""
    title = clean_name(title) or None
    if title is not None and len(title) > MAX_TITLE:
        raise invalid(_("Title too long."), {"title": ["too long"]})
    if association_id is not None:
        return _start_association(actor, association_id)
    others = {int(i) for i in member_ids} - {actor.id}
    if not others:
        raise invalid(_("Choose someone to talk to."), {"member_ids": ["empty"]})
    if len(others) + 1 > MAX_GROUP:
        raise invalid(_("Too many people."), {"member_ids": ["too many"]})
    people = _people(others)
    if blocks.blocks_among(actor.id, [p.id for p in people]):
        raise _blocked()
    if len(people) == 1 and title is None:
        other = people[0]
        low, high = sorted((actor.id, other.id))

        def build_direct() -> Conversation:
            conv = Conversation(kind="direct", pair_key=f"{low}:{high}", created_by_id=actor.id)
            conv.members = [
                ConversationMember(user_id=actor.id, role="member"),
                ConversationMember(user_id=other.id, role="member"),
            ]
            return conv

        conversation, created = _create_unique(f"{low}:{high}", build_direct)
    else:
        conversation = Conversation(kind="group", title=title, created_by_id=actor.id)
        conversation.members = [ConversationMember(user_id=actor.id, role="admin")] + [
            ConversationMember(user_id=p.id, role="member") for p in people
        ]
        db.session.add(conversation)
        db.session.flush()
        created = True
    if created:
        _announce(conversation, access.recipient_ids(conversation))
    return conversation, created


def _start_association(actor: User, association_id: int) -> tuple[Conversation, bool]:
    assoc = access.approved_association(association_id)
    if assoc is None:
        raise not_found(_("Unknown association."))
    key = f"a{association_id}:{actor.id}"

    def build() -> Conversation:
        conv = Conversation(
            kind="association",
            pair_key=key,
            association_id=association_id,
            title=assoc.name,
            created_by_id=actor.id,
        )
        conv.members = [ConversationMember(user_id=actor.id, role="member")]
        return conv

    conversation, created = _create_unique(key, build)
    if created:
        _announce(conversation, access.recipient_ids(conversation))
    return conversation, created


def subject_key(subject: str) -> str:
    """The ``pair_key`` of the conversation about ``subject`` (another feature's key)."""
    key = f"s:{subject}"
    if len(key) > MAX_CLIENT_ID:
        raise ValueError(f"subject too long: {subject!r}")
    return key


def start_about(
    actor: User, subject: str, title: str, member_ids: list[int]
) -> tuple[Conversation, bool]:
    """Open (or find) the conversation about ``subject`` between ``member_ids``: the place
    the two parties of an accepted offer agree on the details, deleted with its messages when
    the subject ends (:func:`end_subjects`). The caller has checked that ``actor`` may."""
    key = subject_key(subject)
    ids = {int(i) for i in member_ids}
    if actor.id not in ids or len(ids) < 2:
        raise invalid(_("Choose someone to talk to."), {"member_ids": ["invalid"]})
    people = _people(ids - {actor.id})
    if blocks.blocks_among(actor.id, [p.id for p in people]):
        raise _blocked()
    name = (clean_name(title) or "…")[:MAX_TITLE]

    def build() -> Conversation:
        conv = Conversation(kind="subject", pair_key=key, title=name, created_by_id=actor.id)
        conv.members = [ConversationMember(user_id=i, role="member") for i in sorted(ids)]
        return conv

    conversation, created = _create_unique(key, build)
    if created:
        _announce(conversation, access.recipient_ids(conversation))
    elif actor.id not in {m.user_id for m in conversation.members}:
        raise not_found()
    return conversation, created


def end_subjects(subjects: list[str]) -> int:
    """Delete the conversations about ``subjects`` with their messages (the database cascades);
    their members' open pages drop them after the commit. How many went."""
    keys = [subject_key(s) for s in subjects]
    if not keys:
        return 0
    rows = db.session.execute(
        select(Conversation.id, ConversationMember.user_id)
        .join(ConversationMember, ConversationMember.conversation_id == Conversation.id)
        .where(Conversation.pair_key.in_(keys))
    ).all()
    gone = {conversation_id for conversation_id, _user in rows}
    for conversation_id, user_id in rows:
        emit_after_commit(
            "conversation_removed",
            {"conversation_id": conversation_id},
            to=user_room(user_id),
            namespace=NAMESPACE,
        )
    if gone:
        db.session.execute(delete(Message).where(Message.conversation_id.in_(gone)))
        db.session.execute(
            delete(ConversationMember).where(ConversationMember.conversation_id.in_(gone))
        )
        db.session.execute(delete(Conversation).where(Conversation.id.in_(gone)))
    return len(gone)


def _announce(conversation: Conversation, user_ids: list[int]) -> None:
    data = {"conversation": {"id": conversation.id, "kind": conversation.kind}}
    for uid in user_ids:
        emit_after_commit("conversation_new", data, to=user_room(uid), namespace=NAMESPACE)


def _require_group_admin(conversation: Conversation, member: ConversationMember) -> None:
    if conversation.kind != "group":
        raise ApiError(409, "not_a_group", _("Only group conversations have members to manage."))
    if member.role != "admin":
        raise ApiError(403, "forbidden", _("Only the group's admin can do this."))


def rename(actor: User, conversation: Conversation, member: ConversationMember, title: str) -> None:
    _require_group_admin(conversation, member)
    title = clean_name(title)
    if not title or len(title) > MAX_TITLE:
        raise invalid(_("Invalid title."), {"title": ["invalid"]})
    conversation.title = title
    _emit_updated(conversation)


def _emit_updated(conversation: Conversation, extra: list[int] | None = None) -> None:
    ids = set(access.recipient_ids(conversation)) | set(extra or [])
    data = {"conversation_id": conversation.id, "title": conversation.title}
    emit_after_commit(
        "conversation_updated", data, to=[user_room(i) for i in sorted(ids)], namespace=NAMESPACE
    )


def add_member(
    actor: User, conversation: Conversation, member: ConversationMember, user_id: int
) -> ConversationMember:
    _require_group_admin(conversation, member)
    existing = access.membership(conversation, user_id)
    if existing is not None:
        return existing
    count = db.session.scalar(
        select(func.count(ConversationMember.id)).where(
            ConversationMember.conversation_id == conversation.id
        )
    )
    if (count or 0) >= MAX_GROUP:
        raise ApiError(409, "group_full", _("This group is full."))
    _people({user_id})
    row = ConversationMember(conversation_id=conversation.id, user_id=user_id, role="member")
    if not insert_once(row):  # a concurrent request added them first
        found = access.membership(conversation, user_id)
        if found is None:  # pragma: no cover
            raise ApiError(409, "conflict", _("Please try again."))
        return found
    _announce(conversation, [user_id])
    _emit_updated(conversation)
    return row


def remove_member(
    actor: User, conversation: Conversation, member: ConversationMember, user_id: int
) -> None:
    """The admin removes someone, or anybody removes themself (leaving).

    Pushes go to user rooms after a membership check, so the removed person receives nothing
    from this conversation from the commit on; their pages get ``conversation_removed``.
    """
    if user_id != actor.id:
        _require_group_admin(conversation, member)
    elif conversation.kind != "group":
        raise ApiError(409, "not_a_group", _("Only group conversations can be left."))
    target = db.session.scalar(
        select(ConversationMember).where(
            ConversationMember.conversation_id == conversation.id,
            ConversationMember.user_id == user_id,
        )
    )
    if target is None:
        raise not_found()
    was_admin = target.role == "admin"
    db.session.delete(target)
    db.session.flush()
    if was_admin:
        heir = db.session.scalar(
            select(ConversationMember)
            .where(ConversationMember.conversation_id == conversation.id)
            .order_by(ConversationMember.id)
            .limit(1)
        )
        if heir is not None:
            heir.role = "admin"
    emit_after_commit(
        "conversation_removed",
        {"conversation_id": conversation.id},
        to=user_room(user_id),
        namespace=NAMESPACE,
    )
    _emit_updated(conversation)


# -- messages --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SendResult:
    #: the message as clients see it (``serialize_message``)
    message: dict[str, Any]
    created: bool


# The hot path runs Core statements on the tables (no ORM unit of work, no ORM bulk path),
# built once; each send only binds values.
_messages = cast(Table, Message.__table__)
_conversations = cast(Table, Conversation.__table__)
_members = cast(Table, ConversationMember.__table__)
_EXISTING = select(
    _messages.c.id,
    _messages.c.conversation_id,
    _messages.c.sender_id,
    _messages.c.client_id,
    _messages.c.body,
    _messages.c.body_html,
    _messages.c.created_at,
    _messages.c.edited_at,
    _messages.c.deleted_at,
).where(
    _messages.c.sender_id == bindparam("sender_id"),
    _messages.c.client_id == bindparam("client_id"),
)
#: Insert unless ``(sender_id, client_id)`` exists: no row comes back for a repeated send.
_INSERT_NEW = {
    name: dialect_insert(_messages)
    .on_conflict_do_nothing(index_elements=["sender_id", "client_id"])
    .returning(_messages.c.id)
    for name, dialect_insert in (("sqlite", sqlite_insert), ("postgresql", postgresql_insert))
}
_LOCK = (
    update(_conversations)
    .where(_conversations.c.id == bindparam("b_conversation"))
    .values(last_message_id=_conversations.c.last_message_id)
)
_SET_LAST = (
    update(_conversations)
    .where(_conversations.c.id == bindparam("b_conversation"))
    .values(last_message_id=bindparam("b_message"))
)
_SENDER_READ = (
    update(_members)
    .where(
        _members.c.conversation_id == bindparam("b_conversation"),
        _members.c.user_id == bindparam("b_sender"),
    )
    .values(last_read_id=bindparam("b_message"))
)


def _existing(sender_id: int, client_id: str) -> SimpleNamespace | None:
    row = db.session.execute(_EXISTING, {"sender_id": sender_id, "client_id": client_id}).first()
    return SimpleNamespace(**row._mapping) if row is not None else None


def _same_send(found: Any, conversation_id: int, body: str) -> SendResult:
    if found.conversation_id != conversation_id or found.body != body:
        raise ApiError(
            409,
            "client_id_reused",
            _("This client_id was already used for a different message."),
            {"client_id": ["reused"]},
        )
    return SendResult(serialize.serialize_message(found), False)


def send_message(
    actor: User,
    conversation: Conversation,
    body: Any,
    client_id: Any,
    member: ConversationMember,
) -> SendResult:
    """Store a message once per ``(sender, client_id)`` and push it after commit.

    A repeated send with the same body gives back the stored message (``created`` false); the
    same ``client_id`` with another body or conversation is a 409. ``member`` is the sender's
    membership from :func:`messaging.access.access_conversation` (every caller loads it to
    check access): an association's staff store theirs at their first message (read marker;
    presence).

    This is the hot path: four Core statements on SQLite (insert-unless-present, last id,
    sender's read marker, the recipients), one more on PostgreSQL (the conversation row lock).
    """
    text = clean_body(body)
    cid = clean_client_id(client_id)
    actor_id, conversation_id = actor.id, conversation.id
    if conversation.kind == "direct" and conversation.pair_key:
        low, high = (int(i) for i in conversation.pair_key.split(":"))
        if blocks.blocked_between(low, high):
            raise _blocked()
    elif conversation.kind == "subject":
        others = [i for i in access.recipient_ids(conversation) if i != actor_id]
        if blocks.blocks_among(actor_id, others):
            raise _blocked()
    if conversation.kind == "association":
        # staff who answer an inbox store their membership row (their read marker; presence)
        _stored(member)
    # Straight to the session's connection: these are Core statements, the ORM adds nothing.
    conn = db.session.connection()
    dialect = conn.dialect.name
    if dialect != "sqlite":
        # Lock the conversation row first, so ids rise in commit order within it (SQLite's
        # BEGIN IMMEDIATE already serializes every writer).
        conn.execute(_LOCK, {"b_conversation": conversation_id})
    now = utcnow()
    html = str(render_markdown(text))
    message_id = conn.execute(
        _INSERT_NEW[dialect],
        {
            "conversation_id": conversation_id,
            "sender_id": actor_id,
            "client_id": cid,
            "body": text,
            "body_html": html,
            "created_at": now,
        },
    ).scalar()
    if message_id is None:  # sent before (a retry after a lost ack): answer with that one
        found = _existing(actor_id, cid)
        if found is None:  # pragma: no cover - the conflicting row cannot vanish in between
            raise ApiError(409, "conflict", _("Please try again."))
        return _same_send(found, conversation_id, text)
    ids = {"b_conversation": conversation_id, "b_message": message_id, "b_sender": actor_id}
    conn.execute(_SET_LAST, ids)
    conn.execute(_SENDER_READ, ids)  # the sender has read what they wrote
    payload = serialize.serialize_message(
        SimpleNamespace(
            id=message_id,
            conversation_id=conversation_id,
            sender_id=actor_id,
            client_id=cid,
            body=text,
            body_html=html,
            created_at=now,
            edited_at=None,
            deleted_at=None,
        )
    )
    push(conversation, "message_new", {"message": payload})
    return SendResult(payload, True)


def push(conversation: Conversation, event_name: str, data: dict[str, Any]) -> None:
    """After commit, send to every current member's sockets (all their tabs), in one emit."""
    rooms = [user_room(uid) for uid in access.recipient_ids(conversation)]
    if rooms:
        emit_after_commit(event_name, data, to=rooms, namespace=NAMESPACE)


def edit_message(actor: User, message: Message, conversation: Conversation, body: Any) -> Message:
    if message.sender_id != actor.id:
        raise ApiError(403, "forbidden", _("Only the sender can edit a message."))
    if message.deleted_at is not None:
        raise ApiError(409, "deleted", _("This message was deleted."))
    text = clean_body(body)
    if text != message.body:
        message.body = text
        message.body_html = str(render_markdown(text))
        message.edited_at = utcnow()
        push(conversation, "message_updated", {"message": serialize.serialize_message(message)})
    return message


def delete_message(actor: User, message: Message, conversation: Conversation) -> Message:
    if message.sender_id != actor.id:
        raise ApiError(403, "forbidden", _("Only the sender can delete a message."))
    if message.deleted_at is None:
        message.deleted_at = utcnow()
        push(conversation, "message_updated", {"message": serialize.serialize_message(message)})
    return message


# -- read state ------------------------------------------------------------------------------


def mark_read(
    actor: User, conversation: Conversation, member: ConversationMember, last_read_id: Any
) -> int:
    """Move the actor's read marker forward (never back, never past the newest)."""
    if not isinstance(last_read_id, int) or isinstance(last_read_id, bool) or last_read_id < 0:
        raise invalid(_("last_read_id must be an id."), {"last_read_id": ["invalid"]})
    newest = conversation.last_message_id or 0
    target = min(last_read_id, newest)
    if target > member.last_read_id:
        member = _stored(member)
        member.last_read_id = max(member.last_read_id, target)
        target = member.last_read_id
        data = {"conversation_id": conversation.id, "user_id": actor.id, "last_read_id": target}
        others = [user_room(u) for u in access.recipient_ids(conversation) if u != actor.id]
        if others:
            emit_after_commit("read", data, to=others, namespace=NAMESPACE)
        db.session.flush()
        # the reader's own tabs also learn their new unread figures
        mine = dict(
            data,
            unread_count=queries.unread_count(actor.id, conversation),
            unread_total=queries.unread_total(actor.id),
        )
        emit_after_commit("read", mine, to=user_room(actor.id), namespace=NAMESPACE)
    return member.last_read_id


def _stored(member: ConversationMember) -> ConversationMember:
    """``member`` as a stored row: an association's staff get theirs at their first read
    marker (a concurrent first marker of theirs may store it first: that one is used)."""
    if inspect(member).persistent:
        return member
    if not insert_once(member):
        stored = db.session.scalar(
            select(ConversationMember).where(
                ConversationMember.conversation_id == member.conversation_id,
                ConversationMember.user_id == member.user_id,
            )
        )
        if stored is None:  # pragma: no cover - the row cannot vanish in between
            raise ApiError(409, "conflict", _("Please try again."))
        return stored
    return member
