"""The public needs board: open needs of verified households, aggregated by place and
category, with how much of them planned distributions already cover. No personal data, and
no small count: a cell of fewer than :data:`MIN_CELL` households shows "fewer than 3", never
its exact number (nor its fill level)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from aid.models import NEEDS, Distribution, Entitlement, Household
from app.db import db, utcnow
from app.plugins import NeedLine
from directory import Association

#: cells of fewer households are suppressed (k-anonymity)
MIN_CELL = 3
#: an entitlement covers a need when its distribution is at most this old (or to come)
COVER_DAYS = 30
LEVELS = ("douar", "commune", "province")


@dataclass
class Cell:
    category: str
    province_id: int
    commune: str
    douar: str
    households: set[int] = field(default_factory=set)
    covered: set[int] = field(default_factory=set)

    @property
    def place(self) -> str:
        if self.douar:
            return f"{self.douar}, {self.commune}"
        return self.commune

    @property
    def suppressed(self) -> bool:
        return len(self.households) < MIN_CELL

    def public(self) -> dict[str, Any]:
        """The cell as the board shows it: exact counts only from :data:`MIN_CELL` up."""
        needed = len(self.households)
        return {
            "category": self.category,
            "province_id": self.province_id,
            "commune": self.commune,
            "douar": self.douar,
            "place": self.place,
            "suppressed": self.suppressed,
            "needed": None if self.suppressed else needed,
            "filled": None if self.suppressed else len(self.covered),
            "percent": None if self.suppressed else round(100 * len(self.covered) / needed),
        }


#: the consent purpose a household gives to be counted on the board (and its aggregates)
BOARD_PURPOSE = "statistics"


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def cells(
    association_id: int | None = None,
    province_id: int | None = None,
    category: str | None = None,
    level: str = "douar",
    now: dt.datetime | None = None,
) -> list[Cell]:
    """The board's cells, largest first (two queries whatever the data). A household is
    counted only when its consent covers anonymous statistics (:data:`BOARD_PURPOSE`)."""
    now = now or utcnow()
    query = (
        select(
            Household.id,
            Household.province_id,
            Household.commune,
            Household.douar,
            Household.needs,
            Household.consent_purposes,
        )
        .join(Association, Association.id == Household.association_id)
        .where(Household.status == "verified", Association.status == "approved")
    )
    if association_id is not None:
        query = query.where(Household.association_id == association_id)
    if province_id is not None:
        query = query.where(Household.province_id == province_id)
    rows = db.session.execute(query).all()
    if not rows:
        return []
    covered_query = (
        select(Entitlement.household_id, Distribution.category)
        .join(Distribution, Distribution.id == Entitlement.distribution_id)
        .join(Household, Household.id == Entitlement.household_id)
        .where(
            Entitlement.status.in_(("issued", "collected")),
            Distribution.starts_at >= now - dt.timedelta(days=COVER_DAYS),
            Household.status == "verified",
        )
    )
    if association_id is not None:
        covered_query = covered_query.where(Household.association_id == association_id)
    if province_id is not None:
        covered_query = covered_query.where(Household.province_id == province_id)
    covered = {(h, c) for h, c in db.session.execute(covered_query)}
    found: dict[tuple[str, int, str, str], Cell] = {}
    for household_id, province, commune, douar, needs, purposes in rows:
        if BOARD_PURPOSE not in (purposes or []):
            continue  # counted only with consent to anonymous statistics
        commune = " ".join(commune.split())
        douar = " ".join((douar or "").split()) if level == "douar" else ""
        if level == "province":
            commune = ""
        for code in {n.get("code") for n in needs or [] if isinstance(n, dict)}:
            if code not in NEEDS or (category and code != category):
                continue
            key = (code, province, _key(commune), _key(douar))
            cell = found.get(key)
            if cell is None:
                cell = found[key] = Cell(code, province, commune, douar)
            cell.households.add(household_id)
            if (household_id, code) in covered:
                cell.covered.add(household_id)
    return sorted(
        found.values(),
        key=lambda c: (-len(c.households), c.province_id, _key(c.place), c.category),
    )


def totals(found: list[Cell]) -> dict[str, Any]:
    """Board-wide totals, suppressed the same way."""
    everyone: set[int] = set()
    for cell in found:
        everyone |= cell.households
    count = len(everyone)
    return {"households": count if count >= MIN_CELL else None, "cells": len(found)}


def need_lines(association_id: int | None, province_id: int | None) -> list[NeedLine]:
    """``Registry.aid_needs``: the board's lines (by douar) that may be shown; suppressed
    cells are left out, as a :class:`NeedLine` only carries exact counts."""
    return [
        NeedLine(
            category=cell.category,
            province_id=cell.province_id,
            place=cell.place,
            needed=len(cell.households),
            filled=len(cell.covered),
        )
        for cell in cells(association_id, province_id)
        if not cell.suppressed
    ]
