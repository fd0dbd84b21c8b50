"""Input and output shapes of the volunteering API (documented in the OpenAPI description).
Lengths are bounded here; rules that need the database (places, ages, rights) are the
services' and answer with translated messages."""

from __future__ import annotations

import datetime as dt

import marshmallow as ma

from app.api import Id, PageArgsSchema
from volunteering.models import (
    APPLICATION_STATUSES,
    AVAILABILITY_MAX,
    CONTACT_MAX,
    CONTRACT_TEXT_MAX,
    DESCRIPTION_MAX,
    INSURANCE_MAX,
    LANGUAGES,
    MESSAGE_MAX,
    ROLES_MAX,
    SHIFTS_MAX,
    SKILLS,
    TITLE_MAX,
    VISIBILITIES,
)


class _In(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE


class ProfileSchema(_In):
    skills = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(SKILLS)))
    languages = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(LANGUAGES)))
    region_ids = ma.fields.List(Id())
    availability = ma.fields.String(validate=ma.validate.Length(max=AVAILABILITY_MAX))
    visibility = ma.fields.String(validate=ma.validate.OneOf(VISIBILITIES))
    birth_year = ma.fields.Integer(allow_none=True, validate=ma.validate.Range(min=1900, max=2100))
    adult_declared = ma.fields.Boolean()
    #: Write only: never returned by the API (personal data).
    emergency_contact = ma.fields.String(
        load_only=True, allow_none=True, validate=ma.validate.Length(max=CONTACT_MAX)
    )
    has_emergency_contact = ma.fields.Boolean(dump_only=True)


class RoleSchema(_In):
    #: in an edit: the role changed (absent: a new role)
    id = ma.fields.Integer(allow_none=True)
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=TITLE_MAX))
    quota = ma.fields.Integer(required=True)
    accepted = ma.fields.Integer(dump_only=True)


class ShiftSchema(_In):
    #: in an edit: the shift changed (absent: a new shift)
    id = ma.fields.Integer(allow_none=True)
    starts_at = ma.fields.AwareDateTime(required=True, default_timezone=dt.UTC)
    ends_at = ma.fields.AwareDateTime(required=True, default_timezone=dt.UTC)
    capacity = ma.fields.Integer(required=True)
    taken = ma.fields.Integer(dump_only=True)
    places_left = ma.fields.Integer(dump_only=True)


class OpportunityInSchema(_In):
    association_id = Id(required=True)
    title = ma.fields.String(required=True, validate=ma.validate.Length(max=TITLE_MAX))
    description = ma.fields.String(required=True, validate=ma.validate.Length(max=DESCRIPTION_MAX))
    skills = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(SKILLS)), load_default=list)
    city_id = Id(allow_none=True)
    remote = ma.fields.Boolean(load_default=False)
    starts_on = ma.fields.Date(required=True)
    ends_on = ma.fields.Date(required=True)
    min_age = ma.fields.Integer(load_default=18, validate=ma.validate.Range(min=12, max=99))
    contractual = ma.fields.Boolean(load_default=False)
    roles = ma.fields.List(
        ma.fields.Nested(RoleSchema), validate=ma.validate.Length(max=ROLES_MAX), load_default=list
    )
    shifts = ma.fields.List(
        ma.fields.Nested(ShiftSchema),
        validate=ma.validate.Length(max=SHIFTS_MAX),
        load_default=list,
    )


class OpportunityPatchSchema(_In):
    title = ma.fields.String(validate=ma.validate.Length(max=TITLE_MAX))
    description = ma.fields.String(validate=ma.validate.Length(max=DESCRIPTION_MAX))
    skills = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(SKILLS)))
    roles = ma.fields.List(ma.fields.Nested(RoleSchema), validate=ma.validate.Length(max=ROLES_MAX))
    shifts = ma.fields.List(
        ma.fields.Nested(ShiftSchema), validate=ma.validate.Length(max=SHIFTS_MAX)
    )
    status = ma.fields.String(validate=ma.validate.OneOf(("closed",)))


class OpportunityOutSchema(ma.Schema):
    id = ma.fields.Integer()
    association_id = ma.fields.Integer()
    association_name = ma.fields.String()
    title = ma.fields.String()
    description = ma.fields.String()
    skills = ma.fields.List(ma.fields.String())
    province_id = ma.fields.Integer(allow_none=True)
    city_id = ma.fields.Integer(allow_none=True)
    place = ma.fields.String()
    remote = ma.fields.Boolean()
    starts_on = ma.fields.Date()
    ends_on = ma.fields.Date()
    min_age = ma.fields.Integer()
    contractual = ma.fields.Boolean()
    status = ma.fields.String()
    closed_reason = ma.fields.String(allow_none=True)
    roles = ma.fields.List(ma.fields.Nested(RoleSchema))
    shifts = ma.fields.List(ma.fields.Nested(ShiftSchema))
    url = ma.fields.String()


class SearchArgsSchema(PageArgsSchema):
    class Meta:
        unknown = ma.EXCLUDE

    q = ma.fields.String(validate=ma.validate.Length(max=200))
    skill = ma.fields.String(validate=ma.validate.OneOf(SKILLS))
    province = ma.fields.Integer()
    remote = ma.fields.Boolean()
    date = ma.fields.Date()


class FacetValueSchema(ma.Schema):
    value = ma.fields.String()
    count = ma.fields.Integer()


class SearchOutSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(OpportunityOutSchema))
    total = ma.fields.Integer()
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    facets = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer()),
    )


class ApplicationInSchema(_In):
    role_id = Id(allow_none=True)
    message = ma.fields.String(validate=ma.validate.Length(max=MESSAGE_MAX), load_default="")


class ApplicationOutSchema(ma.Schema):
    id = ma.fields.Integer()
    opportunity_id = ma.fields.Integer()
    role_id = ma.fields.Integer(allow_none=True)
    volunteer_id = ma.fields.Integer()
    volunteer_name = ma.fields.String()
    message = ma.fields.String()
    status = ma.fields.String(metadata={"enum": list(APPLICATION_STATUSES)})
    declined_unanswered = ma.fields.Boolean()
    created_at = ma.fields.DateTime()
    decided_at = ma.fields.DateTime(allow_none=True)


class ApplicationListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ApplicationOutSchema))
    total = ma.fields.Integer()
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()


class PurposeArgsSchema(_In):
    purpose = ma.fields.String(load_default="", validate=ma.validate.Length(max=300))


class ContactOutSchema(ma.Schema):
    emergency_contact = ma.fields.String(allow_none=True)


class SignupOutSchema(ma.Schema):
    id = ma.fields.Integer()
    shift_id = ma.fields.Integer()
    volunteer_id = ma.fields.Integer()
    status = ma.fields.String()
    checked_in_at = ma.fields.DateTime(allow_none=True)
    checked_out_at = ma.fields.DateTime(allow_none=True)
    #: Only for the volunteer and the association (the only ones who read a sign-up).
    no_show = ma.fields.Boolean()
    places_left = ma.fields.Integer()


class HoursOutSchema(ma.Schema):
    id = ma.fields.Integer()
    manual = ma.fields.Boolean()
    volunteer_id = ma.fields.Integer()
    association_id = ma.fields.Integer()
    opportunity_id = ma.fields.Integer()
    minutes = ma.fields.Integer()
    worked_on = ma.fields.Date()
    status = ma.fields.String()


class VerifyInSchema(_In):
    minutes = ma.fields.Integer(allow_none=True)


class CertificateInSchema(_In):
    association_id = Id(required=True)


class CertificateOutSchema(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    holder_name = ma.fields.String()
    association_name = ma.fields.String()
    hours = ma.fields.Float()
    period_start = ma.fields.Date()
    period_end = ma.fields.Date()
    pdf_url = ma.fields.String()
    verify_url = ma.fields.String()


class VerificationSchema(ma.Schema):
    """What anyone holding the code may see: nothing else."""

    name = ma.fields.String()
    association = ma.fields.String()
    hours = ma.fields.Float()
    period_start = ma.fields.Date()
    period_end = ma.fields.Date()


class ContractInSchema(_In):
    tasks = ma.fields.String(required=True, validate=ma.validate.Length(max=CONTRACT_TEXT_MAX))
    period_start = ma.fields.Date()
    period_end = ma.fields.Date()
    expenses = ma.fields.String(validate=ma.validate.Length(max=CONTRACT_TEXT_MAX))
    insurance_reference = ma.fields.String(
        required=True, validate=ma.validate.Length(max=INSURANCE_MAX)
    )


class ContractPatchSchema(_In):
    tasks = ma.fields.String(validate=ma.validate.Length(max=CONTRACT_TEXT_MAX))
    period_start = ma.fields.Date()
    period_end = ma.fields.Date()
    expenses = ma.fields.String(validate=ma.validate.Length(max=CONTRACT_TEXT_MAX))
    insurance_reference = ma.fields.String(validate=ma.validate.Length(max=INSURANCE_MAX))


class ContractOutSchema(ma.Schema):
    id = ma.fields.Integer()
    opportunity_id = ma.fields.Integer()
    association_id = ma.fields.Integer()
    volunteer_id = ma.fields.Integer()
    tasks = ma.fields.String()
    period_start = ma.fields.Date()
    period_end = ma.fields.Date()
    expenses = ma.fields.String()
    insurance_reference = ma.fields.String()
    status = ma.fields.String()
    volunteer_signed_at = ma.fields.DateTime(allow_none=True)
    coordinator_signed_at = ma.fields.DateTime(allow_none=True)
    #: the texts as signed (or as they would be signed, for a draft) and the hash once signed
    text_ar = ma.fields.String()
    text_fr = ma.fields.String()
    text_sha256 = ma.fields.String(allow_none=True)
    pdf_url = ma.fields.String()
    #: ended early (law 06-18): when, which side (``volunteer``, ``association``), why
    ended_at = ma.fields.DateTime(allow_none=True)
    ended_side = ma.fields.String(allow_none=True)
    end_reason = ma.fields.String(allow_none=True)


class ContractEndInSchema(_In):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(max=CONTRACT_TEXT_MAX))


class ManualHoursInSchema(_In):
    minutes = ma.fields.Integer(required=True)
    worked_on = ma.fields.Date(required=True)
    #: a coordinator enters hours for one of the opportunity's accepted volunteers
    volunteer_id = Id(allow_none=True)
