"""The messaging JSON API (``/api/v1/conversations...``, ``/api/v1/messages/...``)."""

from __future__ import annotations

from typing import Any

from flask import make_response
from flask.typing import ResponseReturnValue

from app.accounts.auth import require_user
from app.api import make_blueprint
from app.db import transactional
from app.limits import rate_limit
from messaging import access, queries, serialize, services
from messaging.schemas import (
    AddMemberSchema,
    ConversationListSchema,
    ConversationQuerySchema,
    ConversationSchema,
    EditMessageSchema,
    MessageListSchema,
    MessageQuerySchema,
    MessageSchema,
    ReadSchema,
    ReadStateSchema,
    SeenBySchema,
    SendMessageSchema,
    StartConversationSchema,
    UnreadSchema,
    UpdateConversationSchema,
)

blp = make_blueprint("messaging", __name__, "Conversations and instant messages")


def _detail(conversation: Any, user: Any) -> dict[str, Any]:
    last = queries.last_message(conversation)
    return queries.summarize(
        conversation, user, unread=queries.unread_count(user.id, conversation), last=last
    )


@blp.route("/conversations")
@blp.arguments(ConversationQuerySchema, location="query")
@blp.response(200, ConversationListSchema)
def list_conversations(args: dict[str, Any]) -> dict[str, Any]:
    """The caller's conversations, most recent first, with ``unread_count`` and
    ``last_message``."""
    user = require_user()
    items = queries.list_conversations(
        user, limit=args["per_page"], before=args.get("before_last_message_id")
    )
    return {
        "items": items,
        "total": len(items),
        "page": 1,
        "per_page": args["per_page"],
        "unread_total": queries.unread_total(user.id),
    }


@blp.route("/conversations", methods=["POST"])
@rate_limit("conversation_start")
@blp.arguments(StartConversationSchema)
@blp.response(201, ConversationSchema)
@blp.alt_response(200, schema=ConversationSchema, description="the direct conversation existed")
@transactional
def start_conversation(args: dict[str, Any]) -> ResponseReturnValue:
    """Start a conversation: ``member_ids`` with one other person and no title is the (unique)
    direct conversation; more people or a title make a group; ``association_id`` writes to an
    association's shared inbox."""
    user = require_user()
    conversation, created = services.start_conversation(
        user, args["member_ids"], args.get("title"), args.get("association_id")
    )
    return ConversationSchema().dump(_detail(conversation, user)), 201 if created else 200


@blp.route("/conversations/unread")
@blp.response(200, UnreadSchema)
def unread(_args: None = None) -> dict[str, Any]:
    """Unread messages across the caller's conversations (the page header's figure)."""
    user = require_user()
    return {"unread_total": queries.unread_total(user.id)}


@blp.route("/conversations/<int:conversation_id>")
@blp.response(200, ConversationSchema)
def get_conversation(conversation_id: int) -> dict[str, Any]:
    """One conversation with its members (presence, read markers)."""
    user = require_user()
    conversation, _member = access.access_conversation(user, conversation_id)
    detail = _detail(conversation, user)
    return detail


@blp.route("/conversations/<int:conversation_id>", methods=["PATCH"])
@blp.arguments(UpdateConversationSchema)
@blp.response(200, ConversationSchema)
@transactional
def update_conversation(args: dict[str, Any], conversation_id: int) -> dict[str, Any]:
    """Rename a group (its admin)."""
    user = require_user()
    conversation, member = access.access_conversation(user, conversation_id)
    services.rename(user, conversation, member, args["title"])
    return _detail(conversation, user)


@blp.route("/conversations/<int:conversation_id>/members", methods=["POST"])
@blp.arguments(AddMemberSchema)
@blp.response(200, ConversationSchema)
@transactional
def add_member(args: dict[str, Any], conversation_id: int) -> dict[str, Any]:
    """Add someone to a group (its admin)."""
    user = require_user()
    conversation, member = access.access_conversation(user, conversation_id)
    services.add_member(user, conversation, member, args["user_id"])
    return _detail(conversation, user)


@blp.route("/conversations/<int:conversation_id>/members/<int:user_id>", methods=["DELETE"])
@blp.response(204)
@transactional
def remove_member(conversation_id: int, user_id: int) -> ResponseReturnValue:
    """Remove someone from a group (its admin), or leave it (your own id)."""
    user = require_user()
    conversation, member = access.access_conversation(user, conversation_id)
    services.remove_member(user, conversation, member, user_id)
    return make_response("", 204)


@blp.route("/conversations/<int:conversation_id>/leave", methods=["POST"])
@blp.response(204)
@transactional
def leave(conversation_id: int) -> ResponseReturnValue:
    """Leave a group."""
    user = require_user()
    conversation, member = access.access_conversation(user, conversation_id)
    services.remove_member(user, conversation, member, user.id)
    return make_response("", 204)


@blp.route("/conversations/<int:conversation_id>/messages")
@blp.arguments(MessageQuerySchema, location="query")
@blp.response(200, MessageListSchema)
def list_messages(args: dict[str, Any], conversation_id: int) -> dict[str, Any]:
    """Messages in ascending id order: ``after_id`` catches up (oldest first after it);
    otherwise the newest ``limit`` (before ``before_id`` when given, to scroll back)."""
    user = require_user()
    conversation, _member = access.access_conversation(user, conversation_id)
    items, more = queries.list_messages(
        conversation,
        after_id=args.get("after_id"),
        before_id=args.get("before_id"),
        limit=args["limit"],
    )
    result = {"items": [serialize.serialize_message(m) for m in items], "has_more": more}
    return result


@blp.route("/conversations/<int:conversation_id>/messages", methods=["POST"])
@rate_limit("chat_send")
@blp.arguments(SendMessageSchema)
@blp.response(201, MessageSchema)
@blp.alt_response(200, schema=MessageSchema, description="this client_id was sent before")
@blp.alt_response(409, description="this client_id was used for a different message")
@transactional
def send_message(args: dict[str, Any], conversation_id: int) -> ResponseReturnValue:
    """Send ``{body, client_id}``; the same ``client_id`` again answers the stored message."""
    user = require_user()
    conversation, member = access.access_conversation(user, conversation_id)
    result = services.send_message(user, conversation, args["body"], args["client_id"], member)
    return result.message, 201 if result.created else 200


@blp.route("/messages/<int:message_id>", methods=["PATCH"])
@rate_limit("message_edit")
@blp.arguments(EditMessageSchema)
@blp.response(200, MessageSchema)
@transactional
def edit_message(args: dict[str, Any], message_id: int) -> dict[str, Any]:
    """Edit your message; members see it marked edited."""
    user = require_user()
    message, conversation = access.access_message(user, message_id)
    services.edit_message(user, message, conversation, args["body"])
    return serialize.serialize_message(message)


@blp.route("/messages/<int:message_id>", methods=["DELETE"])
@blp.response(200, MessageSchema)
@transactional
def delete_message(message_id: int) -> dict[str, Any]:
    """Delete your message; members see it marked deleted."""
    user = require_user()
    message, conversation = access.access_message(user, message_id)
    services.delete_message(user, message, conversation)
    return serialize.serialize_message(message)


@blp.route("/messages/<int:message_id>/seen-by")
@blp.response(200, SeenBySchema)
def seen_by(message_id: int) -> dict[str, Any]:
    """Who (besides the caller) has read up to this message."""
    user = require_user()
    message, conversation = access.access_message(user, message_id)
    return {
        "message_id": message.id,
        "user_ids": queries.seen_by(conversation, message.id, user.id),
    }


@blp.route("/conversations/<int:conversation_id>/read", methods=["POST"])
@rate_limit("read")
@blp.arguments(ReadSchema)
@blp.response(200, ReadStateSchema)
@transactional
def read(args: dict[str, Any], conversation_id: int) -> dict[str, Any]:
    """Mark read up to ``last_read_id``."""
    user = require_user()
    conversation, member = access.access_conversation(user, conversation_id)
    last = services.mark_read(user, conversation, member, args["last_read_id"])
    return {
        "conversation_id": conversation.id,
        "last_read_id": last,
        "unread_count": queries.unread_count(user.id, conversation),
        "unread_total": queries.unread_total(user.id),
    }
