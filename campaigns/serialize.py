"""Campaign objects to API dictionaries. A contribution is serialized for one of three
readers: the public (an incognito contributor has no name and no account), its contributor,
or the host's treasurers (who see the account; names and emails are read through the logged
personal-data path)."""

from __future__ import annotations

from typing import Any

from flask import url_for

from campaigns import labels
from campaigns.ledger import Ledger, RoundFigures
from campaigns.models import BudgetLine, Campaign, CampaignUpdate, Contribution, Expense


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def serialize_campaign(
    row: Campaign,
    lines: list[BudgetLine],
    figures: Ledger,
    rounds: list[RoundFigures] | None = None,
) -> dict[str, Any]:
    return {
        "id": row.id,
        "association_id": row.association_id,
        "title": row.title,
        "story_ar": row.story_ar,
        "story_fr": row.story_fr,
        "target_group": row.target_group,
        "province_id": row.province_id,
        "needs_snapshot": list(row.needs_snapshot or []),
        "in_kind": list(row.in_kind or []),
        "min_goal": row.min_goal,
        "optimum_goal": row.optimum_goal,
        "starts_on": row.starts_on.isoformat(),
        "ends_on": row.ends_on.isoformat(),
        "model": row.model,
        "bank_reference": row.bank_reference,
        "group_name": row.group_name or "",
        "group_referent": row.group_referent or "",
        "group_approved": row.group_approved_at is not None,
        "zakat": "declared_by_association" if row.zakat_declared else None,
        "status": row.status,
        "budget_lines": [{"id": x.id, "label": x.label, "amount": x.amount} for x in lines],
        "rounds": [r.as_dict() for r in rounds or []],
        "ledger": figures.as_dict(),
        "report_days": row.report_days,
        "report_due_on": _iso(row.report_due_on),
        "report_filed_at": _iso(row.report_filed_at),
        "live_at": _iso(row.live_at),
        "closed_at": _iso(row.closed_at),
    }


def serialize_contribution(
    row: Contribution, name: str | None = None, *, reader: str = "public"
) -> dict[str, Any]:
    """``reader``: ``public`` (``name`` is the public display name or None), ``own`` or
    ``treasurer``."""
    hidden = row.incognito and reader == "public"
    out: dict[str, Any] = {
        "id": row.id,
        "campaign_id": row.campaign_id,
        "amount": row.amount,
        "status": row.status,
        "incognito": row.incognito,
        "name": None if hidden else name,
        "display": str(labels.ANONYMOUS) if hidden or not name else name,
        "confirmed_at": _iso(row.confirmed_at),
    }
    if reader == "public":
        out["user_id"] = None if row.incognito else row.user_id
        return out
    out.update(
        {
            "user_id": row.user_id,
            "reference": row.reference,
            "method": row.method,
            "provider": row.provider,
            "receipt_number": row.receipt_number,
            "awaiting_second_confirmer": row.method == "cash"
            and row.status == "pledged"
            and row.first_confirmer_id is not None,
            "created_at": _iso(row.created_at),
            "refunded_at": _iso(row.refunded_at),
        }
    )
    return out


def serialize_expense(row: Expense) -> dict[str, Any]:
    return {
        "id": row.id,
        "campaign_id": row.campaign_id,
        "budget_line_id": row.budget_line_id,
        "amount": row.amount,
        "supplier": row.supplier,
        "description": row.description,
        "has_receipt": row.receipt is not None,
        "status": row.status,
        "submitted_by": row.submitted_by,
        "approved_by": row.approved_by,
        "paid_at": _iso(row.paid_at),
        "created_at": _iso(row.created_at),
    }


def serialize_update(row: CampaignUpdate) -> dict[str, Any]:
    return {
        "id": row.id,
        "campaign_id": row.campaign_id,
        "body": row.body,
        "image_document_id": row.image_document_id,
        "image_alt": row.image_alt or "",
        "image_url": url_for(
            "campaigns.update_image", campaign_id=row.campaign_id, update_id=row.id
        )
        if row.image_document_id is not None
        else None,
        "created_at": _iso(row.created_at),
    }
