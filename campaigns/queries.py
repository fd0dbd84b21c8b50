"""Reads for the campaigns' pages and API, each a fixed number of SQL queries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from app.accounts.queries import users_by_id
from app.api import not_found
from app.db import db
from campaigns.models import (
    BudgetLine,
    Campaign,
    CampaignUpdate,
    Contribution,
    Expense,
    RefundTask,
    StatementLine,
)
from directory import Province, get_association
from library import public_media_consent


def public_campaigns() -> Select[Any]:
    """Live campaigns first, then failed and closed ones, the newest first."""
    return (
        select(Campaign)
        .where(Campaign.status != "draft")
        .order_by((Campaign.status != "live"), Campaign.id.desc())
    )


def all_of(query: Select[Any], limit: int = 100) -> list[Any]:
    return list(db.session.scalars(query.limit(limit)))


def budget_lines(campaign_id: int) -> list[BudgetLine]:
    return list(
        db.session.scalars(
            select(BudgetLine).where(BudgetLine.campaign_id == campaign_id).order_by(BudgetLine.id)
        )
    )


def contributions(
    campaign_id: int, statuses: tuple[str, ...] = ("confirmed",)
) -> list[Contribution]:
    return list(
        db.session.scalars(
            select(Contribution)
            .where(Contribution.campaign_id == campaign_id, Contribution.status.in_(statuses))
            .order_by(Contribution.id.desc())
        )
    )


def my_contributions(user_id: int, campaign_id: int) -> list[Contribution]:
    return list(
        db.session.scalars(
            select(Contribution)
            .where(Contribution.campaign_id == campaign_id, Contribution.user_id == user_id)
            .order_by(Contribution.id.desc())
        )
    )


def expenses(campaign_id: int) -> list[Expense]:
    return list(
        db.session.scalars(
            select(Expense).where(Expense.campaign_id == campaign_id).order_by(Expense.id.desc())
        )
    )


def updates(campaign_id: int) -> list[CampaignUpdate]:
    return list(
        db.session.scalars(
            select(CampaignUpdate)
            .where(CampaignUpdate.campaign_id == campaign_id)
            .order_by(CampaignUpdate.id.desc())
        )
    )


def refunds(campaign_id: int) -> list[RefundTask]:
    return list(
        db.session.scalars(
            select(RefundTask).where(RefundTask.campaign_id == campaign_id).order_by(RefundTask.id)
        )
    )


def statement_lines(campaign_id: int, status: str | None = None) -> list[StatementLine]:
    query = select(StatementLine).where(StatementLine.campaign_id == campaign_id)
    if status is not None:
        query = query.where(StatementLine.status == status)
    return list(db.session.scalars(query.order_by(StatementLine.id).limit(500)))


def public_names(rows: list[Contribution]) -> dict[int, str]:
    """Contribution id -> the contributor's public display name, for those who are not
    incognito (incognito ones are absent: the caller says "Anonymous")."""
    shown = [r for r in rows if not r.incognito and r.user_id is not None]
    people = users_by_id([r.user_id for r in shown if r.user_id is not None])
    return {r.id: people[r.user_id].display_name for r in shown if r.user_id in people}


def association_name(association_id: int) -> str:
    found = get_association(association_id)
    return found.name if found is not None else ""


def province_name(province_id: int | None, lang: str) -> str:
    if province_id is None:
        return ""
    found = db.session.get(Province, province_id)
    return found.label(lang) if found is not None else ""


def stored(campaign_id: int) -> Campaign:
    row = db.session.get(Campaign, campaign_id)
    if row is None:
        raise not_found()
    return row


def campaign_of(contribution: Contribution) -> Campaign:
    return stored(contribution.campaign_id)


def user_names(ids: list[int]) -> dict[int, str]:
    """Display names of these people (the host's team on its own page)."""
    return {uid: u.display_name for uid, u in users_by_id(sorted(set(ids))).items()}


def shown_images(row: Campaign) -> set[int]:
    """The ids of the campaign's updates whose photo may still be shown publicly (a consent
    withdrawn since hides it)."""
    found = db.session.execute(
        select(CampaignUpdate.id, CampaignUpdate.image_document_id).where(
            CampaignUpdate.campaign_id == row.id, CampaignUpdate.image_document_id.is_not(None)
        )
    ).all()
    return {
        uid
        for uid, doc in found
        if doc is not None and public_media_consent(row.association_id, doc)
    }


def drafts_of(association_ids: list[int]) -> list[Campaign]:
    """The drafts of these associations (their teams' own list)."""
    if not association_ids:
        return []
    return list(
        db.session.scalars(
            select(Campaign)
            .where(Campaign.association_id.in_(association_ids), Campaign.status == "draft")
            .order_by(Campaign.id.desc())
            .limit(50)
        )
    )
