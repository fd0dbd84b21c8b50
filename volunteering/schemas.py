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
    COMPONENT_KINDS,
    CONTACT_MAX,
    CONTRACT_TEXT_MAX,
    DESCRIPTION_MAX,
    DOUAR_MAX,
    INSURANCE_MAX,
    LABEL_MAX,
    LANGUAGES,
    LOAD_KINDS,
    MESSAGE_MAX,
    PLACE_MAX,
    ROLES_MAX,
    SHIFTS_MAX,
    SKILLS,
    STORY_MAX,
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


# --- caravans ---------------------------------------------------------------------------------


class CaravanInSchema(_In):
    lead_association_id = Id(required=True)
    title = ma.fields.String(required=True, validate=ma.validate.Length(max=TITLE_MAX))
    description = ma.fields.String(
        load_default="", validate=ma.validate.Length(max=DESCRIPTION_MAX)
    )
    city_id = Id(required=True)
    douar = ma.fields.String(required=True, validate=ma.validate.Length(max=DOUAR_MAX))
    starts_on = ma.fields.Date(required=True)
    ends_on = ma.fields.Date(required=True)
    campaign_id = Id(allow_none=True, load_default=None)


class CaravanPatchSchema(_In):
    title = ma.fields.String(validate=ma.validate.Length(max=TITLE_MAX))
    description = ma.fields.String(validate=ma.validate.Length(max=DESCRIPTION_MAX))
    city_id = Id()
    douar = ma.fields.String(validate=ma.validate.Length(max=DOUAR_MAX))
    starts_on = ma.fields.Date()
    ends_on = ma.fields.Date()
    campaign_id = Id(allow_none=True)
    people_reached = ma.fields.Integer(allow_none=True)
    story_ar = ma.fields.String(validate=ma.validate.Length(max=STORY_MAX))
    story_fr = ma.fields.String(validate=ma.validate.Length(max=STORY_MAX))


class PartnerInSchema(_In):
    association_id = Id(required=True)


class ComponentInSchema(_In):
    association_id = Id(allow_none=True, load_default=None)
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(COMPONENT_KINDS))
    title = ma.fields.String(required=True, validate=ma.validate.Length(max=TITLE_MAX))
    day = ma.fields.Date(required=True)
    start_time = ma.fields.String(required=True, validate=ma.validate.Length(max=5))
    end_time = ma.fields.String(required=True, validate=ma.validate.Length(max=5))
    place = ma.fields.String(load_default="", validate=ma.validate.Length(max=PLACE_MAX))
    skills = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(SKILLS)), load_default=list)
    min_age = ma.fields.Integer(load_default=18, validate=ma.validate.Range(min=12, max=99))
    contractual = ma.fields.Boolean(load_default=False)
    roles = ma.fields.List(
        ma.fields.Nested(RoleSchema), validate=ma.validate.Length(max=ROLES_MAX), load_default=list
    )


class ComponentPatchSchema(_In):
    kind = ma.fields.String(validate=ma.validate.OneOf(COMPONENT_KINDS))
    title = ma.fields.String(validate=ma.validate.Length(max=TITLE_MAX))
    day = ma.fields.Date()
    start_time = ma.fields.String(validate=ma.validate.Length(max=5))
    end_time = ma.fields.String(validate=ma.validate.Length(max=5))
    place = ma.fields.String(validate=ma.validate.Length(max=PLACE_MAX))
    roles = ma.fields.List(ma.fields.Nested(RoleSchema), validate=ma.validate.Length(max=ROLES_MAX))


class LoadInSchema(_In):
    component_id = Id(allow_none=True, load_default=None)
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(LOAD_KINDS))
    ref_id = Id(required=True)
    label = ma.fields.String(required=True, validate=ma.validate.Length(max=LABEL_MAX))
    quantity = ma.fields.Integer(load_default=1)


class CaravanRoleOutSchema(ma.Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    quota = ma.fields.Integer()
    confirmed = ma.fields.Integer()
    needed = ma.fields.Integer()
    #: Only for the managers of the association that runs the component.
    volunteers = ma.fields.List(ma.fields.String())


class ComponentOutSchema(ma.Schema):
    id = ma.fields.Integer()
    association_id = ma.fields.Integer()
    association_name = ma.fields.String()
    opportunity_id = ma.fields.Integer()
    kind = ma.fields.String()
    kind_label = ma.fields.String()
    title = ma.fields.String()
    day = ma.fields.Date()
    start_time = ma.fields.String()
    end_time = ma.fields.String()
    place = ma.fields.String()
    needs_authorization = ma.fields.String(allow_none=True)
    roles = ma.fields.List(ma.fields.Nested(CaravanRoleOutSchema))


class PartnerOutSchema(ma.Schema):
    association_id = ma.fields.Integer()
    name = ma.fields.String()
    status = ma.fields.String()


class LoadOutSchema(ma.Schema):
    id = ma.fields.Integer()
    component_id = ma.fields.Integer(allow_none=True)
    kind = ma.fields.String()
    ref_id = ma.fields.Integer()
    label = ma.fields.String()
    quantity = ma.fields.Integer()


class CaravanOutSchema(ma.Schema):
    id = ma.fields.Integer()
    lead_association_id = ma.fields.Integer()
    lead_association_name = ma.fields.String()
    title = ma.fields.String()
    description = ma.fields.String()
    province_id = ma.fields.Integer()
    city_id = ma.fields.Integer(allow_none=True)
    place = ma.fields.String()
    douar = ma.fields.String()
    starts_on = ma.fields.Date()
    ends_on = ma.fields.Date()
    campaign_id = ma.fields.Integer(allow_none=True)
    status = ma.fields.String()
    people_reached = ma.fields.Integer(allow_none=True)
    story_ar = ma.fields.String()
    story_fr = ma.fields.String()
    partners = ma.fields.List(ma.fields.Nested(PartnerOutSchema))
    components = ma.fields.List(ma.fields.Nested(ComponentOutSchema))
    in_kind = ma.fields.List(ma.fields.Nested(LoadOutSchema))
    #: What keeps it from being ready (translated), while it is planned.
    checks = ma.fields.List(ma.fields.String())
    url = ma.fields.String()
    schedule_url = ma.fields.String()


class CaravanListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CaravanOutSchema))
    total = ma.fields.Integer()
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()


class CountOutSchema(ma.Schema):
    count = ma.fields.Integer()


class ScheduleItemSchema(ma.Schema):
    day = ma.fields.Date()
    start_time = ma.fields.String()
    end_time = ma.fields.String()
    kind = ma.fields.String()
    kind_label = ma.fields.String()
    title = ma.fields.String()
    place = ma.fields.String()
    association_name = ma.fields.String()


class ScheduleOutSchema(ma.Schema):
    """The public schedule for the douar: what, where, when; never who."""

    id = ma.fields.Integer()
    title = ma.fields.String()
    status = ma.fields.String()
    douar = ma.fields.String()
    place = ma.fields.String()
    starts_on = ma.fields.Date()
    ends_on = ma.fields.Date()
    items = ma.fields.List(ma.fields.Nested(ScheduleItemSchema))


class ShowcaseOutSchema(ma.Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    douar = ma.fields.String()
    place = ma.fields.String()
    starts_on = ma.fields.Date()
    ends_on = ma.fields.Date()
    associations = ma.fields.List(ma.fields.String())
    volunteers = ma.fields.Integer()
    association_count = ma.fields.Integer()
    components = ma.fields.Integer()
    people_reached = ma.fields.Integer(allow_none=True)
    hours = ma.fields.Integer()
    certificates = ma.fields.Integer()
    story_ar = ma.fields.String()
    story_fr = ma.fields.String()
