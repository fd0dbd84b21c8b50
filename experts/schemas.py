"""Input and output shapes of the experts API (documented in the OpenAPI description)."""

from __future__ import annotations

import datetime as dt

import marshmallow as ma

from app.api import Id, PageArgsSchema, page_schema
from experts.models import (
    ANSWER_MAX,
    BIO_MAX,
    CAPACITY_MAX,
    CONFLICTS_MAX,
    DOMAINS,
    FEEDBACK_MAX,
    HEADLINE_MAX,
    LANGUAGES,
    MODES,
    QUESTION_MAX,
    TITLE_MAX,
)

_domain = ma.validate.OneOf(DOMAINS)
_mode = ma.validate.OneOf(MODES)
_language = ma.validate.OneOf(LANGUAGES)


class ProfileInSchema(ma.Schema):
    """Become an expert (all of it) or change one's profile (``PATCH``: any of it).
    ``no_fee`` is the signed statement: help on jam3ia is free, conflicts of interest are
    declared in ``conflicts``."""

    class Meta:
        unknown = ma.EXCLUDE

    headline = ma.fields.String(validate=ma.validate.Length(max=HEADLINE_MAX))
    bio = ma.fields.String(validate=ma.validate.Length(max=BIO_MAX))
    domains = ma.fields.List(ma.fields.String(validate=_domain))
    languages = ma.fields.List(ma.fields.String(validate=_language))
    modes = ma.fields.List(ma.fields.String(validate=_mode))
    region_ids = ma.fields.List(Id())
    remote = ma.fields.Boolean()
    monthly_capacity = ma.fields.Integer(validate=ma.validate.Range(min=1, max=CAPACITY_MAX))
    available = ma.fields.Boolean()
    no_fee = ma.fields.Boolean()
    conflicts = ma.fields.String(validate=ma.validate.Length(max=CONFLICTS_MAX))
    weekly_slots = ma.fields.List(
        ma.fields.Dict(),
        metadata={
            "description": "when one-hour sessions can be booked, in Africa/Casablanca time:"
            ' [{"weekday": 0-6 (Monday 0), "start": "18:00", "end": "20:00"}], whole hours'
        },
    )


class ProfileOutSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    user_id = ma.fields.Integer(required=True)
    name = ma.fields.String()
    headline = ma.fields.String()
    bio = ma.fields.String()
    domains = ma.fields.List(ma.fields.String())
    languages = ma.fields.List(ma.fields.String())
    modes = ma.fields.List(ma.fields.String())
    region_ids = ma.fields.List(ma.fields.Integer())
    remote = ma.fields.Boolean()
    monthly_capacity = ma.fields.Integer()
    capacity_left = ma.fields.Integer(metadata={"description": "places left this month"})
    available = ma.fields.Boolean()
    no_fee_signed_at = ma.fields.String()
    conflicts = ma.fields.String()
    endorsements = ma.fields.Integer()
    weekly_slots = ma.fields.List(ma.fields.Dict())


class ExpertArgsSchema(PageArgsSchema):
    domain = ma.fields.String(validate=_domain)
    language = ma.fields.String(validate=_language)
    region = Id()


ProfilePageSchema = page_schema(ProfileOutSchema)


class ConsultationInSchema(ma.Schema):
    """Ask for help in an association's name (its coordinators and administrators)."""

    class Meta:
        unknown = ma.EXCLUDE

    association_id = Id(required=True)
    domain = ma.fields.String(required=True, validate=_domain)
    mode = ma.fields.String(required=True, validate=_mode)
    language = ma.fields.String(required=True, validate=_language)
    region_id = Id(allow_none=True)
    remote_ok = ma.fields.Boolean(load_default=True)
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=TITLE_MAX))
    question = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=QUESTION_MAX))


class ConsultationOutSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    association_id = ma.fields.Integer(required=True)
    requester_id = ma.fields.Integer(allow_none=True)
    domain = ma.fields.String()
    mode = ma.fields.String()
    language = ma.fields.String()
    region_id = ma.fields.Integer(allow_none=True)
    remote_ok = ma.fields.Boolean()
    title = ma.fields.String()
    question = ma.fields.String()
    status = ma.fields.String(
        metadata={"description": "offered, accepted, closed, rated, unmatched or cancelled"}
    )
    expert_id = ma.fields.Integer(allow_none=True)
    offer = ma.fields.Dict(
        allow_none=True, metadata={"description": "the caller's own offer of it, if any"}
    )
    answer = ma.fields.String()
    rating = ma.fields.Integer(allow_none=True)
    feedback = ma.fields.String()
    endorsed = ma.fields.Boolean()
    created_at = ma.fields.String()
    accepted_at = ma.fields.String(allow_none=True)
    closed_at = ma.fields.String(allow_none=True)


ConsultationPageSchema = page_schema(ConsultationOutSchema)


class ConsultationArgsSchema(PageArgsSchema):
    side = ma.fields.String(
        load_default="association",
        validate=ma.validate.OneOf(("association", "expert")),
        metadata={"description": "the requests of my associations, or those offered to me"},
    )


class DeclineInSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    message = ma.fields.String(load_default="", validate=ma.validate.Length(max=500))


class CloseInSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    answer = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=ANSWER_MAX))


class RateInSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    rating = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=5))
    feedback = ma.fields.String(load_default="", validate=ma.validate.Length(max=FEEDBACK_MAX))
    endorse = ma.fields.Boolean(load_default=False)


class ConversationOutSchema(ma.Schema):
    conversation_id = ma.fields.Integer(required=True)
    url = ma.fields.String(required=True)


class FunnelRowSchema(ma.Schema):
    domain = ma.fields.String(required=True)
    requested = ma.fields.Integer(required=True)
    matched = ma.fields.Integer(required=True)
    held = ma.fields.Integer(required=True)
    rated = ma.fields.Integer(required=True)


class FunnelSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(FunnelRowSchema), required=True)
    total = ma.fields.Nested(FunnelRowSchema, required=True)


class SessionInSchema(ma.Schema):
    """Book or move a one-hour session: its start, on the hour (with an offset, or read in
    Africa/Casablanca time)."""

    class Meta:
        unknown = ma.EXCLUDE

    starts_at = ma.fields.AwareDateTime(required=True, default_timezone=dt.UTC)


class HeldInSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    notes = ma.fields.String(load_default="", validate=ma.validate.Length(max=ANSWER_MAX))


class SessionOutSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    consultation_id = ma.fields.Integer(required=True)
    expert_id = ma.fields.Integer(required=True)
    starts_at = ma.fields.String(required=True)
    ends_at = ma.fields.String(required=True)
    status = ma.fields.String(metadata={"description": "booked, held or cancelled"})
    reschedules = ma.fields.Integer(metadata={"description": "times moved (two at most)"})
    held_at = ma.fields.String(allow_none=True)
    cancelled_at = ma.fields.String(allow_none=True)


class SessionListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(SessionOutSchema), required=True)


class FreeHoursSchema(ma.Schema):
    items = ma.fields.List(
        ma.fields.String(), required=True, metadata={"description": "free starts (UTC)"}
    )


class SessionFeedSchema(ma.Schema):
    url = ma.fields.String(allow_none=True, metadata={"description": "shown once"})
    active = ma.fields.Boolean(required=True)


class PublishInSchema(ma.Schema):
    """The redacted question and answer as edited before publishing (each optional: the
    proposed text otherwise)."""

    class Meta:
        unknown = ma.EXCLUDE

    title = ma.fields.String(validate=ma.validate.Length(max=TITLE_MAX))
    question = ma.fields.String(validate=ma.validate.Length(max=QUESTION_MAX))
    answer = ma.fields.String(validate=ma.validate.Length(max=ANSWER_MAX))


class PublicationOutSchema(ma.Schema):
    status = ma.fields.String(required=True)
    association_consented = ma.fields.Boolean(required=True)
    expert_consented = ma.fields.Boolean(required=True)
    page_id = ma.fields.Integer(allow_none=True)
    title = ma.fields.String()
    question = ma.fields.String()
    answer = ma.fields.String()
