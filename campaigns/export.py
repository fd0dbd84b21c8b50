"""The campaigns' part of a person's data export (``Registry.export_sections`` and
``export_files``): their own pledges and contributions, incognito ones included (they are the
person's own), with the receipts of those received. Nobody else's name appears."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.accounts.models import User
from app.db import db
from campaigns import report
from campaigns.models import Campaign, Contribution


def _own(user: User) -> list[tuple[Contribution, Campaign]]:
    rows = db.session.execute(
        select(Contribution, Campaign)
        .join(Campaign, Campaign.id == Contribution.campaign_id)
        .where(Contribution.user_id == user.id)
        .order_by(Contribution.id)
    ).all()
    return [(c, campaign) for c, campaign in rows]


def _receipt_name(row: Contribution) -> str:
    return f"campaigns/receipt-{row.reference}.pdf"


def export_contributions(user: User) -> dict[str, Any]:
    return {
        "campaigns": {
            "contributions": [
                {
                    "id": c.id,
                    "campaign_id": campaign.id,
                    "campaign": campaign.title,
                    "reference": c.reference,
                    "amount_centimes": c.amount,
                    "method": c.method,
                    "status": c.status,
                    "incognito": c.incognito,
                    "name": c.name,
                    "email": c.email,
                    "receipt_number": c.receipt_number,
                    "receipt_file": _receipt_name(c) if _has_receipt(c) else None,
                    "created_at": c.created_at,
                    "confirmed_at": c.confirmed_at,
                    "refunded_at": c.refunded_at,
                }
                for c, campaign in _own(user)
            ]
        }
    }


def _has_receipt(row: Contribution) -> bool:
    return row.receipt_number is not None and row.status in ("confirmed", "refunded")


def export_receipts(user: User) -> list[tuple[str, bytes]]:
    """The receipts (PDF) of the person's contributions received."""
    return [
        (_receipt_name(c), report.receipt_pdf(c, campaign, c.name))
        for c, campaign in _own(user)
        if _has_receipt(c)
    ]
