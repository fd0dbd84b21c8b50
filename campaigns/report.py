"""The final report (to donors and to the authorities) and the receipts, as data and PDF.

The report is built from the ledger and aid's aggregates of what the host delivered while the
campaign ran (``Registry.aid_delivered``), frozen on the campaign when it closes and never
edited: there is no way to write it but :func:`build_report`."""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.db import db, utcnow
from app.pdf import PdfDocument
from app.plugins import registry
from campaigns import labels
from campaigns.ledger import format_mad, ledger, round_figures
from campaigns.models import BudgetLine, Campaign, Contribution, Expense
from directory import get_association


def delivered(row: Campaign) -> dict[str, Any] | None:
    """What the host delivered from the campaign's start to its close (now while it runs),
    from aid; ``None`` without aid."""
    hook = registry().aid_delivered
    if hook is None or row.live_at is None:
        return None
    summary = hook([row.association_id], row.live_at, row.closed_at or utcnow())
    return {
        "items": {str(k): int(v) for k, v in summary.items.items()},
        "households": int(summary.households),
        "localities": int(summary.localities),
        "provinces": list(summary.provinces),
    }


def build_report(row: Campaign) -> dict[str, Any]:
    """The report's figures: the ledger as computed now and the aid aggregates."""
    figures = ledger(row.id)
    return {
        "campaign_id": row.id,
        "title": row.title,
        "association_id": row.association_id,
        "min_goal": row.min_goal,
        "optimum_goal": row.optimum_goal,
        "model": row.model,
        "live_at": row.live_at.isoformat() if row.live_at else None,
        "closed_at": row.closed_at.isoformat() if row.closed_at else None,
        "ledger": figures.as_dict(),
        "delivered": delivered(row),
        "by_method": by_method(row.id),
        "expenses": paid_expenses(row.id),
        "rounds": [r.as_dict() for r in round_figures(row.id)],
        "generated_at": utcnow().isoformat(),
    }


def by_method(campaign_id: int) -> dict[str, dict[str, int]]:
    """Received contributions (confirmed, not refunded) per way of giving: count and sum."""
    found = db.session.execute(
        select(Contribution.method, func.count(), func.coalesce(func.sum(Contribution.amount), 0))
        .where(Contribution.campaign_id == campaign_id, Contribution.status == "confirmed")
        .group_by(Contribution.method)
    ).all()
    return {str(m): {"count": int(n), "amount": int(total)} for m, n, total in found}


def paid_expenses(campaign_id: int) -> list[dict[str, Any]]:
    """The expenses paid, itemised (the use of the funds, for the authorities)."""
    found = db.session.execute(
        select(Expense, BudgetLine.label)
        .join(BudgetLine, BudgetLine.id == Expense.budget_line_id)
        .where(Expense.campaign_id == campaign_id, Expense.status == "paid")
        .order_by(Expense.paid_at, Expense.id)
    ).all()
    return [
        {
            "paid_on": e.paid_at.date().isoformat() if e.paid_at else "",
            "supplier": e.supplier,
            "line": label,
            "description": e.description,
            "amount": e.amount,
        }
        for e, label in found
    ]


def current_report(row: Campaign) -> dict[str, Any]:
    """The frozen report of a closed campaign, else the figures so far."""
    return row.report if row.report is not None else build_report(row)


def delivered_sentence(found: dict[str, Any] | None) -> str:
    """For example "312 × Food basket to 298 verified households in 4 localities
    (Taroudant)", or that nothing was recorded."""
    if not found or not found.get("items"):
        return str(_("No deliveries recorded."))
    things = ", ".join(
        f"{units} × {labels.label(labels.CATEGORY_LABELS, code)}"
        for code, units in sorted(found["items"].items())
    )
    return str(
        _(
            "%(things)s to %(households)d verified households in %(localities)d localities "
            "(%(provinces)s).",
            things=things,
            households=found.get("households", 0),
            localities=found.get("localities", 0),
            provinces=", ".join(found.get("provinces") or []),
        )
    )


def _rtl() -> bool:
    return str(get_locale() or "ar") == "ar"


def report_pdf(row: Campaign) -> bytes:
    data = current_report(row)
    figures = data["ledger"]
    host = get_association(row.association_id)
    doc = PdfDocument(_("Campaign report"), rtl=_rtl(), subject=row.title)
    doc.heading(row.title, 1)
    doc.paragraph(_("Hosted by %(name)s", name=host.name if host else ""))
    if row.status != "closed":
        doc.muted(_("Provisional: the campaign is not closed."))
    doc.heading(_("Money"))
    doc.table(
        [_("Item"), _("Amount")],
        [
            [_("Confirmed contributions"), format_mad(figures["confirmed"])],
            [_("Refunded"), format_mad(figures["refunded"])],
            [_("Raised"), format_mad(figures["raised"])],
            [_("Spent"), format_mad(figures["spent"])],
            [_("Balance"), format_mad(figures["balance"])],
        ],
        widths=(60, 40),
    )
    doc.heading(_("Spending per budget line"))
    doc.table(
        [_("Budget line"), _("Budget"), _("Spent")],
        [[x["label"], format_mad(x["budget"]), format_mad(x["spent"])] for x in figures["lines"]],
        widths=(50, 25, 25),
    )
    doc.heading(_("What was delivered"))
    doc.paragraph(delivered_sentence(data.get("delivered")))
    doc.muted(
        _(
            "Generated by jam3ia from the ledger on %(when)s; not editable.",
            when=data["generated_at"][:10],
        )
    )
    return doc.output()


def receipt_pdf(row: Contribution, campaign: Campaign, name: str | None) -> bytes:
    """A receipt for a confirmed contribution, numbered per association."""
    host = get_association(row.association_id)
    doc = PdfDocument(_("Receipt"), rtl=_rtl(), subject=row.reference)
    doc.heading(_("Receipt no. %(number)s", number=row.receipt_number), 1)
    doc.paragraph(host.name if host else "")
    doc.table(
        [_("Item"), _("Value")],
        [
            [_("Campaign"), campaign.title],
            [_("Contributor"), name or str(labels.ANONYMOUS)],
            [_("Amount"), format_mad(row.amount)],
            [_("Method"), labels.label(labels.METHOD_LABELS, row.method)],
            [_("Reference"), row.reference],
            [_("Received on"), row.confirmed_at.date().isoformat() if row.confirmed_at else ""],
        ],
        widths=(40, 60),
    )
    if campaign.zakat_declared:
        doc.muted(str(labels.ZAKAT))
    return doc.output()


def authorities_pdf(row: Campaign) -> bytes:
    """The report to the authorities (law 18-18): the amounts collected and how, their use
    itemised, and the distribution results, from the frozen report (the figures so far while
    the campaign runs). Beside the public report, never edited."""
    data = current_report(row)
    figures = data["ledger"]
    host = get_association(row.association_id)
    doc = PdfDocument(_("Report to the authorities"), rtl=_rtl(), subject=row.title)
    doc.heading(_("Report to the authorities (law 18-18)"), 1)
    doc.paragraph(row.title)
    doc.table(
        [_("Item"), _("Value")],
        [
            [_("Association"), host.name if host else ""],
            [_("Bank account"), row.bank_reference],
            [_("Model"), str(labels.label(labels.MODEL_LABELS, row.model))],
            [_("Minimum goal"), format_mad(row.min_goal)],
            [_("Optimum goal"), format_mad(row.optimum_goal)],
            [_("Collected from"), (data.get("live_at") or "")[:10]],
            [_("Closed on"), (data.get("closed_at") or "")[:10] or _("not closed")],
            [_("Report due on"), row.report_due_on.isoformat() if row.report_due_on else ""],
        ],
        widths=(40, 60),
    )
    if row.status != "closed":
        doc.muted(_("Provisional: the campaign is not closed."))
    doc.heading(_("Amounts collected"))
    methods = data.get("by_method") or by_method(row.id)
    doc.table(
        [_("How"), _("Contributions"), _("Amount")],
        [
            [str(labels.label(labels.METHOD_LABELS, m)), str(v["count"]), format_mad(v["amount"])]
            for m, v in sorted(methods.items())
        ]
        + [
            [_("Refunded"), "", format_mad(figures["refunded"])],
            [_("Raised"), str(figures["contributions"]), format_mad(figures["raised"])],
        ],
        widths=(50, 20, 30),
    )
    rounds = data.get("rounds") or []
    if rounds:
        doc.heading(_("Rounds"))
        doc.table(
            [_("Round"), _("Dates"), _("Goal"), _("Raised")],
            [
                [
                    r["label"],
                    f"{r['starts_on']} – {r['ends_on']}",
                    format_mad(r["goal"]),
                    format_mad(r["raised"]),
                ]
                for r in rounds
            ],
            widths=(30, 30, 20, 20),
        )
    doc.heading(_("Use of the funds"))
    doc.table(
        [_("Budget line"), _("Budget"), _("Spent")],
        [[x["label"], format_mad(x["budget"]), format_mad(x["spent"])] for x in figures["lines"]],
        widths=(50, 25, 25),
    )
    spent = data.get("expenses")
    if spent is None:
        spent = paid_expenses(row.id)
    doc.table(
        [_("Paid on"), _("Supplier"), _("Budget line"), _("Amount")],
        [[e["paid_on"], e["supplier"], e["line"], format_mad(e["amount"])] for e in spent],
        widths=(18, 32, 30, 20),
    )
    doc.paragraph(_("Balance: %(balance)s", balance=format_mad(figures["balance"])))
    doc.heading(_("Distribution results"))
    doc.paragraph(delivered_sentence(data.get("delivered")))
    doc.muted(
        _(
            "Generated by jam3ia from the ledger on %(when)s; not editable.",
            when=data["generated_at"][:10],
        )
    )
    return doc.output()
