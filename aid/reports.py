"""Aid reports, computed from collections and the stock ledger (never typed in): families and
people served per month, category and place; stock in and out per item and month; the public
aggregates of an association (small counts suppressed, as on the needs board) and
``Registry.aid_delivered``."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from aid import labels
from aid.board import MIN_CELL
from aid.models import Distribution, Entitlement, Household, StockItem, StockMovement
from app.db import db
from app.pdf import PdfDocument
from app.plugins import DeliveredSummary
from directory import Province


def _month(when: dt.datetime) -> str:
    return when.strftime("%Y-%m")


def _collections(
    association_ids: list[int], since: dt.datetime | None = None, until: dt.datetime | None = None
) -> list[Any]:
    """(collected_at, category, household id, province id, commune, douar, size) of every
    collection of these associations' distributions (one query)."""
    if not association_ids:
        return []
    query = (
        select(
            Entitlement.collected_at,
            Distribution.category,
            Household.id,
            Household.province_id,
            Household.commune,
            Household.douar,
            Household.size,
        )
        .join(Distribution, Distribution.id == Entitlement.distribution_id)
        .join(Household, Household.id == Entitlement.household_id)
        .where(
            Distribution.association_id.in_(association_ids),
            Entitlement.status == "collected",
            Entitlement.collected_at.is_not(None),
        )
        .order_by(Entitlement.collected_at)
    )
    if since is not None:
        query = query.where(Entitlement.collected_at >= since)
    if until is not None:
        query = query.where(Entitlement.collected_at < until)
    return list(db.session.execute(query).all())


def served(association_id: int) -> list[dict[str, Any]]:
    """Per month, category and place (province, commune): collections, distinct families and
    the people in them."""
    cells: dict[tuple[str, str, int, str], dict[str, Any]] = {}
    for at, category, household_id, province_id, commune, _douar, size in _collections(
        [association_id]
    ):
        commune = " ".join(commune.split())
        key = (_month(at), category, province_id, commune.casefold())
        cell = cells.setdefault(
            key,
            {
                "month": key[0],
                "category": category,
                "province_id": province_id,
                "commune": commune,
                "collections": 0,
                "sizes": {},
            },
        )
        cell["collections"] += 1
        cell["sizes"][household_id] = size
    out = []
    for key in sorted(cells):
        cell = cells[key]
        sizes = cell.pop("sizes")
        out.append({**cell, "families": len(sizes), "people": sum(sizes.values())})
    return out


def stock_flows(association_id: int) -> list[dict[str, Any]]:
    """Per item and month: units in (donations, purchases, positive adjustments and counts)
    and out (distributions, negative ones); transfers between locations cancel out."""
    rows = db.session.execute(
        select(StockMovement.created_at, StockItem.name, StockMovement.kind, StockMovement.quantity)
        .join(StockItem, StockItem.id == StockMovement.item_id)
        .where(StockMovement.association_id == association_id)
    ).all()
    flows: dict[tuple[str, str], dict[str, Any]] = {}
    for at, item, kind, quantity in rows:
        key = (_month(at), item)
        flow = flows.setdefault(key, {"month": key[0], "item": item, "in": 0, "out": 0})
        if kind == "transfer":
            continue
        if quantity > 0:
            flow["in"] += quantity
        else:
            flow["out"] += -quantity
    return [flows[k] for k in sorted(flows)]


def _small(n: int) -> int | None:
    return n if n >= MIN_CELL else None


def public_summary(association_id: int) -> dict[str, Any]:
    """What anyone may see of an association's aid: per month and category the families
    served (fewer than 3: ``None``), and the totals, suppressed the same way."""
    per: dict[tuple[str, str], set[int]] = defaultdict(set)
    everyone: set[int] = set()
    collections = 0
    for at, category, household_id, *_rest in _collections([association_id]):
        per[(_month(at), category)].add(household_id)
        everyone.add(household_id)
        collections += 1
    return {
        "association_id": association_id,
        "families": _small(len(everyone)),
        "collections": _small(collections),
        "months": [
            {"month": month, "category": category, "families": _small(len(ids))}
            for (month, category), ids in sorted(per.items())
        ],
    }


def delivered(
    association_ids: list[int], since: dt.datetime | None, until: dt.datetime | None
) -> DeliveredSummary:
    """``Registry.aid_delivered``: what these associations handed over in ``[since, until)``:
    collections per category, distinct households, distinct localities (douar, else commune)
    and the provinces' names in the reader's language."""
    rows = _collections(list(association_ids), since, until)
    items: dict[str, int] = defaultdict(int)
    households: set[int] = set()
    places: set[tuple[int, str, str]] = set()
    province_ids: set[int] = set()
    for _at, category, household_id, province_id, commune, douar, _size in rows:
        items[category] += 1
        households.add(household_id)
        places.add((province_id, " ".join(commune.split()).casefold(), (douar or "").casefold()))
        province_ids.add(province_id)
    locale = str(get_locale() or "ar")
    names = (
        [
            p.label(locale)
            for p in db.session.scalars(
                select(Province).where(Province.id.in_(sorted(province_ids))).order_by(Province.id)
            )
        ]
        if province_ids
        else []
    )
    return DeliveredSummary(
        items=dict(items), households=len(households), localities=len(places), provinces=names
    )


def baskets_delivered() -> int:
    """The home page's figure: collections of food baskets, all associations (one query)."""
    return int(
        db.session.scalar(
            select(func.count(Entitlement.id))
            .join(Distribution, Distribution.id == Entitlement.distribution_id)
            .where(Entitlement.status == "collected", Distribution.category == "food_basket")
        )
        or 0
    )


# ------------------------------------------------------------------ downloads


def served_csv(association_id: int, provinces: dict[int, str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["month", "category", "province", "commune", "collections", "families", "people"]
    )
    for row in served(association_id):
        writer.writerow(
            [
                row["month"],
                row["category"],
                provinces.get(row["province_id"], ""),
                _safe(row["commune"]),
                row["collections"],
                row["families"],
                row["people"],
            ]
        )
    return out.getvalue()


def stock_csv(association_id: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["month", "item", "in", "out"])
    for row in stock_flows(association_id):
        writer.writerow([row["month"], _safe(row["item"]), row["in"], row["out"]])
    return out.getvalue()


def _safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def report_pdf(association_name: str, association_id: int, provinces: dict[int, str]) -> bytes:
    doc = PdfDocument(
        _("Aid report: %(name)s", name=association_name),
        rtl=str(get_locale() or "ar") == "ar",
    )
    doc.heading(_("Families and people served"))
    doc.table(
        [_("Month"), _("Category"), _("Place"), _("Families"), _("People")],
        [
            [
                row["month"],
                labels.label(labels.NEED, row["category"]),
                f"{row['commune']} ({provinces.get(row['province_id'], '')})",
                str(row["families"]),
                str(row["people"]),
            ]
            for row in served(association_id)
        ],
        widths=(16, 22, 38, 12, 12),
    )
    doc.heading(_("Stock in and out"))
    doc.table(
        [_("Month"), _("Item"), _("In"), _("Out")],
        [
            [row["month"], row["item"], str(row["in"]), str(row["out"])]
            for row in stock_flows(association_id)
        ],
        widths=(20, 50, 15, 15),
    )
    return doc.output()
