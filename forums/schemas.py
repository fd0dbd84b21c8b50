"""Request and response schemas of the forums JSON API (they feed /api/v1/openapi.json)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from app.api import MAX_ID, Id, PageArgsSchema
from forums.models import (
    BODY_MAX,
    DESCRIPTION_MAX,
    FLAG_REASONS,
    NAME_MAX,
    REACTIONS,
    REASON_MAX,
    TITLE_MAX,
)

# Bodies are bounded here loosely; the services give the precise message (413/422).
_BODY = ma.fields.String(
    required=True,
    validate=validate.Length(max=BODY_MAX * 4),
    metadata={"description": f"Markdown, 1 to {BODY_MAX} characters"},
)


class ForumUserSchema(ma.Schema):
    id = ma.fields.Integer()
    username = ma.fields.String()
    display_name = ma.fields.String()
    avatar_url = ma.fields.String(
        allow_none=True, metadata={"description": "their picture; null: show initials"}
    )


class ForumLastTopicSchema(ma.Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()


class ForumSchema(ma.Schema):
    id = ma.fields.Integer()
    field_id = ma.fields.Integer(allow_none=True)
    name = ma.fields.String(metadata={"description": "in the caller's language"})
    name_ar = ma.fields.String()
    name_fr = ma.fields.String()
    name_en = ma.fields.String()
    description = ma.fields.String()
    description_ar = ma.fields.String()
    description_fr = ma.fields.String()
    description_en = ma.fields.String()
    topic_count = ma.fields.Integer()
    post_count = ma.fields.Integer()
    last_post_at = ma.fields.DateTime(allow_none=True)
    last_topic = ma.fields.Nested(ForumLastTopicSchema, allow_none=True)
    unread_topics = ma.fields.Integer(
        metadata={"description": "new or unread topics for the caller"}
    )
    watching = ma.fields.Boolean()


class ForumListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ForumSchema))


class ForumCreateSchema(ma.Schema):
    name_ar = ma.fields.String(validate=validate.Length(max=NAME_MAX))
    name_fr = ma.fields.String(validate=validate.Length(max=NAME_MAX))
    name_en = ma.fields.String(validate=validate.Length(max=NAME_MAX))
    description_ar = ma.fields.String(validate=validate.Length(max=DESCRIPTION_MAX))
    description_fr = ma.fields.String(validate=validate.Length(max=DESCRIPTION_MAX))
    description_en = ma.fields.String(validate=validate.Length(max=DESCRIPTION_MAX))
    field_id = Id(allow_none=True)
    position = ma.fields.Integer(validate=validate.Range(min=-10_000, max=10_000))


class ForumModeratorSchema(ma.Schema):
    user_id = Id(required=True)


class TopicSchema(ma.Schema):
    id = ma.fields.Integer()
    forum_id = ma.fields.Integer()
    title = ma.fields.String()
    author = ma.fields.Nested(ForumUserSchema)
    created_at = ma.fields.DateTime()
    pinned = ma.fields.Boolean()
    locked = ma.fields.Boolean()
    hidden = ma.fields.Boolean()
    pending = ma.fields.Boolean(metadata={"description": "held for approval"})
    deleted = ma.fields.Boolean(
        metadata={"description": "deleted (only moderators see it, and may restore it)"}
    )
    post_count = ma.fields.Integer(metadata={"description": "visible posts"})
    last_number = ma.fields.Integer(metadata={"description": "highest post number"})
    last_post_at = ma.fields.DateTime()
    last_poster = ma.fields.Nested(ForumUserSchema, allow_none=True)
    unread_count = ma.fields.Integer()
    new = ma.fields.Boolean(metadata={"description": "never opened by the caller"})


class ForumTopicPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(TopicSchema))
    total = ma.fields.Integer()
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()


class TopicCreateSchema(ma.Schema):
    title = ma.fields.String(required=True, validate=validate.Length(max=TITLE_MAX * 4))
    body = _BODY


class PostQuoteSchema(ma.Schema):
    post_id = ma.fields.Integer(allow_none=True)
    topic_id = ma.fields.Integer(allow_none=True)
    number = ma.fields.Integer(allow_none=True)
    author = ma.fields.Nested(ForumUserSchema, allow_none=True)
    excerpt = ma.fields.String(metadata={"description": "empty when the quoted post is gone"})


class PostReactionCountSchema(ma.Schema):
    kind = ma.fields.String(metadata={"description": ", ".join(REACTIONS)})
    emoji = ma.fields.String()
    count = ma.fields.Integer()
    mine = ma.fields.Boolean()


class PostSchema(ma.Schema):
    id = ma.fields.Integer()
    topic_id = ma.fields.Integer()
    number = ma.fields.Integer(metadata={"description": "position in the topic, from 1"})
    author = ma.fields.Nested(ForumUserSchema)
    body = ma.fields.String(metadata={"description": "Markdown source; empty for placeholders"})
    body_html = ma.fields.String(metadata={"description": "sanitized HTML"})
    quote = ma.fields.Nested(PostQuoteSchema, allow_none=True)
    created_at = ma.fields.DateTime()
    edited_at = ma.fields.DateTime(allow_none=True)
    edit_count = ma.fields.Integer()
    version = ma.fields.Integer(
        metadata={"description": "edit counter: send it back as `If-Match` (or `version`)"}
    )
    deleted = ma.fields.Boolean()
    hidden = ma.fields.Boolean()
    pending = ma.fields.Boolean()
    flag_count = ma.fields.Integer(metadata={"description": "open to moderators only"})
    reactions = ma.fields.List(ma.fields.Nested(PostReactionCountSchema))
    can_edit = ma.fields.Boolean()
    can_delete = ma.fields.Boolean()


class ForumPostPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(PostSchema))
    total = ma.fields.Integer(metadata={"description": "highest post number"})
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()


class TopicDetailSchema(ma.Schema):
    topic = ma.fields.Nested(TopicSchema)
    forum = ma.fields.Nested(ForumSchema)
    posts = ma.fields.Nested(ForumPostPageSchema)
    watching = ma.fields.Boolean()
    last_read_number = ma.fields.Integer(
        allow_none=True, metadata={"description": "the caller's mark before this request"}
    )
    can_moderate = ma.fields.Boolean()


class TopicPageArgsSchema(PageArgsSchema):
    mark_read = ma.fields.Boolean(load_default=True)


class TopicPatchSchema(ma.Schema):
    title = ma.fields.String(validate=validate.Length(max=TITLE_MAX * 4))
    pinned = ma.fields.Boolean()
    locked = ma.fields.Boolean()
    hidden = ma.fields.Boolean()
    forum_id = Id(metadata={"description": "move the topic"})


class TopicCreatedSchema(ma.Schema):
    topic = ma.fields.Nested(TopicSchema)
    post = ma.fields.Nested(PostSchema)


class PostReplySchema(ma.Schema):
    body = _BODY
    quote_post_id = Id(allow_none=True)


class PostsAfterArgsSchema(ma.Schema):
    after_number = ma.fields.Integer(required=True, validate=validate.Range(min=0, max=MAX_ID))
    limit = ma.fields.Integer(load_default=50, validate=validate.Range(min=1, max=100))


class ForumPostListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(PostSchema))


class PostPatchSchema(ma.Schema):
    body = ma.fields.String(validate=validate.Length(max=BODY_MAX * 4))
    version = ma.fields.Raw(
        load_default=None,
        metadata={
            "description": "the `version` the editor loaded (or send `If-Match`); 409 "
            "`edit_conflict` when someone saved since"
        },
    )
    title = ma.fields.String(
        validate=validate.Length(max=TITLE_MAX * 4), metadata={"description": "first post only"}
    )


class PostRevisionSchema(ma.Schema):
    id = ma.fields.Integer()
    body = ma.fields.String()
    body_html = ma.fields.String()
    editor = ma.fields.Nested(ForumUserSchema, allow_none=True)
    created_at = ma.fields.DateTime(metadata={"description": "when this version was replaced"})


class PostRevisionListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(PostRevisionSchema))


class PostReactionSchema(ma.Schema):
    kind = ma.fields.String(required=True, metadata={"description": ", ".join(REACTIONS)})


class PostReactionResultSchema(ma.Schema):
    post = ma.fields.Nested(PostSchema)
    created = ma.fields.Boolean(metadata={"description": "false when it already existed"})


class PostFlagSchema(ma.Schema):
    reason = ma.fields.String(required=True, metadata={"description": " | ".join(FLAG_REASONS)})
    details = ma.fields.String(
        load_default="",
        validate=validate.Length(max=REASON_MAX * 4),
        metadata={"description": "required for reason 'other'"},
    )


class PostFlagResultSchema(ma.Schema):
    id = ma.fields.Integer()
    post_id = ma.fields.Integer()
    reason = ma.fields.String()


class PostModerateSchema(ma.Schema):
    action = ma.fields.String(
        required=True,
        validate=validate.OneOf(["hide", "unhide", "approve", "reject", "dismiss", "restore"]),
        metadata={"description": "`restore` undoes a deletion (post 1: the whole topic)"},
    )


class ForumQueueFlagSchema(ma.Schema):
    id = ma.fields.Integer()
    reason = ma.fields.String()
    details = ma.fields.String()
    user = ma.fields.Nested(ForumUserSchema)
    created_at = ma.fields.DateTime()


class ForumQueueHeldSchema(ma.Schema):
    post_id = ma.fields.Integer()
    topic_id = ma.fields.Integer()
    topic_title = ma.fields.String()
    number = ma.fields.Integer()
    author = ma.fields.Nested(ForumUserSchema)
    body_html = ma.fields.String()
    created_at = ma.fields.DateTime()


class ForumQueueFlaggedSchema(ma.Schema):
    post_id = ma.fields.Integer()
    topic_id = ma.fields.Integer()
    topic_title = ma.fields.String()
    number = ma.fields.Integer()
    body_html = ma.fields.String()
    hidden = ma.fields.Boolean()
    flags = ma.fields.List(ma.fields.Nested(ForumQueueFlagSchema))


class ForumQueueSchema(ma.Schema):
    held = ma.fields.List(ma.fields.Nested(ForumQueueHeldSchema))
    flagged = ma.fields.List(ma.fields.Nested(ForumQueueFlaggedSchema))


class TopicReadMarkSchema(ma.Schema):
    number = ma.fields.Integer(required=True, validate=validate.Range(min=0))


class TopicReadStateSchema(ma.Schema):
    last_read_number = ma.fields.Integer()


class ForumWatchStateSchema(ma.Schema):
    watching = ma.fields.Boolean()
