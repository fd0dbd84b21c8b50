"""Input and output shapes of the offers API (documented in the OpenAPI description)."""

from __future__ import annotations

import datetime as dt

import marshmallow as ma

from app.api import MAX_PAGE, Id, PageArgsSchema, page_schema
from offers.models import (
    ALLOCATIONS,
    AUDIENCES,
    BLOOD_GROUPS,
    BODY_MAX,
    CAPACITY_MAX,
    DELIVERY_MODES,
    KINDS,
    REFERRAL_STATUSES,
    STATUSES,
    SUPPORT_TYPES,
    TITLE_MAX,
)

# Capacity is range-checked by the service (with a translated message) and so accepts any
# whole number here; a missing field is reported as a rule hit (MISSING_FIELD), like the
# composer shows it.


class ConditionsSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    audience = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(AUDIENCES)), load_default=list
    )
    age_min = ma.fields.Integer(allow_none=True, validate=ma.validate.Range(min=0, max=120))
    age_max = ma.fields.Integer(allow_none=True, validate=ma.validate.Range(min=0, max=120))
    other = ma.fields.String(validate=ma.validate.Length(max=300), load_default="")


class BloodSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    group = ma.fields.String(validate=ma.validate.OneOf(BLOOD_GROUPS))
    facility = ma.fields.String(validate=ma.validate.Length(max=160))
    needed_by = ma.fields.AwareDateTime(default_timezone=dt.UTC)


class OfferInSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    kind = ma.fields.String(load_default="offer", validate=ma.validate.OneOf(KINDS))
    support_type = ma.fields.String(validate=ma.validate.OneOf(SUPPORT_TYPES))
    city = Id()
    city_id = Id()
    area_hint = ma.fields.String(validate=ma.validate.Length(max=120))
    capacity = ma.fields.Integer(validate=ma.validate.Range(min=-(2**31), max=2**31))
    conditions = ma.fields.Nested(ConditionsSchema)
    delivery_mode = ma.fields.String(validate=ma.validate.OneOf(DELIVERY_MODES))
    allocation = ma.fields.String(validate=ma.validate.OneOf(ALLOCATIONS))
    free = ma.fields.Boolean()
    title = ma.fields.String(validate=ma.validate.Length(max=TITLE_MAX))
    body = ma.fields.String(validate=ma.validate.Length(max=BODY_MAX))
    association_id = Id(allow_none=True)
    starts_on = ma.fields.Date(allow_none=True)
    ends_on = ma.fields.Date(allow_none=True)
    blood = ma.fields.Nested(BloodSchema)


class OfferPatchSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    title = ma.fields.String(validate=ma.validate.Length(min=1, max=TITLE_MAX))
    body = ma.fields.String(validate=ma.validate.Length(max=BODY_MAX))
    area_hint = ma.fields.String(validate=ma.validate.Length(max=120))
    delivery_mode = ma.fields.String(validate=ma.validate.OneOf(DELIVERY_MODES))
    ends_on = ma.fields.Date(allow_none=True)
    status = ma.fields.String(validate=ma.validate.OneOf(("published", "paused")))


class HitSchema(ma.Schema):
    code = ma.fields.String(required=True)
    action = ma.fields.String(required=True, validate=ma.validate.OneOf(("block", "review")))
    excerpt = ma.fields.String(required=True)
    message = ma.fields.String(required=True)


class CheckOutSchema(ma.Schema):
    ok = ma.fields.Boolean(required=True)
    hits = ma.fields.List(ma.fields.Nested(HitSchema), required=True)


class OfferOutSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True)
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(STATUSES))
    support_type = ma.fields.String(required=True)
    support_type_label = ma.fields.String()
    city_id = ma.fields.Integer(required=True)
    province_id = ma.fields.Integer(required=True)
    area_hint = ma.fields.String()
    capacity = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=CAPACITY_MAX))
    places_left = ma.fields.Integer(required=True)
    conditions = ma.fields.Dict()
    delivery_mode = ma.fields.String()
    allocation = ma.fields.String()
    title = ma.fields.String()
    body = ma.fields.String()
    author_id = ma.fields.Integer(allow_none=True)
    association_id = ma.fields.Integer(allow_none=True)
    starts_on = ma.fields.String(allow_none=True)
    ends_on = ma.fields.String(allow_none=True)
    expires_at = ma.fields.String(allow_none=True)
    published_at = ma.fields.String(allow_none=True)
    blood = ma.fields.Dict(allow_none=True)
    hits = ma.fields.List(ma.fields.Dict())
    review_reason = ma.fields.String()
    queue = ma.fields.Dict()


class FeedArgsSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    q = ma.fields.String(load_default="", validate=ma.validate.Length(max=200))
    type = ma.fields.String(validate=ma.validate.OneOf((*SUPPORT_TYPES, "blood")))
    city = Id()
    province = Id()
    audience = ma.fields.String(validate=ma.validate.OneOf(AUDIENCES))
    kind = ma.fields.String(validate=ma.validate.OneOf(KINDS))
    near = ma.fields.String(validate=ma.validate.Regexp(r"^-?\d{1,3}(\.\d+)?,-?\d{1,3}(\.\d+)?$"))
    radius_km = ma.fields.Float(load_default=30.0, validate=ma.validate.Range(min=1, max=500))
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=MAX_PAGE))


class FeedOutSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(OfferOutSchema), required=True)
    total = ma.fields.Integer(required=True)
    page = ma.fields.Integer(required=True)
    per_page = ma.fields.Integer(required=True)
    facets = ma.fields.Dict(required=True)


class ClaimInSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    answers = ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.Length(max=40)),
        values=ma.fields.Boolean(),
        load_default=dict,
    )
    pickup_proposal = ma.fields.String(load_default="", validate=ma.validate.Length(max=200))
    referral_token = ma.fields.String(load_default="", validate=ma.validate.Length(max=64))


class ClaimOutSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    offer_id = ma.fields.Integer(required=True)
    claimant_id = ma.fields.Integer(required=True)
    status = ma.fields.String(required=True)
    answers = ma.fields.Dict()
    pickup_proposal = ma.fields.String()
    referral_association_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.String()


class ClaimConversationSchema(ma.Schema):
    """The conversation about an accepted request (messaging's; deleted by the purge)."""

    conversation_id = ma.fields.Integer(required=True)
    url = ma.fields.String(required=True, metadata={"description": "its chat page"})


class AlertSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    id = ma.fields.Integer(dump_only=True)
    #: a support type, or ``blood`` (blood requests), as the feed filters them
    type = ma.fields.String(
        attribute="support_type",
        validate=ma.validate.OneOf((*SUPPORT_TYPES, "blood")),
        allow_none=True,
    )
    city = Id(attribute="city_id", allow_none=True)
    province = Id(attribute="province_id", allow_none=True)
    audience = ma.fields.String(validate=ma.validate.OneOf(AUDIENCES), allow_none=True)


class AlertListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AlertSchema), required=True)


class DonorSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    group = ma.fields.String(required=True, validate=ma.validate.OneOf(BLOOD_GROUPS))
    city = Id(required=True)
    active = ma.fields.Boolean(load_default=True)


class ThanksInSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    text = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=500))


class ThanksOutSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    support_type = ma.fields.String(required=True)
    province_id = ma.fields.Integer(required=True)
    text = ma.fields.String(required=True)
    created_at = ma.fields.DateTime(required=True)


class FlagInSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    reason = ma.fields.String(load_default="", validate=ma.validate.Length(max=300))


class FlagOutSchema(ma.Schema):
    flags = ma.fields.Integer(required=True)


class ReferralInSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    user_id = Id(required=True)


class ReferralOutSchema(ma.Schema):
    token = ma.fields.String(required=True)


class ReferralSchema(ma.Schema):
    """A code the association gave: never the person it was given to. Codes do not expire."""

    id = ma.fields.Integer(required=True)
    #: the code's last characters (empty for codes given before hints were kept)
    hint = ma.fields.String(required=True)
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(REFERRAL_STATUSES))
    created_at = ma.fields.String(required=True)
    used_at = ma.fields.String(allow_none=True)
    revoked_at = ma.fields.String(allow_none=True)


ReferralPageSchema = page_schema(ReferralSchema)


class GivenCountSchema(ma.Schema):
    key = ma.fields.String(required=True)
    consumed = ma.fields.Integer(required=True)
    beneficiaries = ma.fields.Integer(required=True)


class GivenSchema(ma.Schema):
    by_type = ma.fields.List(ma.fields.Nested(GivenCountSchema), required=True)
    by_province = ma.fields.List(ma.fields.Nested(GivenCountSchema), required=True)
    live = ma.fields.Integer(required=True)
    thanks = ma.fields.List(ma.fields.Nested(ThanksOutSchema), required=True)


class ImageOutSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    url = ma.fields.String(required=True)
    status = ma.fields.String(required=True)


# --- moderation ----------------------------------------------------------------------------


class FlagCountSchema(ma.Schema):
    #: the reason as a reader wrote it ("" when none was given); never who wrote it
    reason = ma.fields.String(required=True)
    count = ma.fields.Integer(required=True)


class PhotoSchema(ma.Schema):
    name = ma.fields.String(required=True)
    #: the photo route (it checks who may see it: moderators see posts in review)
    url = ma.fields.String(required=True)


class ReviewItemSchema(OfferOutSchema):
    """A post of the review queue: the offer, its rule hits and why it waits
    (``review_reason``: ``first_post``, ``rules``, ``flags``, ``photo``, ``queue``,
    ``strikes``), readers' flags counted per reason, and its photos."""

    flags = ma.fields.List(ma.fields.Nested(FlagCountSchema), required=True)
    flag_total = ma.fields.Integer(required=True)
    photos = ma.fields.List(ma.fields.Nested(PhotoSchema), required=True)


ReviewPageSchema = page_schema(ReviewItemSchema)


class ListArgsSchema(PageArgsSchema):
    class Meta:
        unknown = ma.EXCLUDE


class ReviewInSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    action = ma.fields.String(
        required=True, validate=ma.validate.OneOf(("approve", "refuse", "spammer"))
    )
    #: shown to the author; required to refuse
    reason = ma.fields.String(load_default="", validate=ma.validate.Length(max=300))
