"""Finding opportunities: the ``opportunities`` search type (open ones only), with the search's
Arabic/French/Arabizi analysis on title and description, facets by skill, province, remote and
month (each month between the start and the end date). An opportunity leaves the index, through
the search outbox in the same transaction, when it closes. No personal data is indexed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from flask import Flask, url_for
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from app.db import db
from app.search.framework import DocType, Document, register_doc_type
from volunteering.models import Opportunity

_WATCHED = ("status", "title", "description", "skills", "city_id", "remote", "starts_on", "ends_on")
#: An opportunity spanning more months is listed under its first ones.
MAX_MONTHS = 24


def months(starts_on: dt.date, ends_on: dt.date) -> list[str]:
    """``YYYY-MM`` of each month from the start to the end date."""
    found: list[str] = []
    year, month = starts_on.year, starts_on.month
    while (year, month) <= (ends_on.year, ends_on.month) and len(found) < MAX_MONTHS:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def load_opportunities(session: Session, ids: Sequence[int]) -> dict[int, Document]:
    rows = session.scalars(
        select(Opportunity).where(Opportunity.id.in_(ids), Opportunity.status == "open")
    )
    return {
        row.id: Document(
            id=row.id,
            names={"title": row.title},
            text={"body": row.description},
            facets={
                "skill": list(row.skills or []),
                "province": [str(row.province_id)] if row.province_id else [],
                "remote": ["yes" if row.remote else "no"],
                "month": months(row.starts_on, row.ends_on),
            },
            created=row.created_at.timestamp(),
        )
        for row in rows
    }


def all_opportunity_ids(session: Session) -> Iterable[int]:
    return session.scalars(
        select(Opportunity.id).where(Opportunity.status == "open").order_by(Opportunity.id)
    )


def describe_opportunities(ids: Sequence[int]) -> dict[int, dict[str, str]]:
    rows = db.session.execute(
        select(Opportunity.id, Opportunity.title, Opportunity.description).where(
            Opportunity.id.in_(list(ids))
        )
    )
    return {
        oid: {
            "title": title,
            "url": url_for("volunteering.show", opportunity_id=oid),
            "snippet": body[:160],
        }
        for oid, title, body in rows
    }


def _changed(row: Opportunity) -> list[int]:
    state: Any = inspect(row)
    if state.pending or any(state.attrs[a].history.has_changes() for a in _WATCHED):
        return [row.id]
    return []


def register(app: Flask) -> None:
    register_doc_type(
        app,
        DocType(
            name="opportunities",
            load=load_opportunities,
            all_ids=all_opportunity_ids,
            name_fields={"title": 4.0},
            text_fields={"body": 1.0},
            facets=("skill", "province", "remote", "month"),
            watch=((Opportunity, _changed),),
            describe=describe_opportunities,
        ),
    )
