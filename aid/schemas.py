"""Request and response schemas of the aid API (they feed the OpenAPI document); the pages
load their forms through the same schemas."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_babel import gettext as _

from aid.models import (
    AGE_BANDS,
    CLOTHING_SIZES,
    CONSENT_LANGUAGES,
    CONSENT_MODES,
    CONSENT_PURPOSES,
    DECISIONS,
    DELIVERY_PROOFS,
    GRIEVANCE_KINDS,
    GRIEVANCE_STATUSES,
    MOVEMENT_KINDS,
    NEEDS,
    PLACE_KINDS,
    PROXY_RELATIONS,
    REGISTRY_STATUSES,
    VERIFY_METHODS,
    VULNERABILITIES,
)
from app.api import ApiError, Id, PageArgsSchema

V = ma.validate


def load(schema: ma.Schema, data: Any) -> dict[str, Any]:
    """``data`` through ``schema``, or a 422 with the reasons per field."""
    try:
        return dict(schema.load(data))
    except ma.ValidationError as error:
        fields = error.messages if isinstance(error.messages, dict) else {"_": error.messages}
        raise ApiError(422, "validation_failed", _("Some fields need attention."), fields) from None


class NeedSchema(ma.Schema):
    code = ma.fields.String(required=True, validate=V.OneOf(NEEDS))
    size = ma.fields.String(validate=V.OneOf(CLOTHING_SIZES), allow_none=True)
    quantity = ma.fields.Integer(load_default=1, validate=V.Range(min=1, max=40))


class ConsentSchema(ma.Schema):
    mode = ma.fields.String(required=True, validate=V.OneOf(CONSENT_MODES))
    purposes = ma.fields.List(
        ma.fields.String(validate=V.OneOf(CONSENT_PURPOSES)),
        required=True,
        validate=V.Length(min=1),
    )
    language = ma.fields.String(required=True, validate=V.OneOf(CONSENT_LANGUAGES))


class HouseholdInSchema(ma.Schema):
    """A household to register: where, who (encrypted), how many, what they need."""

    head_name = ma.fields.String(required=True, validate=V.Length(min=2, max=120))
    phone = ma.fields.String(load_default=None, allow_none=True, validate=V.Length(max=30))
    address = ma.fields.String(load_default=None, allow_none=True, validate=V.Length(max=300))
    national_id = ma.fields.String(
        load_default=None, allow_none=True, validate=V.Length(min=4, max=20)
    )
    birth_year = ma.fields.Integer(
        load_default=None, allow_none=True, validate=V.Range(min=1900, max=2026)
    )
    province_id = Id(required=True)
    commune = ma.fields.String(required=True, validate=V.Length(min=2, max=120))
    douar = ma.fields.String(load_default="", validate=V.Length(max=120))
    size = ma.fields.Integer(required=True, validate=V.Range(min=1, max=40))
    composition = ma.fields.Dict(
        keys=ma.fields.String(validate=V.OneOf(AGE_BANDS)),
        values=ma.fields.Integer(validate=V.Range(min=0, max=40)),
        load_default=dict,
    )
    vulnerabilities = ma.fields.List(
        ma.fields.String(validate=V.OneOf(VULNERABILITIES)), load_default=list
    )
    registry_status = ma.fields.String(load_default="unknown", validate=V.OneOf(REGISTRY_STATUSES))
    consent = ma.fields.Nested(ConsentSchema, required=True)
    needs = ma.fields.List(ma.fields.Nested(NeedSchema), load_default=list)


class SelfRegisterSchema(HouseholdInSchema):
    association_id = Id(required=True)


class HouseholdOutSchema(ma.Schema):
    """No personal field unless asked with ``include=personal`` and a purpose (logged)."""

    id = ma.fields.Integer()
    number = ma.fields.String()
    association_id = ma.fields.Integer()
    origin = ma.fields.String()
    status = ma.fields.String()
    province_id = ma.fields.Integer()
    commune = ma.fields.String()
    douar = ma.fields.String()
    size = ma.fields.Integer()
    composition = ma.fields.Dict()
    vulnerabilities = ma.fields.List(ma.fields.String())
    registry_status = ma.fields.String()
    consent = ma.fields.Dict()
    needs = ma.fields.List(ma.fields.Dict())
    verify_method = ma.fields.String(allow_none=True)
    has_national_id = ma.fields.Boolean()
    created_at = ma.fields.DateTime()
    duplicate_cases = ma.fields.List(ma.fields.Integer())
    personal = ma.fields.Dict(
        metadata={"description": "head_name, phone, address, birth_year (only when asked)"}
    )
    network_check = ma.fields.Dict(
        metadata={
            "description": "the cross-association check at registration: {status: "
            "not_opted_in|limit_reached|none|served, category?, month?, message?}"
        }
    )


class HouseholdListItemSchema(ma.Schema):
    id = ma.fields.Integer()
    number = ma.fields.String()
    status = ma.fields.String()
    commune = ma.fields.String()
    province_id = ma.fields.Integer()
    size = ma.fields.Integer()


class HouseholdListArgsSchema(PageArgsSchema):
    status = ma.fields.String(validate=V.OneOf(("pending", "verified", "duplicate", "archived")))


class HouseholdListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(HouseholdListItemSchema))
    total = ma.fields.Integer()
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()


class HouseholdReadArgsSchema(ma.Schema):
    include = ma.fields.String(validate=V.OneOf(("personal",)))
    purpose = ma.fields.String(load_default="", validate=V.Length(max=200))


class VerifySchema(ma.Schema):
    method = ma.fields.String(required=True, validate=V.OneOf(VERIFY_METHODS))


class CaseOutSchema(ma.Schema):
    id = ma.fields.Integer()
    association_id = ma.fields.Integer()
    household_id = ma.fields.Integer()
    other_id = ma.fields.Integer()
    matched = ma.fields.List(ma.fields.String())
    status = ma.fields.String()
    decision = ma.fields.String(allow_none=True)
    reason = ma.fields.String()
    decided_by_id = ma.fields.Integer(allow_none=True)
    decided_at = ma.fields.DateTime(allow_none=True)
    #: side by side, without personal fields
    household = ma.fields.Dict()
    other = ma.fields.Dict()


class CaseListArgsSchema(PageArgsSchema):
    association_id = Id(required=True)
    status = ma.fields.String(load_default="open", validate=V.OneOf(("open", "decided")))


class CaseListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CaseOutSchema))
    total = ma.fields.Integer()
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()


class DecideSchema(ma.Schema):
    decision = ma.fields.String(required=True, validate=V.OneOf(DECISIONS))
    reason = ma.fields.String(required=True, validate=V.Length(min=3, max=500))


class MovementInSchema(ma.Schema):
    """A ledger line: ``quantity`` is positive; the kind gives the sign (donation in and
    purchase add, distribution out removes, adjustment is signed, transfer moves from
    ``location_id`` to ``to_location_id``, audit states the counted quantity)."""

    kind = ma.fields.String(required=True, validate=V.OneOf(MOVEMENT_KINDS))
    item_id = Id(load_default=None, allow_none=True)
    item_name = ma.fields.String(load_default=None, allow_none=True, validate=V.Length(max=120))
    item_category = ma.fields.String(load_default="food_basket", validate=V.OneOf(NEEDS))
    location_id = Id(load_default=None, allow_none=True)
    location_name = ma.fields.String(load_default=None, allow_none=True, validate=V.Length(max=120))
    to_location_id = Id(load_default=None, allow_none=True)
    quantity = ma.fields.Integer(required=True, validate=V.Range(min=-100_000, max=100_000))
    note = ma.fields.String(load_default="", validate=V.Length(max=300))


class MovementOutSchema(ma.Schema):
    id = ma.fields.Integer()
    item_id = ma.fields.Integer()
    location_id = ma.fields.Integer()
    kind = ma.fields.String()
    quantity = ma.fields.Integer()
    note = ma.fields.String()
    frozen = ma.fields.Boolean()
    created_at = ma.fields.DateTime()


class MovementListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(MovementOutSchema))
    total = ma.fields.Integer()
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()


class MovementsOutSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(MovementOutSchema))


class StockLineSchema(ma.Schema):
    item_id = ma.fields.Integer()
    item = ma.fields.String()
    location_id = ma.fields.Integer()
    location = ma.fields.String()
    on_hand = ma.fields.Integer()


class StockSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(StockLineSchema))


class DistributionInSchema(ma.Schema):
    title = ma.fields.String(required=True, validate=V.Length(min=3, max=200))
    category = ma.fields.String(load_default="food_basket", validate=V.OneOf(NEEDS))
    place_kind = ma.fields.String(required=True, validate=V.OneOf(PLACE_KINDS))
    place = ma.fields.String(required=True, validate=V.Length(min=2, max=200))
    starts_at = ma.fields.AwareDateTime(required=True, default_timezone=None)
    slots = ma.fields.Integer(load_default=4, validate=V.Range(min=1, max=96))
    slot_minutes = ma.fields.Integer(load_default=15, validate=V.Range(min=5, max=120))
    slot_capacity = ma.fields.Integer(load_default=50, validate=V.Range(min=1, max=500))


class SlotOutSchema(ma.Schema):
    id = ma.fields.Integer()
    starts_at = ma.fields.DateTime()
    capacity = ma.fields.Integer()
    assigned = ma.fields.Integer()
    collected = ma.fields.Integer()


class DistributionOutSchema(ma.Schema):
    id = ma.fields.Integer()
    association_id = ma.fields.Integer()
    title = ma.fields.String()
    category = ma.fields.String()
    place_kind = ma.fields.String()
    place = ma.fields.String()
    starts_at = ma.fields.DateTime()
    slots = ma.fields.List(ma.fields.Nested(SlotOutSchema))


class DistributionListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(DistributionOutSchema))
    total = ma.fields.Integer()
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()


class EntitlementInSchema(ma.Schema):
    household_id = Id(required=True)


class EntitlementOutSchema(ma.Schema):
    id = ma.fields.Integer()
    distribution_id = ma.fields.Integer()
    household_id = ma.fields.Integer()
    slot_id = ma.fields.Integer()
    slot_starts_at = ma.fields.DateTime()
    status = ma.fields.String()
    code = ma.fields.String(metadata={"description": "the one-time code, shown once"})
    message = ma.fields.String(metadata={"description": "SMS-ready text of the slot"})
    network_check = ma.fields.Dict(
        metadata={"description": "the cross-association check for the distribution's category"}
    )
    sms = ma.fields.Dict(
        metadata={
            "description": "the SMS-ready text in the household's language: language, text, "
            "encoding (gsm or ucs2), length, segments, per_segment"
        }
    )


class CollectSchema(ma.Schema):
    proof = ma.fields.String(required=True, validate=V.Length(min=4, max=12))
    proxy_name = ma.fields.String(load_default=None, allow_none=True, validate=V.Length(max=120))


class NetworkInSchema(ma.Schema):
    opt_in = ma.fields.Boolean(required=True)


class NetworkOutSchema(ma.Schema):
    opt_in = ma.fields.Boolean()


# ------------------------------------------------------------------ kits, distribution lines,
# frequency limits, the needs board, reports and grievances


class AidKitComponentSchema(ma.Schema):
    item_id = Id(required=True)
    quantity = ma.fields.Integer(required=True, validate=V.Range(min=1, max=10_000))


class AidKitInSchema(ma.Schema):
    """A named bundle: ``components`` are the association's items and their quantity."""

    name = ma.fields.String(required=True, validate=V.Length(min=2, max=120))
    category = ma.fields.String(load_default="food_basket", validate=V.OneOf(NEEDS))
    components = ma.fields.List(
        ma.fields.Nested(AidKitComponentSchema), required=True, validate=V.Length(min=1, max=30)
    )


class AidKitOutSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    category = ma.fields.String()
    components = ma.fields.List(ma.fields.Dict())


class AidKitListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AidKitOutSchema))


class AidLineInSchema(ma.Schema):
    """What each household receives: ``item_id`` or ``kit_id``, from ``location_id``."""

    item_id = Id(load_default=None, allow_none=True)
    kit_id = Id(load_default=None, allow_none=True)
    quantity = ma.fields.Integer(load_default=1, validate=V.Range(min=1, max=1000))
    location_id = Id(required=True)


class AidLineOutSchema(ma.Schema):
    id = ma.fields.Integer()
    item_id = ma.fields.Integer(allow_none=True)
    kit_id = ma.fields.Integer(allow_none=True)
    name = ma.fields.String()
    quantity = ma.fields.Integer()
    location_id = ma.fields.Integer()


class AidLineListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AidLineOutSchema))


class AidLimitInSchema(ma.Schema):
    min_days = ma.fields.Integer(required=True, validate=V.Range(min=1, max=730))


class AidLimitOutSchema(ma.Schema):
    category = ma.fields.String()
    min_days = ma.fields.Integer()


class AidLimitListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AidLimitOutSchema))


class AidNeedsArgsSchema(ma.Schema):
    province_id = Id(load_default=None, allow_none=True)
    category = ma.fields.String(load_default=None, allow_none=True, validate=V.OneOf(NEEDS))
    association_id = Id(load_default=None, allow_none=True)
    level = ma.fields.String(
        load_default="douar", validate=V.OneOf(("douar", "commune", "province"))
    )


class AidNeedCellSchema(ma.Schema):
    """``needed``, ``filled`` and ``percent`` are null when ``suppressed`` (a cell of fewer
    than 3 households)."""

    category = ma.fields.String()
    province_id = ma.fields.Integer()
    commune = ma.fields.String()
    douar = ma.fields.String()
    place = ma.fields.String()
    suppressed = ma.fields.Boolean()
    needed = ma.fields.Integer(allow_none=True)
    filled = ma.fields.Integer(allow_none=True)
    percent = ma.fields.Integer(allow_none=True)


class AidNeedsSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AidNeedCellSchema))
    households = ma.fields.Integer(allow_none=True)


class AidServedRowSchema(ma.Schema):
    month = ma.fields.String()
    category = ma.fields.String()
    province_id = ma.fields.Integer()
    commune = ma.fields.String()
    collections = ma.fields.Integer()
    families = ma.fields.Integer()
    people = ma.fields.Integer()


class AidFlowRowSchema(ma.Schema):
    month = ma.fields.String()
    item = ma.fields.String()
    in_ = ma.fields.Integer(data_key="in", attribute="in")
    out = ma.fields.Integer()


class AidReportSchema(ma.Schema):
    served = ma.fields.List(ma.fields.Nested(AidServedRowSchema))
    stock = ma.fields.List(ma.fields.Nested(AidFlowRowSchema))


class AidPublicSummarySchema(ma.Schema):
    """Counts below 3 are null ("fewer than 3")."""

    association_id = ma.fields.Integer()
    families = ma.fields.Integer(allow_none=True)
    collections = ma.fields.Integer(allow_none=True)
    months = ma.fields.List(ma.fields.Dict())


class AidGrievanceInSchema(ma.Schema):
    kind = ma.fields.String(required=True, validate=V.OneOf(GRIEVANCE_KINDS))
    body = ma.fields.String(required=True, validate=V.Length(min=5, max=2000))
    contact = ma.fields.String(load_default=None, allow_none=True, validate=V.Length(max=200))
    household_id = Id(load_default=None, allow_none=True)


class AidGrievanceAnswerSchema(ma.Schema):
    answer = ma.fields.String(required=True, validate=V.Length(min=3, max=2000))


class AidGrievanceArgsSchema(ma.Schema):
    status = ma.fields.String(
        load_default=None, allow_none=True, validate=V.OneOf(GRIEVANCE_STATUSES)
    )


class AidGrievanceOutSchema(ma.Schema):
    id = ma.fields.Integer()
    number = ma.fields.String()
    association_id = ma.fields.Integer()
    household_id = ma.fields.Integer(allow_none=True)
    kind = ma.fields.String()
    body = ma.fields.String()
    status = ma.fields.String()
    answer = ma.fields.String()
    answered_at = ma.fields.DateTime(allow_none=True)
    closed_at = ma.fields.DateTime(allow_none=True)
    due_at = ma.fields.DateTime()
    overdue = ma.fields.Boolean()
    has_contact = ma.fields.Boolean()
    created_at = ma.fields.DateTime()


class AidGrievanceListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AidGrievanceOutSchema))


class AidPersonalReadArgsSchema(ma.Schema):
    purpose = ma.fields.String(load_default="", validate=V.Length(max=200))


class AidFieldsSchema(ma.Schema):
    fields_ = ma.fields.Dict(data_key="fields", attribute="fields")


class HouseholdPatchSchema(ma.Schema):
    """The fields to correct (any of them); personal ones stay encrypted."""

    head_name = ma.fields.String(validate=V.Length(min=2, max=120))
    phone = ma.fields.String(allow_none=True, validate=V.Length(max=30))
    address = ma.fields.String(allow_none=True, validate=V.Length(max=300))
    birth_year = ma.fields.Integer(allow_none=True, validate=V.Range(min=1900, max=2026))
    commune = ma.fields.String(validate=V.Length(min=2, max=120))
    douar = ma.fields.String(validate=V.Length(max=120))
    size = ma.fields.Integer(validate=V.Range(min=1, max=40))
    composition = ma.fields.Dict(
        keys=ma.fields.String(validate=V.OneOf(AGE_BANDS)),
        values=ma.fields.Integer(validate=V.Range(min=0, max=40)),
    )
    vulnerabilities = ma.fields.List(ma.fields.String(validate=V.OneOf(VULNERABILITIES)))
    registry_status = ma.fields.String(validate=V.OneOf(REGISTRY_STATUSES))
    needs = ma.fields.List(ma.fields.Nested(NeedSchema))


# ------------------------------------------------------------------ cards, proxies, deliveries


class CardOutSchema(ma.Schema):
    id = ma.fields.Integer()
    household_id = ma.fields.Integer()
    status = ma.fields.String(metadata={"description": "active or revoked"})
    locked = ma.fields.Boolean(metadata={"description": "five wrong PINs: reissue the card"})
    issued_at = ma.fields.DateTime()
    token = ma.fields.String(metadata={"description": "the card number (QR code), shown once"})
    pin = ma.fields.String(metadata={"description": "the card's PIN, shown once"})


class CardStateSchema(ma.Schema):
    card = ma.fields.Nested(CardOutSchema, allow_none=True)
    proxy_collections = ma.fields.Integer()


class CardCollectSchema(ma.Schema):
    token = ma.fields.String(required=True, validate=V.Length(min=1, max=40))
    pin = ma.fields.String(required=True, validate=V.Regexp(r"^\s*\d{4}\s*$"))
    proxy_name = ma.fields.String(load_default=None, allow_none=True, validate=V.Length(max=120))
    proxy_relation = ma.fields.String(
        load_default=None, allow_none=True, validate=V.OneOf(PROXY_RELATIONS)
    )
    witness_id = Id(load_default=None, allow_none=True)


class CardCollectedSchema(ma.Schema):
    id = ma.fields.Integer()
    distribution_id = ma.fields.Integer()
    household_id = ma.fields.Integer()
    household_number = ma.fields.String()
    status = ma.fields.String()
    proxy = ma.fields.Boolean()


class DeliveryInSchema(ma.Schema):
    household_id = Id(required=True)
    assignee_id = Id(required=True)
    scheduled_at = ma.fields.AwareDateTime(required=True, default_timezone=None)
    note = ma.fields.String(load_default="", validate=V.Length(max=300))


class DeliveryOutSchema(ma.Schema):
    id = ma.fields.Integer()
    number = ma.fields.String()
    association_id = ma.fields.Integer()
    distribution_id = ma.fields.Integer()
    household_id = ma.fields.Integer()
    household_number = ma.fields.String()
    commune = ma.fields.String()
    douar = ma.fields.String()
    assignee_id = ma.fields.Integer(allow_none=True)
    scheduled_at = ma.fields.DateTime()
    status = ma.fields.String()
    proof = ma.fields.String(allow_none=True)
    closed_at = ma.fields.DateTime(allow_none=True)
    address_readable = ma.fields.Boolean()
    code = ma.fields.String(allow_none=True, metadata={"description": "a new one-time code"})


class DeliveryListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(DeliveryOutSchema))


class DeliveryAddressSchema(ma.Schema):
    first_name = ma.fields.String()
    address = ma.fields.String()


class DeliveryProofSchema(ma.Schema):
    proof = ma.fields.String(required=True, validate=V.OneOf(DELIVERY_PROOFS))
    pin = ma.fields.String(load_default=None, allow_none=True, validate=V.Regexp(r"^\s*\d{4}\s*$"))
    witness_id = Id(load_default=None, allow_none=True)


class DeliveryFailSchema(ma.Schema):
    note = ma.fields.String(load_default="", validate=V.Length(max=300))
