"""Campaigns tables: an approved association's public appeal (law 18-18), its budget lines,
contributions (amounts in integer centimes of a dirham), refund tasks, expenses, imported bank
statement lines, updates to contributors and the frozen final report.

Nothing here stores a total: raised, spent and balances are computed from the rows
(:mod:`campaigns.ledger`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db import db, utcnow
from app.privacy import EncryptedText

#: ``keep``: the association keeps what it raises; ``all_or_nothing``: below the minimum goal
#: at the end, every confirmed contribution is refunded.
MODELS = ("keep", "all_or_nothing")
#: draft -> live -> closed (or ``failed``: all or nothing under the minimum, refunds due,
#: then ``closed`` once they are settled)
STATUSES = ("draft", "live", "failed", "closed")
METHODS = ("transfer", "cash", "card")
#: pledged (waiting for the money) -> confirmed -> refunded; ``cancelled`` by its contributor
CONTRIBUTION_STATUSES = ("pledged", "confirmed", "refunded", "cancelled")
EXPENSE_STATUSES = ("submitted", "approved", "paid", "rejected")
LINE_STATUSES = ("matched", "unmatched", "ignored")
REFUND_STATUSES = ("open", "settled")

TITLE_MAX = 160
STORY_MAX = 6000
TARGET_MAX = 300
BANK_MAX = 64
LABEL_MAX = 160
SUPPLIER_MAX = 160
NAME_MAX = 120
EMAIL_MAX = 254
UPDATE_MAX = 4000
ALT_MAX = 200
GROUP_MAX = 160
ROUND_LABEL_MAX = 80
#: the final report is due this many days after closing unless the campaign says otherwise
REPORT_DAYS_DEFAULT = 90
REPORT_DAYS_MIN = 30
REPORT_DAYS_MAX = 180
#: the highest amount of one line (ten million dirhams), in centimes
AMOUNT_MAX = 1_000_000_000


class Campaign(db.Model):  # type: ignore[name-defined]
    """A public appeal hosted by an approved association."""

    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint("min_goal > 0 AND optimum_goal >= min_goal", name="goals"),
        CheckConstraint("ends_on >= starts_on", name="dates"),
        CheckConstraint("report_days >= 30 AND report_days <= 180", name="report_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    story_ar: Mapped[str] = mapped_column(Text, default="")
    story_fr: Mapped[str] = mapped_column(Text, default="")
    target_group: Mapped[str] = mapped_column(String(TARGET_MAX), default="")
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id", ondelete="SET NULL"))
    #: the aid board's open needs when the campaign was drafted (``NeedLine`` as dicts)
    needs_snapshot: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: aid categories the campaign also asks for in kind (pledged through aid)
    in_kind: Mapped[list[str]] = mapped_column(JSON, default=list)
    min_goal: Mapped[int] = mapped_column(BigInteger)
    optimum_goal: Mapped[int] = mapped_column(BigInteger)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    model: Mapped[str] = mapped_column(String(16), default="keep")
    bank_reference: Mapped[str] = mapped_column(String(BANK_MAX), default="")
    #: an informal group's campaign carried by the host (which bears the legal responsibility
    #: and approves it before it goes live): the group's name and its referent
    group_name: Mapped[str] = mapped_column(String(GROUP_MAX), default="", server_default="")
    group_referent: Mapped[str] = mapped_column(String(NAME_MAX), default="", server_default="")
    group_approved_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    group_approved_at: Mapped[dt.datetime | None] = mapped_column()
    #: declared by the association, never verified by jam3ia
    zakat_declared: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    live_at: Mapped[dt.datetime | None] = mapped_column()
    closed_at: Mapped[dt.datetime | None] = mapped_column()
    #: days after closing the final report is due (30 to 180)
    report_days: Mapped[int] = mapped_column(
        Integer, default=REPORT_DAYS_DEFAULT, server_default=str(REPORT_DAYS_DEFAULT)
    )
    #: the legal deadline of the final report (closing day + ``report_days``)
    report_due_on: Mapped[dt.date | None] = mapped_column(Date)
    #: when the host filed the final report with the authorities
    report_filed_at: Mapped[dt.datetime | None] = mapped_column()
    #: the frozen final report (ledger and aid aggregates at closing), never edited
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class BudgetLine(db.Model):  # type: ignore[name-defined]
    __tablename__ = "campaign_budget_lines"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(LABEL_MAX))
    amount: Mapped[int] = mapped_column(BigInteger)


class CampaignRound(db.Model):  # type: ignore[name-defined]
    """A dated round of a campaign (Ramadan 1, Ramadan 2) with its own goal; what it raised is
    computed from the contributions confirmed during it."""

    __tablename__ = "campaign_rounds"
    __table_args__ = (
        CheckConstraint("goal > 0", name="goal_positive"),
        CheckConstraint("ends_on >= starts_on", name="dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(ROUND_LABEL_MAX))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    goal: Mapped[int] = mapped_column(BigInteger)


class Contribution(db.Model):  # type: ignore[name-defined]
    """A pledge and what became of it. ``reference`` is the code the contributor writes on
    their transfer. ``name``/``email`` are encrypted and read only through
    ``app.privacy.read_personal`` by the host's treasurers; an ``incognito`` contributor is
    "Anonymous" everywhere else."""

    __tablename__ = "campaign_contributions"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        UniqueConstraint("association_id", "receipt_number", name="uq_campaign_receipts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    method: Mapped[str] = mapped_column(String(10))
    provider: Mapped[str] = mapped_column(String(20), default="bank_transfer")
    status: Mapped[str] = mapped_column(String(10), default="pledged", index=True)
    incognito: Mapped[bool] = mapped_column(Boolean, default=False)
    name: Mapped[str | None] = mapped_column(EncryptedText)
    email: Mapped[str | None] = mapped_column(EncryptedText)
    #: cash and in-person gifts: the first of the two people who confirm it
    first_confirmer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    confirmed_at: Mapped[dt.datetime | None] = mapped_column()
    refunded_at: Mapped[dt.datetime | None] = mapped_column()
    receipt_number: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class ReceiptCounter(db.Model):  # type: ignore[name-defined]
    """The last receipt number an association gave (numbers run per association)."""

    __tablename__ = "campaign_receipt_counters"

    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), primary_key=True
    )
    last: Mapped[int] = mapped_column(Integer, default=0)


class RefundTask(db.Model):  # type: ignore[name-defined]
    """A contribution to pay back (an all-or-nothing campaign under its minimum)."""

    __tablename__ = "campaign_refunds"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("campaign_contributions.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    settled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    settled_at: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Expense(db.Model):  # type: ignore[name-defined]
    """Money spent against a budget line: submitted, approved by someone else, paid."""

    __tablename__ = "campaign_expenses"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    budget_line_id: Mapped[int] = mapped_column(
        ForeignKey("campaign_budget_lines.id", ondelete="CASCADE"), index=True
    )
    amount: Mapped[int] = mapped_column(BigInteger)
    #: a supplier who is not on the platform: a name only
    supplier: Mapped[str] = mapped_column(String(SUPPLIER_MAX))
    description: Mapped[str] = mapped_column(String(500), default="")
    #: the receipt (private: the host's administrators and platform auditors)
    receipt: Mapped[bytes | None] = mapped_column(LargeBinary)
    receipt_name: Mapped[str] = mapped_column(String(200), default="")
    receipt_type: Mapped[str] = mapped_column(String(80), default="")
    status: Mapped[str] = mapped_column(String(10), default="submitted", index=True)
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[dt.datetime | None] = mapped_column()
    paid_at: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class BankMapping(db.Model):  # type: ignore[name-defined]
    """Which columns of an association's bank statement CSV hold the date, amount and label."""

    __tablename__ = "campaign_bank_mappings"

    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), primary_key=True
    )
    columns: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class StatementLine(db.Model):  # type: ignore[name-defined]
    """A credit line of an imported bank statement: matched to a pledge by its reference and
    amount, or left for a treasurer to match by hand."""

    __tablename__ = "campaign_statement_lines"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    booked_on: Mapped[str] = mapped_column(String(20), default="")
    amount: Mapped[int] = mapped_column(BigInteger)
    label: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(10), default="unmatched", index=True)
    contribution_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign_contributions.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CampaignUpdate(db.Model):  # type: ignore[name-defined]
    """News to the contributors (in-app and by email)."""

    __tablename__ = "campaign_updates"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    #: a library document with a consent record, for the image shown with it
    image_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("library_documents.id", ondelete="SET NULL")
    )
    #: what the image shows, for those who do not see it
    image_alt: Mapped[str] = mapped_column(String(ALT_MAX), default="", server_default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
