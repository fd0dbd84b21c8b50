"""The only way to load a conversation or a message for somebody: 404 when they may not see it.

Members are the rows of ``conversation_members``; for an association's shared inbox the
association's admins and coordinators (asked of ``directory`` on every use) are members too.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, bindparam, select

from app.accounts.models import User
from app.api import not_found
from app.db import db
from directory import Association, association_member_ids, get_association, membership_role
from messaging.models import Conversation, ConversationMember, Message

STAFF_ROLES = ("admin", "coordinator")


def association_staff_ids(association_id: int) -> list[int]:
    return [int(i) for i in association_member_ids(association_id, roles=STAFF_ROLES)]


def is_association_staff(user_id: int, association_id: int) -> bool:
    return membership_role(user_id, association_id) in STAFF_ROLES


def approved_association(association_id: int) -> Association | None:
    assoc = get_association(association_id)
    if assoc is None or assoc.status != "approved":
        return None
    return assoc


def membership(conversation: Conversation, user_id: int) -> ConversationMember | None:
    """The live membership row of ``user_id``. Association staff who never marked the inbox
    read have none: they get a new row that is not in the session (reading writes nothing;
    :func:`messaging.services.mark_read` stores it)."""
    row = db.session.scalar(
        select(ConversationMember).where(
            ConversationMember.conversation_id == conversation.id,
            ConversationMember.user_id == user_id,
        )
    )
    if conversation.kind != "association" or conversation.association_id is None:
        return row
    staff = is_association_staff(user_id, conversation.association_id)
    if row is not None and row.role == "staff" and not staff:
        return None
    if row is None and staff:
        row = ConversationMember(
            conversation_id=conversation.id, user_id=user_id, role="staff", last_read_id=0
        )
    return row


_CONVERSATION_AND_MEMBER = (
    select(Conversation, ConversationMember)
    .outerjoin(
        ConversationMember,
        and_(
            ConversationMember.conversation_id == Conversation.id,
            ConversationMember.user_id == bindparam("user_id"),
        ),
    )
    .where(Conversation.id == bindparam("conversation_id"))
)


def access_conversation(
    actor: User, conversation_id: Any
) -> tuple[Conversation, ConversationMember]:
    """The conversation and the actor's membership, or 404."""
    if not isinstance(conversation_id, int) or isinstance(conversation_id, bool):
        raise not_found()
    if not 0 < conversation_id < 2**62:
        raise not_found()
    # One query for the common case: the conversation joined with the actor's own row.
    found = db.session.execute(
        _CONVERSATION_AND_MEMBER, {"conversation_id": conversation_id, "user_id": actor.id}
    ).first()
    if found is None:
        raise not_found()
    conversation: Conversation = found[0]
    member: ConversationMember | None = found[1]
    if conversation.kind == "association":
        member = membership(conversation, actor.id)
    if member is None:
        raise not_found()
    return conversation, member


def access_message(actor: User, message_id: int) -> tuple[Message, Conversation]:
    message = db.session.get(Message, message_id)
    if message is None:
        raise not_found()
    conversation, _member = access_conversation(actor, message.conversation_id)
    return message, conversation


_members = ConversationMember.__table__
#: a Core statement on the table: this runs for every message pushed
_MEMBER_ROLES = select(_members.c.user_id, _members.c.role).where(
    _members.c.conversation_id == bindparam("conversation_id")
)


def recipient_ids(conversation: Conversation) -> list[int]:
    """Everybody who receives what is posted in ``conversation`` (checked now)."""
    ids = {
        uid
        for uid, role in db.session.connection().execute(
            _MEMBER_ROLES, {"conversation_id": conversation.id}
        )
        if role != "staff"
    }
    if conversation.kind == "association" and conversation.association_id is not None:
        ids.update(association_staff_ids(conversation.association_id))
    return sorted(ids)
