"""Who may see and act on what. A campaign's host is its association: its administrators are
its treasurers (the directory has no treasurer role, so the administrators who hold the
association's accounts are the ones who confirm money, read contributors' names and approve
expenses); its coordinators draft campaigns and submit expenses. Platform administrators are
the platform's auditors (expense receipts, the report).

:func:`get_campaign` is the only way to load a campaign for an actor: a draft is seen by its
host only, and anything the actor may not see answers 404, so its existence does not leak."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from app.api import ApiError, not_found
from app.db import db
from campaigns.models import Campaign, Contribution, Expense, RefundTask, StatementLine
from directory import membership_role

#: the roles that confirm money, read contributors' names and approve expenses
TREASURER_ROLES = ("admin",)
#: the roles that draft campaigns, post updates and submit expenses
MANAGER_ROLES = ("admin", "coordinator")


def is_treasurer(actor: Any, association_id: int) -> bool:
    return actor is not None and membership_role(actor.id, association_id) in TREASURER_ROLES


def is_manager(actor: Any, association_id: int) -> bool:
    return actor is not None and membership_role(actor.id, association_id) in MANAGER_ROLES


def is_auditor(actor: Any) -> bool:
    return actor is not None and bool(actor.is_admin)


def get_campaign(campaign_id: int, actor: Any) -> Campaign:
    """A live, failed or closed campaign is public; a draft its host's managers and platform
    administrators see."""
    row = db.session.get(Campaign, campaign_id)
    if row is None:
        raise not_found()
    if row.status == "draft" and not (is_manager(actor, row.association_id) or is_auditor(actor)):
        raise not_found()
    return row


def require_manager(actor: Any, row: Campaign) -> None:
    if actor is None or not is_manager(actor, row.association_id):
        raise ApiError(
            403, "forbidden", _("Only the host association's coordinators and administrators.")
        )


def require_treasurer(actor: Any, association_id: int) -> None:
    if actor is None or not is_treasurer(actor, association_id):
        raise ApiError(403, "forbidden", _("Only the host association's treasurers."))


def get_contribution(contribution_id: int, actor: Any) -> Contribution:
    """Its contributor and the host's treasurers; 404 for everyone else."""
    row = db.session.get(Contribution, contribution_id)
    if row is None or actor is None:
        raise not_found()
    if row.user_id == actor.id or is_treasurer(actor, row.association_id):
        return row
    raise not_found()


def get_expense(expense_id: int, actor: Any) -> Expense:
    """The host's managers and platform auditors."""
    row = db.session.get(Expense, expense_id)
    if row is None or actor is None:
        raise not_found()
    campaign = db.session.get(Campaign, row.campaign_id)
    if campaign is not None and (is_manager(actor, campaign.association_id) or is_auditor(actor)):
        return row
    raise not_found()


def may_see_receipt(actor: Any, campaign: Campaign) -> bool:
    """An expense's receipt is private to the host's administrators and platform auditors."""
    return is_treasurer(actor, campaign.association_id) or is_auditor(actor)


def get_refund(refund_id: int, actor: Any) -> RefundTask:
    row = db.session.get(RefundTask, refund_id)
    if row is None or actor is None:
        raise not_found()
    campaign = db.session.get(Campaign, row.campaign_id)
    if campaign is not None and is_treasurer(actor, campaign.association_id):
        return row
    raise not_found()


def get_statement_line(line_id: int, actor: Any) -> StatementLine:
    row = db.session.get(StatementLine, line_id)
    if row is None or actor is None:
        raise not_found()
    campaign = db.session.get(Campaign, row.campaign_id)
    if campaign is not None and is_treasurer(actor, campaign.association_id):
        return row
    raise not_found()
