"""Request and response schemas of the activity reports API."""

from __future__ import annotations

import marshmallow as ma

from app.api import Id
from library.reports.models import (
    AGE_BANDS,
    COUNT_MAX,
    PHOTOS_MAX,
    SEXES,
    TEXT_MAX,
    TITLE_MAX,
)

V = ma.validate
_Count = ma.fields.Integer(strict=True, validate=V.Range(min=0, max=COUNT_MAX))
_Row = ma.fields.Dict(keys=ma.fields.String(validate=V.OneOf(SEXES)), values=_Count)


class ReportWriteSchema(ma.Schema):
    title = ma.fields.String(validate=V.Length(min=1, max=TITLE_MAX))
    activity_id = Id(allow_none=True, metadata={"description": "the project activity reported"})
    held_on = ma.fields.Date()
    attendance = ma.fields.Dict(
        keys=ma.fields.String(validate=V.OneOf(AGE_BANDS)),
        values=_Row,
        metadata={"description": f"{{age band: {{sex: count}}}}; bands {AGE_BANDS}, sexes {SEXES}"},
    )
    outputs = ma.fields.String(validate=V.Length(max=TEXT_MAX))
    lessons = ma.fields.String(validate=V.Length(max=TEXT_MAX))
    photo_document_ids = ma.fields.List(
        Id(),
        validate=V.Length(max=PHOTOS_MAX),
        metadata={"description": "library photos of the association shown with the report"},
    )


class ReportCreateSchema(ReportWriteSchema):
    title = ma.fields.String(required=True, validate=V.Length(min=1, max=TITLE_MAX))
    held_on = ma.fields.Date(required=True)


class ReportPatchSchema(ReportWriteSchema):
    version = ma.fields.Raw()


class ReportSchema(ma.Schema):
    id = ma.fields.Integer()
    association_id = ma.fields.Integer()
    activity_id = ma.fields.Integer(allow_none=True)
    title = ma.fields.String()
    held_on = ma.fields.Date()
    attendance = ma.fields.Dict()
    total = ma.fields.Integer()
    outputs = ma.fields.String()
    lessons = ma.fields.String()
    photo_document_ids = ma.fields.List(ma.fields.Integer())
    version = ma.fields.Integer()
    created_at = ma.fields.DateTime()


class ReportListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ReportSchema))
