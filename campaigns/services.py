"""Everything that changes a campaign's data: drafting, going live (law 18-18's conditions),
contributions and their confirmation (bank statement, two people for cash), refunds, expenses
(four eyes), updates to contributors, closing and the final report. Every function takes the
actor, raises :class:`~app.api.ApiError` before writing and flushes; the caller commits."""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
from dataclasses import asdict
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.accounts.queries import users_by_id
from app.api import ApiError, invalid, not_found
from app.db import begin_write, db, insert_once, utcnow
from app.mail import send_after_commit
from app.notifications.services import notify
from app.plugins import registry
from app.text import clean_name, clean_text
from app.urls import public_url
from campaigns import access, rules
from campaigns.ledger import ledger
from campaigns.models import (
    ALT_MAX,
    AMOUNT_MAX,
    GROUP_MAX,
    LABEL_MAX,
    NAME_MAX,
    REPORT_DAYS_DEFAULT,
    REPORT_DAYS_MAX,
    REPORT_DAYS_MIN,
    ROUND_LABEL_MAX,
    STORY_MAX,
    SUPPLIER_MAX,
    TARGET_MAX,
    TITLE_MAX,
    BudgetLine,
    Campaign,
    CampaignRound,
    CampaignUpdate,
    Contribution,
    Expense,
    ReceiptCounter,
    RefundTask,
)
from campaigns.payments import provider_for
from campaigns.report import build_report
from directory import Province, association_member_ids, get_association
from library import add_obligation, fulfil_obligation, public_media_consent, valid_authorization

#: the library authorisation a public appeal needs (law 18-18)
PUBLIC_APPEAL = "public_appeal"
#: the legal-calendar kind of the final report
REPORT_KIND = "campaign_report"
#: days after closing by which the final report is due, unless the campaign says otherwise
REPORT_DAYS = REPORT_DAYS_DEFAULT
#: an expense from this amount (centimes) needs its receipt
RECEIPT_THRESHOLD = 200_00
#: receipts of expenses: at most this many bytes
RECEIPT_MAX = 5 * 1024 * 1024
RECEIPT_TYPES = ("application/pdf", "image/jpeg", "image/png")
#: reference codes: no 0/O, 1/I/L to misread on a bank slip
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def campaign_path(campaign_id: int) -> str:
    return f"/campaigns/{campaign_id}"


def amount(value: Any, field: str = "amount") -> int:
    """A positive whole number of centimes, else a 422 on ``field``: no fraction, no sign, no
    text (``12.5`` or ``"12"`` are refused, not rounded)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(_("Give the amount in whole centimes (an integer)."), field, "bad_amount")
    if value <= 0:
        raise invalid(_("The amount must be more than zero."), field, "bad_amount")
    if value > AMOUNT_MAX:
        raise invalid(_("The amount is too large."), field, "bad_amount")
    return value


def _conflict(message: str, code: str = "conflict") -> ApiError:
    return ApiError(409, code, message)


def overdue_reports(association_id: int, today: dt.date | None = None) -> list[Campaign]:
    """The host's closed campaigns whose final report is past due and not filed."""
    day = today or utcnow().date()
    return list(
        db.session.scalars(
            select(Campaign).where(
                Campaign.association_id == association_id,
                Campaign.report_due_on.is_not(None),
                Campaign.report_due_on < day,
                Campaign.report_filed_at.is_(None),
            )
        )
    )


def _refuse_overdue(association_id: int) -> None:
    if overdue_reports(association_id):
        raise _conflict(
            _(
                "The association has a campaign report past its due date: file it before "
                "opening a new campaign."
            ),
            "report_overdue",
        )


# --- drafting -----------------------------------------------------------------------------------


def _lines(data: Any) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    for i, line in enumerate(data or []):
        label = clean_name(str(line.get("label") or ""))[:LABEL_MAX]
        if not label:
            raise invalid(_("Each budget line needs a label."), {"budget_lines": [_("Required.")]})
        found.append((label, amount(line.get("amount"), f"budget_lines.{i}.amount")))
    return found


def _rounds(row: Campaign, data: Any) -> list[tuple[str, dt.date, dt.date, int]]:
    """Dated rounds with their own goal, inside the campaign's dates and not overlapping."""
    found: list[tuple[str, dt.date, dt.date, int]] = []
    for i, item in enumerate(data or []):
        label = clean_name(str(item.get("label") or ""))[:ROUND_LABEL_MAX]
        if not label:
            raise invalid(_("Each round needs a name."), {"rounds": [_("Required.")]})
        start, end = item.get("starts_on"), item.get("ends_on")
        if not isinstance(start, dt.date) or not isinstance(end, dt.date) or end < start:
            raise invalid(_("Give each round its first and last day."), "rounds")
        if start < row.starts_on or end > row.ends_on:
            raise invalid(_("A round lies within the campaign's dates."), "rounds")
        found.append((label, start, end, amount(item.get("goal"), f"rounds.{i}.goal")))
    ordered = sorted(found, key=lambda r: r[1])
    for before, after in itertools.pairwise(ordered):
        if after[1] <= before[2]:
            raise invalid(_("Two rounds cannot share a day."), "rounds")
    return ordered


def _store_rounds(row: Campaign, rounds: list[tuple[str, dt.date, dt.date, int]]) -> None:
    for old in db.session.scalars(select(CampaignRound).where(CampaignRound.campaign_id == row.id)):
        db.session.delete(old)
    db.session.flush()
    for label, start, end, goal in rounds:
        db.session.add(
            CampaignRound(campaign_id=row.id, label=label, starts_on=start, ends_on=end, goal=goal)
        )


def _fields(row: Campaign, data: dict[str, Any]) -> None:
    if "title" in data:
        row.title = clean_name(data["title"] or "")[:TITLE_MAX]
    for name in ("story_ar", "story_fr"):
        if name in data:
            setattr(row, name, clean_text(data[name] or "").strip()[:STORY_MAX])
    if "target_group" in data:
        row.target_group = clean_name(data["target_group"] or "")[:TARGET_MAX]
    if "province_id" in data:
        province = data["province_id"]
        if province is not None and db.session.get(Province, province) is None:
            raise invalid(_("Choose a province from the list."), "province_id")
        row.province_id = province
    for name in ("min_goal", "optimum_goal"):
        if name in data:
            setattr(row, name, amount(data[name], name))
    for name in ("starts_on", "ends_on", "model", "zakat_declared", "in_kind"):
        if name in data:
            setattr(row, name, data[name])
    if "report_days" in data:
        days = data["report_days"]
        if isinstance(days, bool) or not isinstance(days, int):
            raise invalid(_("Give the number of days as a whole number."), "report_days")
        if not REPORT_DAYS_MIN <= days <= REPORT_DAYS_MAX:
            raise invalid(
                _(
                    "The report is due between %(low)d and %(high)d days after closing.",
                    low=REPORT_DAYS_MIN,
                    high=REPORT_DAYS_MAX,
                ),
                "report_days",
            )
        row.report_days = days
    group = {k: clean_name(data[k] or "") for k in ("group_name", "group_referent") if k in data}
    if group:
        before = (row.group_name or "", row.group_referent or "")
        row.group_name = group.get("group_name", before[0])[:GROUP_MAX]
        row.group_referent = group.get("group_referent", before[1])[:NAME_MAX]
        if (row.group_name, row.group_referent) != before:
            row.group_approved_by = row.group_approved_at = None  # approved as it was
        if row.group_name and not row.group_referent:
            raise invalid(_("Name the informal group's referent."), "group_referent")
    if "bank_reference" in data:
        row.bank_reference = " ".join(str(data["bank_reference"] or "").split())[:64]
    if not row.title:
        raise invalid(_("Give the campaign a title."), "title")
    if not (row.story_ar or row.story_fr):
        raise invalid(_("Tell the campaign's story in Arabic or French."), "story_ar")
    if row.optimum_goal < row.min_goal:
        raise invalid(_("The optimum goal cannot be below the minimum goal."), "optimum_goal")
    if row.ends_on < row.starts_on:
        raise invalid(_("The campaign cannot end before it starts."), "ends_on")


def _needs(association_id: int, province_id: int | None) -> list[dict[str, Any]]:
    hook = registry().aid_needs
    if hook is None:
        return []
    return [asdict(n) for n in hook(association_id, province_id)]


def create_campaign(actor: Any, data: dict[str, Any]) -> Campaign:
    """A draft hosted by an approved association the actor coordinates or administers (an
    informal group campaigns through such a host). Its needs snapshot is taken from the aid
    board now."""
    host = get_association(data["association_id"])
    if host is None or not access.is_manager(actor, host.id):
        raise ApiError(
            403, "forbidden", _("Only an association's coordinators and administrators.")
        )
    if host.status != "approved":
        raise _conflict(_("Only an approved association can host a campaign."), "host_unapproved")
    _refuse_overdue(host.id)
    row = Campaign(
        association_id=host.id,
        created_by=actor.id,
        title="",
        story_ar="",
        story_fr="",
        min_goal=1,
        optimum_goal=1,
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        model="keep",
        in_kind=[],
        needs_snapshot=[],
        status="draft",
        report_days=REPORT_DAYS_DEFAULT,
        created_at=utcnow(),
    )
    _fields(row, data)
    row.needs_snapshot = _needs(host.id, row.province_id)
    db.session.add(row)
    db.session.flush()
    for label, value in _lines(data.get("budget_lines")):
        db.session.add(BudgetLine(campaign_id=row.id, label=label, amount=value))
    _store_rounds(row, _rounds(row, data.get("rounds")))
    db.session.flush()
    return row


def edit_campaign(actor: Any, row: Campaign, data: dict[str, Any]) -> Campaign:
    """Change a draft (a live campaign's terms are what people gave for: they stay)."""
    access.require_manager(actor, row)
    if row.status != "draft":
        raise _conflict(_("Only a draft can be changed."), "not_draft")
    _fields(row, data)
    if "budget_lines" in data:
        lines = _lines(data["budget_lines"])
        for old in db.session.scalars(select(BudgetLine).where(BudgetLine.campaign_id == row.id)):
            db.session.delete(old)
        db.session.flush()
        for label, value in lines:
            db.session.add(BudgetLine(campaign_id=row.id, label=label, amount=value))
    if "rounds" in data:
        _store_rounds(row, _rounds(row, data["rounds"]))
    db.session.flush()
    return row


#: what each missing going-live condition says
MISSING: dict[str, Any] = {
    "host": _l("The host association is not approved."),
    "authorization": _l(
        "No public-appeal authorisation valid today in the association's library "
        "(law 18-18): record it there first."
    ),
    "bank_reference": _l("Give the bank account the funds go to (law 18-18: no cash box)."),
    "budget_lines": _l("Add at least one budget line."),
    "target_group": _l("Say who the campaign is for."),
    "report": _l("A report of an earlier campaign is past its due date."),
    "group": _l(
        "The host association's administrators have not approved carrying this informal "
        "group's campaign (the association bears its legal responsibility)."
    ),
}


def missing_for_live(row: Campaign, today: dt.date | None = None) -> dict[str, str]:
    """What keeps the campaign from going live, by field (empty: it may)."""
    day = today or utcnow().date()
    host = get_association(row.association_id)
    missing: list[str] = []
    if host is None or host.status != "approved":
        missing.append("host")
    if not valid_authorization(row.association_id, PUBLIC_APPEAL, day):
        missing.append("authorization")
    if not row.bank_reference:
        missing.append("bank_reference")
    if db.session.scalar(select(BudgetLine.id).where(BudgetLine.campaign_id == row.id)) is None:
        missing.append("budget_lines")
    if not row.target_group:
        missing.append("target_group")
    if overdue_reports(row.association_id, day):
        missing.append("report")
    if row.group_name and row.group_approved_at is None:
        missing.append("group")
    return {key: str(MISSING[key]) for key in missing}


def approve_group(actor: Any, row: Campaign) -> Campaign:
    """An administrator of the host approves carrying an informal group's campaign: the
    association bears its legal responsibility (law 18-18)."""
    access.require_treasurer(actor, row.association_id)
    if row.status != "draft":
        raise _conflict(_("Only a draft can be changed."), "not_draft")
    if not row.group_name:
        raise _conflict(_("This campaign is not an informal group's."), "no_group")
    if row.group_approved_at is None:
        row.group_approved_by = actor.id
        row.group_approved_at = utcnow()
    db.session.flush()
    return row


def go_live(actor: Any, row: Campaign) -> Campaign:
    access.require_manager(actor, row)
    if row.status != "draft":
        raise _conflict(_("This campaign is not a draft."), "not_draft")
    missing = missing_for_live(row)
    if missing:
        raise ApiError(
            422,
            "not_ready",
            _("The campaign cannot go live yet: %(reasons)s", reasons=" ".join(missing.values())),
            {k: [v] for k, v in missing.items()},
        )
    row.status = "live"
    row.live_at = utcnow()
    db.session.flush()
    return row


# --- contributions ------------------------------------------------------------------------------


def _new_reference() -> str:
    return "J3" + "".join(secrets.choice(REFERENCE_ALPHABET) for _i in range(8))


def pledge(actor: Any, row: Campaign, data: dict[str, Any]) -> Contribution:
    """A pledge by a signed-in person: its unique reference code goes on their transfer (or
    the treasurers confirm the cash). ``incognito``: their name, email and account never show
    to anyone but the host's treasurers."""
    if row.status != "live":
        raise _conflict(_("This campaign is not collecting."), "not_live")
    today = utcnow().date()
    if not row.starts_on <= today <= row.ends_on:
        raise _conflict(_("This campaign is not collecting today."), "not_live")
    value = amount(data.get("amount"))
    method = data.get("method") or "transfer"
    provider = provider_for(method)
    name = clean_name(data.get("name") or actor.display_name or "")[:120]
    email = (data.get("email") or actor.email or "").strip()[:254]
    contribution = Contribution(
        campaign_id=row.id,
        association_id=row.association_id,
        user_id=actor.id,
        amount=value,
        method=method,
        provider=provider.code,
        status="pledged",
        incognito=bool(data.get("incognito")),
        name=name or None,
        email=email or None,
        created_at=utcnow(),
    )
    for _attempt in range(5):
        contribution.reference = _new_reference()
        if insert_once(contribution):
            break
    else:  # pragma: no cover - 31^8 codes
        raise _conflict(_("Try again."))
    provider.start(contribution)
    return contribution


def _reserve_receipts(association_id: int, count: int) -> int:
    """Reserve ``count`` consecutive receipt numbers of the association; the first of them. A
    conditional UPDATE under the write lock, so two confirmations at once never share one."""
    begin_write()
    done = db.session.execute(
        update(ReceiptCounter)
        .where(ReceiptCounter.association_id == association_id)
        .values(last=ReceiptCounter.last + count)
    )
    if getattr(done, "rowcount", 0) == 0:
        if insert_once(ReceiptCounter(association_id=association_id, last=count)):
            return 1
        return _reserve_receipts(association_id, count)
    last = db.session.scalar(
        select(ReceiptCounter.last).where(ReceiptCounter.association_id == association_id)
    )
    return int(last or 0) - count + 1


def confirm_received(rows: list[Contribution], actor: Any, campaign: Campaign) -> None:
    """Mark these pledges of one campaign received: numbered receipts, one flush, and one
    notification to their contributors (a bank statement confirms thousands at once)."""
    if not rows:
        return
    first = _reserve_receipts(campaign.association_id, len(rows))
    now = utcnow()
    for i, row in enumerate(rows):
        row.status = "confirmed"
        row.confirmed_by = actor.id if actor is not None else None
        row.confirmed_at = now
        row.receipt_number = first + i
    db.session.flush()
    people = sorted({r.user_id for r in rows if r.user_id is not None})
    if len(rows) == 1:
        text = _l(
            "Your contribution %(reference)s is received. Thank you!", reference=rows[0].reference
        )
        subject = f"campaign_contribution:{rows[0].id}:confirmed"
    else:
        text = _l("Your contribution to “%(title)s” is received. Thank you!", title=campaign.title)
        subject = f"campaign_received:{campaign.id}:{rows[0].id}"
    notify(
        people,
        kind="campaign_confirmed",
        subject=subject,
        text=text,
        url=campaign_path(campaign.id),
        actor_id=None,
    )


def _confirm(row: Contribution, actor: Any) -> Contribution:
    campaign = db.session.get(Campaign, row.campaign_id)
    assert campaign is not None
    confirm_received([row], actor, campaign)
    return row


def confirm(actor: Any, row: Contribution) -> Contribution:
    """A treasurer confirms money received. Cash and in-person gifts need two different
    people: the first confirmation is recorded, the second (someone else) confirms. A bank
    transfer is confirmed by matching a line of the bank statement."""
    access.require_treasurer(actor, row.association_id)
    if row.status != "pledged":
        raise _conflict(_("This contribution is not waiting for confirmation."), "not_pledged")
    if row.method == "transfer":
        raise _conflict(
            _("A transfer is confirmed by matching it to a line of the bank statement."),
            "needs_statement",
        )
    if row.method == "cash":
        if row.first_confirmer_id is None:
            row.first_confirmer_id = actor.id
            db.session.flush()
            return row
        if row.first_confirmer_id == actor.id:
            raise _conflict(
                _("Cash is confirmed by two different people: someone else must confirm it too."),
                "same_confirmer",
            )
    return _confirm(row, actor)


def refund(actor: Any, row: Contribution) -> Contribution:
    """A treasurer records a confirmed contribution paid back."""
    access.require_treasurer(actor, row.association_id)
    if row.status != "confirmed":
        raise _conflict(_("Only a confirmed contribution can be refunded."), "not_confirmed")
    row.status = "refunded"
    row.refunded_at = utcnow()
    task = db.session.scalar(select(RefundTask).where(RefundTask.contribution_id == row.id))
    if task is not None and task.status == "open":
        task.status = "settled"
        task.settled_by = actor.id
        task.settled_at = row.refunded_at
    db.session.flush()
    return row


def settle_refund(actor: Any, task: RefundTask) -> RefundTask:
    if task.status != "open":
        raise _conflict(_("This refund is already settled."), "settled")
    contribution = db.session.get(Contribution, task.contribution_id)
    if contribution is None:
        raise not_found()
    refund(actor, contribution)
    return task


def set_incognito(actor: Any, row: Contribution, incognito: bool) -> Contribution:
    """The contributor hides (or shows) their name, at any time."""
    if row.user_id != actor.id:
        raise ApiError(403, "forbidden", _("Only the contributor."))
    row.incognito = incognito
    db.session.flush()
    return row


def cancel_pledge(actor: Any, row: Contribution) -> Contribution:
    if row.user_id != actor.id:
        raise ApiError(403, "forbidden", _("Only the contributor."))
    if row.status != "pledged":
        raise _conflict(_("This contribution is not waiting for confirmation."), "not_pledged")
    row.status = "cancelled"
    db.session.flush()
    return row


# --- expenses -----------------------------------------------------------------------------------


def submit_expense(
    actor: Any,
    row: Campaign,
    data: dict[str, Any],
    receipt: tuple[str, str, bytes] | None = None,
) -> Expense:
    """A coordinator or administrator records an expense against a budget line; from
    :data:`RECEIPT_THRESHOLD` its receipt is required (kept private)."""
    access.require_manager(actor, row)
    if row.status not in ("live", "closed"):
        raise _conflict(_("Expenses are recorded for a live or closed campaign."), "not_live")
    value = amount(data.get("amount"))
    line = db.session.get(BudgetLine, data.get("budget_line_id"))
    if line is None or line.campaign_id != row.id:
        raise invalid(_("Choose one of the campaign's budget lines."), "budget_line_id")
    supplier = clean_name(data.get("supplier") or "")[:SUPPLIER_MAX]
    if not supplier:
        raise invalid(_("Name the supplier."), "supplier")
    if receipt is not None:
        _name, kind, content = receipt
        if kind not in RECEIPT_TYPES or len(content) > RECEIPT_MAX or not content:
            raise invalid(_("A receipt is a PDF, JPEG or PNG of at most 5 MB."), "receipt")
    elif value >= RECEIPT_THRESHOLD:
        raise invalid(
            _("From %(amount)s, an expense needs its receipt.", amount="200,00 MAD"), "receipt"
        )
    expense = Expense(
        campaign_id=row.id,
        budget_line_id=line.id,
        amount=value,
        supplier=supplier,
        description=clean_text(data.get("description") or "").strip()[:500],
        status="submitted",
        submitted_by=actor.id,
        created_at=utcnow(),
    )
    if receipt is not None:
        expense.receipt_name, expense.receipt_type, expense.receipt = (
            receipt[0][:200],
            receipt[1],
            receipt[2],
        )
    db.session.add(expense)
    db.session.flush()
    return expense


def _campaign_of(expense: Expense) -> Campaign:
    row = db.session.get(Campaign, expense.campaign_id)
    if row is None:
        raise not_found()
    return row


def approve_expense(actor: Any, expense: Expense) -> Expense:
    """Four eyes: a treasurer other than the person who submitted it."""
    access.require_treasurer(actor, _campaign_of(expense).association_id)
    if expense.status != "submitted":
        raise _conflict(_("This expense is not waiting for approval."), "not_submitted")
    if expense.submitted_by == actor.id:
        raise _conflict(
            _("Someone other than the person who submitted an expense approves it."),
            "self_approval",
        )
    expense.status = "approved"
    expense.approved_by = actor.id
    expense.approved_at = utcnow()
    db.session.flush()
    return expense


def reject_expense(actor: Any, expense: Expense) -> Expense:
    access.require_treasurer(actor, _campaign_of(expense).association_id)
    if expense.status != "submitted":
        raise _conflict(_("This expense is not waiting for approval."), "not_submitted")
    expense.status = "rejected"
    db.session.flush()
    return expense


def pay_expense(actor: Any, expense: Expense) -> Expense:
    access.require_treasurer(actor, _campaign_of(expense).association_id)
    if expense.status != "approved":
        raise _conflict(_("Only an approved expense is paid."), "not_approved")
    expense.status = "paid"
    expense.paid_at = utcnow()
    db.session.flush()
    return expense


# --- closing, refunds, report -------------------------------------------------------------------


def close(actor: Any, row: Campaign) -> Campaign:
    """Close the collection. All or nothing under the minimum goal: the campaign fails, a
    refund task is opened per confirmed contribution, and it closes once they are settled.
    Closing freezes the final report and puts its due date in the legal calendar."""
    access.require_treasurer(actor, row.association_id)
    begin_write()
    if row.status == "live":
        for pending in db.session.scalars(
            select(Contribution).where(
                Contribution.campaign_id == row.id, Contribution.status == "pledged"
            )
        ):
            pending.status = "cancelled"
        figures = ledger(row.id)
        if row.model == "all_or_nothing" and figures.raised < row.min_goal:
            row.status = "failed"
            for c in db.session.scalars(
                select(Contribution).where(
                    Contribution.campaign_id == row.id, Contribution.status == "confirmed"
                )
            ):
                insert_once(RefundTask(campaign_id=row.id, contribution_id=c.id, status="open"))
            db.session.flush()
            if open_refunds(row.id):
                return row
        return _closed(row)
    if row.status == "failed":
        if open_refunds(row.id):
            raise _conflict(
                _("Every refund must be settled before the campaign closes."), "refunds_open"
            )
        return _closed(row)
    raise _conflict(_("Only a live campaign can be closed."), "not_live")


def open_refunds(campaign_id: int) -> int:
    return len(
        db.session.scalars(
            select(RefundTask.id).where(
                RefundTask.campaign_id == campaign_id, RefundTask.status == "open"
            )
        ).all()
    )


def _closed(row: Campaign) -> Campaign:
    now = utcnow()
    row.status = "closed"
    row.closed_at = now
    row.report_due_on = now.date() + dt.timedelta(days=row.report_days or REPORT_DAYS)
    db.session.flush()
    row.report = build_report(row)
    add_obligation(
        row.association_id,
        REPORT_KIND,
        row.report_due_on,
        source=f"campaign:{row.id}",
        title=row.title,
        remind_days=[30, 7, 1],
    )
    db.session.flush()
    return row


def file_report(actor: Any, row: Campaign) -> Campaign:
    """The treasurers filed the final report with the authorities: its legal-calendar item is
    done."""
    access.require_treasurer(actor, row.association_id)
    if row.status != "closed" or row.report is None:
        raise _conflict(_("The report exists once the campaign is closed."), "not_closed")
    if row.report_filed_at is None:
        row.report_filed_at = utcnow()
        fulfil_obligation(row.association_id, REPORT_KIND, f"campaign:{row.id}")
    db.session.flush()
    return row


# --- updates ------------------------------------------------------------------------------------


def post_update(
    actor: Any, row: Campaign, body: str, image_document_id: int | None, image_alt: str = ""
) -> Any:
    """News to the contributors, in the app and by email. Refused: beneficiaries' names,
    phone numbers and ID numbers in the text, an image without a consent record for the
    public."""
    access.require_manager(actor, row)
    if row.status == "draft":
        raise _conflict(_("Updates go to contributors of a live or closed campaign."), "not_live")
    text = clean_text(body or "").strip()
    if not text:
        raise invalid(_("Write the update."), "body")
    rules.refuse(text)
    if image_document_id is not None and not public_media_consent(
        row.association_id, image_document_id
    ):
        raise invalid(
            _(
                "This image has no consent record allowing it to be shown publicly: record "
                "the consent in the library first."
            ),
            "image_document_id",
            "no_consent",
        )
    alt = clean_name(image_alt or "")[:ALT_MAX]
    if image_document_id is not None and not alt:
        raise invalid(
            _("Say in a few words what the image shows, for those who cannot see it."),
            "image_alt",
        )
    news = CampaignUpdate(
        campaign_id=row.id,
        author_id=actor.id,
        body=text,
        image_document_id=image_document_id,
        image_alt=alt,
        created_at=utcnow(),
    )
    db.session.add(news)
    db.session.flush()
    _tell_contributors(row, news, actor.id)
    return news


def _tell_contributors(row: Campaign, news: CampaignUpdate, actor_id: int) -> None:
    ids = sorted(
        {
            uid
            for uid in db.session.scalars(
                select(Contribution.user_id).where(
                    Contribution.campaign_id == row.id,
                    Contribution.status.in_(("pledged", "confirmed", "refunded")),
                )
            )
            if uid is not None and uid != actor_id
        }
    )
    notify(
        ids,
        kind="campaign_update",
        subject=f"campaign_update:{news.id}",
        text=_l("News from the campaign “%(title)s”", title=row.title),
        url=campaign_path(row.id),
        actor_id=actor_id,
    )
    for user in users_by_id(ids).values():
        if user.email:
            send_after_commit(
                "campaign_update",
                user.email,
                user.locale,
                title=row.title,
                body=news.body,
                link=public_url("campaigns.show", campaign_id=row.id),
            )


def budget_line_ids(campaign_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(BudgetLine.id)
            .where(BudgetLine.campaign_id == campaign_id)
            .order_by(BudgetLine.id)
        )
    )


def host_team(row: Campaign) -> list[int]:
    return association_member_ids(row.association_id, access.MANAGER_ROLES)
