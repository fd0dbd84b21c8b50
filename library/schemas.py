"""Input and output shapes of the library API."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_babel import gettext as _

from app.api import Id, invalid
from library.models import AUTHORIZATION_KINDS, UPLOAD_KINDS, VISIBILITIES


class DocumentMetaSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    kind = ma.fields.String(validate=ma.validate.OneOf(UPLOAD_KINDS))
    title = ma.fields.String(validate=ma.validate.Length(min=1, max=200))
    language = ma.fields.String(validate=ma.validate.Length(max=5))
    tags = ma.fields.Raw()
    visibility = ma.fields.String(validate=ma.validate.OneOf(VISIBILITIES))
    valid_from = ma.fields.Date(allow_none=True)
    expires_at = ma.fields.Date(allow_none=True)
    retention_until = ma.fields.Date(allow_none=True)


class ConsentSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    subject_label = ma.fields.String(required=True)
    minor = ma.fields.Boolean(load_default=False)
    guardian_label = ma.fields.String(allow_none=True)
    scope = ma.fields.String(required=True, validate=ma.validate.OneOf(VISIBILITIES))


class AuthorizationSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(AUTHORIZATION_KINDS))
    authority = ma.fields.String(required=True)
    reference = ma.fields.String(required=True)
    scope = ma.fields.String(load_default="")
    valid_from = ma.fields.Date(required=True)
    valid_to = ma.fields.Date(required=True)
    document_id = Id(allow_none=True)


class CloseSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    document_id = Id(required=True)


def load(schema: type[ma.Schema], source: Any, *, partial: bool = False) -> dict[str, Any]:
    """``source`` (a JSON body or a form) through ``schema``; 422 with per-field messages."""
    data = {k: v for k, v in dict(source or {}).items() if v != ""}
    try:
        loaded: dict[str, Any] = schema(partial=partial).load(data)
        return loaded
    except ma.ValidationError as error:
        raise invalid(
            _("Please correct the highlighted fields."),
            error.messages,  # type: ignore[arg-type]
        ) from None
