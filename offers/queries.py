"""Reading the board: the feed (a search over published offers) and a person's own offers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.db import db
from app.search.service import search
from app.search.types import SearchRequest
from offers.models import Claim, Offer, OfferCount, Thanks

PER_PAGE = 20
FACETS = ("type", "province", "audience")


def feed(args: dict[str, Any], actor: Any = None) -> dict[str, Any]:
    """One page of published offers matching ``args`` with facet counts."""
    filters: dict[str, tuple[str, ...]] = {}
    for arg, facet in (
        ("type", "type"),
        ("province", "province"),
        ("city", "city"),
        ("audience", "audience"),
        ("kind", "kind"),
    ):
        if args.get(arg):
            filters[facet] = (str(args[arg]),)
    near = None
    if args.get("near"):
        lat, lng = (float(x) for x in str(args["near"]).split(","))
        near = (lat, lng)
    request = SearchRequest(
        q=args.get("q") or "",
        filters=filters,
        facets=FACETS,
        sort="relevance" if args.get("q") else ("distance" if near else "newest"),
        near=near,
        radius_km=args.get("radius_km") if near else None,
        page=args.get("page", 1),
        per_page=PER_PAGE,
        prefix=False,
    )
    result = search("offers", request, actor)
    rows = {o.id: o for o in db.session.scalars(select(Offer).where(Offer.id.in_(result.ids)))}
    items = [
        rows[i]
        for i in result.ids
        if i in rows and rows[i].status == "published" and not rows[i].hidden
    ]
    return {
        "items": items,
        "total": result.total,
        "page": request.page,
        "per_page": PER_PAGE,
        "facets": result.facets,
    }


def offers_of(user_id: int) -> list[Offer]:
    return list(
        db.session.scalars(
            select(Offer)
            .where(Offer.author_id == user_id, Offer.purged_at.is_(None))
            .order_by(Offer.id.desc())
            .limit(100)
        )
    )


def claims_by(user_id: int) -> list[tuple[Claim, Offer]]:
    rows = db.session.execute(
        select(Claim, Offer)
        .join(Offer, Offer.id == Claim.offer_id)
        .where(Claim.claimant_id == user_id, Offer.purged_at.is_(None))
        .order_by(Claim.id.desc())
        .limit(100)
    ).all()
    return [(claim, offer) for claim, offer in rows]


def given(thanks: int = 12) -> dict[str, Any]:
    """Counts of offers given (by type, by province), offers open now, the latest thanks."""

    def counts(column: Any) -> list[dict[str, Any]]:
        rows = db.session.execute(
            select(column, func.sum(OfferCount.consumed), func.sum(OfferCount.beneficiaries))
            .group_by(column)
            .order_by(func.sum(OfferCount.consumed).desc(), column)
        ).all()
        return [
            {"key": str(key), "consumed": int(n or 0), "beneficiaries": int(b or 0)}
            for key, n, b in rows
        ]

    live = db.session.scalar(select(func.count(Offer.id)).where(Offer.status == "published"))
    return {
        "by_type": counts(OfferCount.support_type),
        "by_province": counts(OfferCount.province_id),
        "live": live or 0,
        "thanks": list(db.session.scalars(select(Thanks).order_by(Thanks.id.desc()).limit(thanks))),
    }
