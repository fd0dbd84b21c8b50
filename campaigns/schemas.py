"""Input and output shapes of the campaigns API (documented in the OpenAPI description).
Amounts are whole centimes of a dirham; they are taken as given (``Raw``) and checked by the
services, so that ``12.5``, ``-3`` or ``"12"`` get the same clear refusal on every face."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_babel import gettext as _

from app.api import Id, PageArgsSchema, invalid, page_schema
from campaigns.models import (
    ALT_MAX,
    BANK_MAX,
    EMAIL_MAX,
    GROUP_MAX,
    LABEL_MAX,
    METHODS,
    MODELS,
    NAME_MAX,
    ROUND_LABEL_MAX,
    STORY_MAX,
    SUPPLIER_MAX,
    TARGET_MAX,
    TITLE_MAX,
    UPDATE_MAX,
)

CENTIMES = {"description": "whole centimes of a dirham (MAD)"}


class BudgetLineInSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    label = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=LABEL_MAX))
    amount = ma.fields.Raw(required=True, metadata=CENTIMES)


class RoundInSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    label = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=ROUND_LABEL_MAX))
    starts_on = ma.fields.Date(required=True)
    ends_on = ma.fields.Date(required=True)
    goal = ma.fields.Raw(required=True, metadata=CENTIMES)


class CampaignInSchema(ma.Schema):
    """A draft (``POST``: all of it) or its changes (``PATCH``)."""

    class Meta:
        unknown = ma.EXCLUDE

    association_id = Id()
    title = ma.fields.String(validate=ma.validate.Length(max=TITLE_MAX))
    story_ar = ma.fields.String(validate=ma.validate.Length(max=STORY_MAX))
    story_fr = ma.fields.String(validate=ma.validate.Length(max=STORY_MAX))
    target_group = ma.fields.String(validate=ma.validate.Length(max=TARGET_MAX))
    province_id = Id(allow_none=True)
    min_goal = ma.fields.Raw(metadata=CENTIMES)
    optimum_goal = ma.fields.Raw(metadata=CENTIMES)
    starts_on = ma.fields.Date()
    ends_on = ma.fields.Date()
    model = ma.fields.String(validate=ma.validate.OneOf(MODELS))
    bank_reference = ma.fields.String(validate=ma.validate.Length(max=BANK_MAX))
    group_name = ma.fields.String(
        validate=ma.validate.Length(max=GROUP_MAX),
        metadata={"description": "an informal group carried by the host (who approves it)"},
    )
    group_referent = ma.fields.String(validate=ma.validate.Length(max=NAME_MAX))
    zakat_declared = ma.fields.Boolean()
    in_kind = ma.fields.List(ma.fields.String(validate=ma.validate.Length(max=32)))
    budget_lines = ma.fields.List(ma.fields.Nested(BudgetLineInSchema))
    rounds = ma.fields.List(
        ma.fields.Nested(RoundInSchema),
        metadata={"description": "dated rounds (Ramadan 1, Ramadan 2), each with its goal"},
    )
    report_days = ma.fields.Raw(
        metadata={"description": "days after closing the final report is due (30 to 180)"}
    )


class CampaignCreateSchema(CampaignInSchema):
    association_id = Id(required=True)
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=TITLE_MAX))
    min_goal = ma.fields.Raw(required=True, metadata=CENTIMES)
    optimum_goal = ma.fields.Raw(required=True, metadata=CENTIMES)
    starts_on = ma.fields.Date(required=True)
    ends_on = ma.fields.Date(required=True)


class LedgerLineSchema(ma.Schema):
    id = ma.fields.Integer()
    label = ma.fields.String()
    budget = ma.fields.Integer()
    spent = ma.fields.Integer()


class LedgerSchema(ma.Schema):
    confirmed = ma.fields.Integer()
    refunded = ma.fields.Integer()
    raised = ma.fields.Integer(metadata={"description": "confirmed − refunded, computed"})
    pledged = ma.fields.Integer()
    contributions = ma.fields.Integer()
    spent = ma.fields.Integer()
    balance = ma.fields.Integer()
    lines = ma.fields.List(ma.fields.Nested(LedgerLineSchema))


class CampaignOutSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    association_id = ma.fields.Integer()
    title = ma.fields.String()
    story_ar = ma.fields.String()
    story_fr = ma.fields.String()
    target_group = ma.fields.String()
    province_id = ma.fields.Integer(allow_none=True)
    needs_snapshot = ma.fields.List(ma.fields.Dict())
    in_kind = ma.fields.List(ma.fields.String())
    min_goal = ma.fields.Integer()
    optimum_goal = ma.fields.Integer()
    starts_on = ma.fields.String()
    ends_on = ma.fields.String()
    model = ma.fields.String()
    bank_reference = ma.fields.String()
    group_name = ma.fields.String()
    group_referent = ma.fields.String()
    group_approved = ma.fields.Boolean()
    zakat = ma.fields.String(
        allow_none=True, metadata={"description": "declared_by_association, never verified"}
    )
    status = ma.fields.String()
    budget_lines = ma.fields.List(ma.fields.Dict())
    rounds = ma.fields.List(
        ma.fields.Dict(), metadata={"description": "each with raised: received during it"}
    )
    ledger = ma.fields.Nested(LedgerSchema)
    report_days = ma.fields.Integer()
    report_due_on = ma.fields.String(allow_none=True)
    report_filed_at = ma.fields.String(allow_none=True)
    live_at = ma.fields.String(allow_none=True)
    closed_at = ma.fields.String(allow_none=True)


CampaignPageSchema = page_schema(CampaignOutSchema)


class PledgeInSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    amount = ma.fields.Raw(required=True, metadata=CENTIMES)
    method = ma.fields.String(load_default="transfer", validate=ma.validate.OneOf(METHODS))
    incognito = ma.fields.Boolean(load_default=False)
    name = ma.fields.String(validate=ma.validate.Length(max=NAME_MAX))
    email = ma.fields.Email(validate=ma.validate.Length(max=EMAIL_MAX))


class ContributionOutSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    campaign_id = ma.fields.Integer()
    amount = ma.fields.Integer()
    status = ma.fields.String()
    incognito = ma.fields.Boolean()
    name = ma.fields.String(allow_none=True)
    display = ma.fields.String()
    user_id = ma.fields.Integer(allow_none=True)
    confirmed_at = ma.fields.String(allow_none=True)
    reference = ma.fields.String()
    method = ma.fields.String()
    provider = ma.fields.String()
    receipt_number = ma.fields.Integer(allow_none=True)
    awaiting_second_confirmer = ma.fields.Boolean()
    created_at = ma.fields.String(allow_none=True)
    refunded_at = ma.fields.String(allow_none=True)


ContributionPageSchema = page_schema(ContributionOutSchema)


class IncognitoInSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    incognito = ma.fields.Boolean(required=True)


class PurposeInSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    purpose = ma.fields.String(required=True, validate=ma.validate.Length(max=200))


class PersonalOutSchema(ma.Schema):
    name = ma.fields.String(allow_none=True)
    email = ma.fields.String(allow_none=True)


class ExpenseInSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    budget_line_id = Id(required=True)
    amount = ma.fields.Raw(required=True, metadata=CENTIMES)
    supplier = ma.fields.String(required=True, validate=ma.validate.Length(max=SUPPLIER_MAX))
    description = ma.fields.String(load_default="", validate=ma.validate.Length(max=500))


class ExpenseOutSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    campaign_id = ma.fields.Integer()
    budget_line_id = ma.fields.Integer()
    amount = ma.fields.Integer()
    supplier = ma.fields.String()
    description = ma.fields.String()
    has_receipt = ma.fields.Boolean()
    status = ma.fields.String()
    submitted_by = ma.fields.Integer(allow_none=True)
    approved_by = ma.fields.Integer(allow_none=True)
    paid_at = ma.fields.String(allow_none=True)
    created_at = ma.fields.String(allow_none=True)


class ExpenseListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ExpenseOutSchema), required=True)


class UpdateInSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    body = ma.fields.String(required=True, validate=ma.validate.Length(max=UPDATE_MAX))
    image_document_id = Id(allow_none=True, load_default=None)
    image_alt = ma.fields.String(
        load_default="",
        validate=ma.validate.Length(max=ALT_MAX),
        metadata={"description": "what the image shows (required with an image)"},
    )


class UpdateOutSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    campaign_id = ma.fields.Integer()
    body = ma.fields.String()
    image_document_id = ma.fields.Integer(allow_none=True)
    image_alt = ma.fields.String()
    image_url = ma.fields.String(allow_none=True)
    created_at = ma.fields.String(allow_none=True)


class UpdateListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(UpdateOutSchema), required=True)


class ImportOutSchema(ma.Schema):
    rows = ma.fields.Integer()
    credits = ma.fields.Integer()
    matched = ma.fields.Integer()
    unmatched = ma.fields.Integer()
    reused = ma.fields.Integer()


class StatementLineOutSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    booked_on = ma.fields.String()
    amount = ma.fields.Integer()
    label = ma.fields.String()
    status = ma.fields.String()
    contribution_id = ma.fields.Integer(allow_none=True)


class StatementLineListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(StatementLineOutSchema), required=True)


class MatchInSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    contribution_id = Id(required=True)


class RefundOutSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    contribution_id = ma.fields.Integer()
    status = ma.fields.String()
    amount = ma.fields.Integer()


class RefundListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(RefundOutSchema), required=True)


class ReportOutSchema(ma.Schema):
    campaign_id = ma.fields.Integer()
    title = ma.fields.String()
    association_id = ma.fields.Integer()
    min_goal = ma.fields.Integer()
    optimum_goal = ma.fields.Integer()
    model = ma.fields.String()
    live_at = ma.fields.String(allow_none=True)
    closed_at = ma.fields.String(allow_none=True)
    ledger = ma.fields.Nested(LedgerSchema)
    delivered = ma.fields.Dict(allow_none=True)
    by_method = ma.fields.Dict(
        metadata={"description": "received contributions per way of giving: count, amount"}
    )
    rounds = ma.fields.List(ma.fields.Dict())
    generated_at = ma.fields.String()
    final = ma.fields.Boolean()


class CampaignArgsSchema(PageArgsSchema):
    pass


def load(schema: type[ma.Schema], source: Any) -> dict[str, Any]:
    """``source`` (a form) through ``schema``; 422 with per-field messages. A form's amount is
    text: only plain digits become a number (``-5`` and ``12.5`` stay text and are refused by
    the services like in JSON)."""
    data: dict[str, Any] = {k: v for k, v in dict(source or {}).items() if v != ""}
    for key in ("amount", "min_goal", "optimum_goal"):
        if isinstance(data.get(key), str) and data[key].isdigit():
            data[key] = int(data[key])
    try:
        loaded: dict[str, Any] = schema().load(data)
        return loaded
    except ma.ValidationError as error:
        raise invalid(
            _("Please correct the highlighted fields."),
            error.messages,  # type: ignore[arg-type]
        ) from None
