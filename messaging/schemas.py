"""Request and response schemas of the messaging API (they feed the OpenAPI document)."""

from __future__ import annotations

import marshmallow as ma

from app.api import MAX_ID, Id
from messaging.services import MAX_BODY, MAX_CLIENT_ID, MAX_GROUP, MAX_TITLE

ID = Id()


class MessageSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    conversation_id = ma.fields.Integer(required=True)
    sender_id = ma.fields.Integer(required=True)
    body = ma.fields.String(
        required=True, metadata={"description": "Markdown source; '' once deleted"}
    )
    body_html = ma.fields.String(required=True)
    client_id = ma.fields.String(required=True)
    created_at = ma.fields.String(required=True)
    edited_at = ma.fields.String(allow_none=True)
    deleted = ma.fields.Boolean()


class MemberSchema(ma.Schema):
    user_id = ma.fields.Integer()
    display_name = ma.fields.String()
    username = ma.fields.String()
    role = ma.fields.String(metadata={"description": "admin, member or staff (association inbox)"})
    last_read_id = ma.fields.Integer()
    online = ma.fields.Boolean()
    avatar_url = ma.fields.String(
        allow_none=True, metadata={"description": "their picture; null: show initials"}
    )


class ConversationSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(
        metadata={
            "description": "direct, group, association or subject (two people about an "
            "item of another feature: an accepted offer request)"
        }
    )
    title = ma.fields.String(allow_none=True)
    display_title = ma.fields.String()
    association_id = ma.fields.Integer(allow_none=True)
    unread_count = ma.fields.Integer()
    last_message = ma.fields.Nested(MessageSchema, allow_none=True)
    last_message_id = ma.fields.Integer()
    last_message_preview = ma.fields.String()
    members = ma.fields.List(ma.fields.Nested(MemberSchema))
    created_at = ma.fields.String()


class ConversationListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ConversationSchema), required=True)
    total = ma.fields.Integer(required=True)
    page = ma.fields.Integer(required=True)
    per_page = ma.fields.Integer(required=True)
    unread_total = ma.fields.Integer()


class ConversationQuerySchema(ma.Schema):
    per_page = ma.fields.Integer(load_default=100, validate=ma.validate.Range(min=1, max=100))
    before_last_message_id = Id()


class StartConversationSchema(ma.Schema):
    member_ids = ma.fields.List(ID, load_default=list, validate=ma.validate.Length(max=MAX_GROUP))
    title = ma.fields.String(validate=ma.validate.Length(max=MAX_TITLE), allow_none=True)
    association_id = Id(
        metadata={"description": "write to an association's shared inbox instead"},
    )


class UpdateConversationSchema(ma.Schema):
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=MAX_TITLE))


class AddMemberSchema(ma.Schema):
    user_id = Id(required=True)


class MessageQuerySchema(ma.Schema):
    after_id = ma.fields.Integer(validate=ma.validate.Range(min=0, max=MAX_ID))
    before_id = Id()
    limit = ma.fields.Integer(load_default=50, validate=ma.validate.Range(min=1, max=200))


class MessageListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(MessageSchema), required=True)
    has_more = ma.fields.Boolean(
        metadata={"description": "more messages lie beyond this page in the direction asked"}
    )


class SendMessageSchema(ma.Schema):
    body = ma.fields.String(
        required=True,
        validate=ma.validate.Length(max=MAX_BODY * 2),
        metadata={"description": f"Markdown, 1 to {MAX_BODY} characters after trimming"},
    )
    client_id = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=MAX_CLIENT_ID),
        metadata={"description": "client-generated id; the same one again gives the same message"},
    )


class EditMessageSchema(ma.Schema):
    body = ma.fields.String(required=True, validate=ma.validate.Length(max=MAX_BODY * 2))


class ReadSchema(ma.Schema):
    last_read_id = ma.fields.Integer(required=True, validate=ma.validate.Range(min=0, max=MAX_ID))


class ReadStateSchema(ma.Schema):
    conversation_id = ma.fields.Integer()
    last_read_id = ma.fields.Integer()
    unread_count = ma.fields.Integer()
    unread_total = ma.fields.Integer()


class UnreadSchema(ma.Schema):
    unread_total = ma.fields.Integer()


class SeenBySchema(ma.Schema):
    message_id = ma.fields.Integer()
    user_ids = ma.fields.List(ma.fields.Integer())
