"""Request and response schemas of the knowledge pages API."""

from __future__ import annotations

import marshmallow as ma

from app.api import Id, PageArgsSchema, page_schema
from library.knowledge.models import BODY_MAX, DIRECTIONS, LANGS, TITLE_MAX, VISIBILITIES

V = ma.validate
#: Bodies are checked for length by the service (after cleaning) with a clear message; the
#: schema only refuses what is absurdly large before any work is done.
_RAW_BODY_MAX = BODY_MAX * 2


class PageWriteSchema(ma.Schema):
    title = ma.fields.String(validate=V.Length(max=TITLE_MAX * 2))
    body = ma.fields.String(validate=V.Length(max=_RAW_BODY_MAX))
    lang = ma.fields.String(validate=V.OneOf(LANGS))
    direction = ma.fields.String(
        validate=V.OneOf(DIRECTIONS),
        metadata={"description": "auto, rtl or ltr: the dir= of the rendered body"},
    )
    visibility = ma.fields.String(validate=V.OneOf(VISIBILITIES))
    template = ma.fields.Boolean(metadata={"description": "offer this page as a model"})


class PageCreateSchema(PageWriteSchema):
    from_template = Id(metadata={"description": "start from this template page"})


class PagePatchSchema(PageWriteSchema):
    version = ma.fields.Raw(metadata={"description": "the version loaded (or If-Match)"})


class PageListArgsSchema(PageArgsSchema):
    template = ma.fields.Boolean(metadata={"description": "only templates"})
    association_id = Id()


class RevisionArgsSchema(ma.Schema):
    diff_from = Id(data_key="from")
    diff_to = Id(data_key="to")


class PageSchema(ma.Schema):
    id = ma.fields.Integer()
    association_id = ma.fields.Integer(allow_none=True)
    title = ma.fields.String()
    body = ma.fields.String()
    body_html = ma.fields.String()
    lang = ma.fields.String()
    direction = ma.fields.String()
    visibility = ma.fields.String()
    template = ma.fields.Boolean()
    version = ma.fields.Integer()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()
    can_edit = ma.fields.Boolean()


PagePageSchema = page_schema(PageSchema)


class RevisionSchema(ma.Schema):
    number = ma.fields.Integer()
    title = ma.fields.String()
    author_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.DateTime()


class DiffPartSchema(ma.Schema):
    op = ma.fields.String(metadata={"description": "equal, insert or delete"})
    text = ma.fields.String()


class DiffSchema(ma.Schema):
    diff_from = ma.fields.Integer(data_key="from")
    diff_to = ma.fields.Integer(data_key="to")
    title = ma.fields.List(ma.fields.Nested(DiffPartSchema))
    body = ma.fields.List(ma.fields.Nested(DiffPartSchema))


class RevisionListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(RevisionSchema))
    diff = ma.fields.Nested(DiffSchema, allow_none=True)
