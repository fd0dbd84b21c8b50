"""The ledger of a campaign, computed from its rows and never typed or stored: what was
confirmed, refunded and raised (confirmed − refunded), what was spent per budget line (paid
expenses), what is pledged and not yet confirmed. Integer centimes throughout."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from app.db import db
from campaigns.models import BudgetLine, CampaignRound, Contribution, Expense


@dataclass
class LineFigures:
    id: int
    label: str
    budget: int
    spent: int


@dataclass
class Ledger:
    confirmed: int = 0
    refunded: int = 0
    pledged: int = 0
    contributions: int = 0
    spent: int = 0
    lines: list[LineFigures] = field(default_factory=list)

    @property
    def raised(self) -> int:
        return self.confirmed - self.refunded

    @property
    def balance(self) -> int:
        return self.raised - self.spent

    def as_dict(self) -> dict[str, Any]:
        return {
            "confirmed": self.confirmed,
            "refunded": self.refunded,
            "raised": self.raised,
            "pledged": self.pledged,
            "contributions": self.contributions,
            "spent": self.spent,
            "balance": self.balance,
            "lines": [
                {"id": x.id, "label": x.label, "budget": x.budget, "spent": x.spent}
                for x in self.lines
            ],
        }


def ledger(campaign_id: int) -> Ledger:
    """The campaign's figures in three queries."""
    found = Ledger()
    rows = db.session.execute(
        select(Contribution.status, func.count(), func.coalesce(func.sum(Contribution.amount), 0))
        .where(Contribution.campaign_id == campaign_id)
        .group_by(Contribution.status)
    ).all()
    for status, count, total in rows:
        total = int(total)
        if status in ("confirmed", "refunded"):
            found.confirmed += total
            found.contributions += int(count) if status == "confirmed" else 0
        if status == "refunded":
            found.refunded += total
        if status == "pledged":
            found.pledged += total
    spent = dict(
        db.session.execute(
            select(Expense.budget_line_id, func.coalesce(func.sum(Expense.amount), 0))
            .where(Expense.campaign_id == campaign_id, Expense.status == "paid")
            .group_by(Expense.budget_line_id)
        ).all()
    )
    for line in db.session.scalars(
        select(BudgetLine).where(BudgetLine.campaign_id == campaign_id).order_by(BudgetLine.id)
    ):
        used = int(spent.get(line.id, 0))
        found.lines.append(LineFigures(line.id, line.label, line.amount, used))
        found.spent += used
    return found


def format_mad(centimes: int) -> str:
    """``1234567`` -> ``12 345,67 MAD`` (the way Moroccan banks write it)."""
    sign = "-" if centimes < 0 else ""
    whole, cents = divmod(abs(int(centimes)), 100)
    grouped = f"{whole:,}".replace(",", "\u202f")
    return f"{sign}{grouped},{cents:02d} MAD"


@dataclass(frozen=True)
class RoundFigures:
    id: int
    label: str
    starts_on: dt.date
    ends_on: dt.date
    goal: int
    #: confirmed, not refunded, contributions given (pledged) during the round
    raised: int

    @property
    def percent(self) -> int:
        return min(100, self.raised * 100 // self.goal) if self.goal else 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "starts_on": self.starts_on.isoformat(),
            "ends_on": self.ends_on.isoformat(),
            "goal": self.goal,
            "raised": self.raised,
        }


def round_figures(campaign_id: int) -> list[RoundFigures]:
    """Each round of the campaign with what it raised: the contributions received (confirmed
    and not refunded) that were given on one of its days. Two queries."""
    rounds = list(
        db.session.scalars(
            select(CampaignRound)
            .where(CampaignRound.campaign_id == campaign_id)
            .order_by(CampaignRound.starts_on, CampaignRound.id)
        )
    )
    if not rounds:
        return []
    given = db.session.execute(
        select(Contribution.created_at, Contribution.amount).where(
            Contribution.campaign_id == campaign_id, Contribution.status == "confirmed"
        )
    ).all()
    totals = dict.fromkeys((r.id for r in rounds), 0)
    for when, value in given:
        day = when.date()
        for r in rounds:
            if r.starts_on <= day <= r.ends_on:
                totals[r.id] += int(value)
                break
    return [
        RoundFigures(r.id, r.label, r.starts_on, r.ends_on, r.goal, totals[r.id]) for r in rounds
    ]
