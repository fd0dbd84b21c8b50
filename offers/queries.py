"""Reading the board: the feed (a search over published offers), a person's own offers and
claims, an offer's claims and place in the review line, the review queue, who an offer's
alerts reach, a donor's own card, and the lookups the pages need (places, people, photos)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from flask import current_app
from sqlalchemy import and_, func, or_, select

from app.accounts.models import User
from app.db import db, utcnow
from app.privacy import read_personal
from app.search.query import haversine_km
from app.search.service import search
from app.search.types import SearchRequest
from directory import City, Province
from offers.models import (
    BloodDonor,
    Claim,
    Flag,
    Offer,
    OfferAlert,
    OfferCount,
    OfferImage,
    Referral,
    Strike,
    Thanks,
)

PER_PAGE = 20
FACETS = ("type", "province", "audience")
#: Posts a moderator handles per hour (for the estimated wait shown to a queued author).
REVIEWS_PER_HOUR = 60


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


def claim_of(offer_id: int, user_id: int) -> Claim | None:
    return db.session.scalar(
        select(Claim).where(Claim.offer_id == offer_id, Claim.claimant_id == user_id)
    )


def queue_position(offer: Offer) -> tuple[int, int]:
    """(position in its line from 1, estimated wait in minutes). Posts waiting for capacity
    leave at the publishing rate; posts waiting for a moderator at the reviewing rate."""
    queued = offer.review_reason == "queue"
    same_line = (Offer.review_reason == "queue") if queued else (Offer.review_reason != "queue")
    ahead = (
        db.session.scalar(
            select(func.count(Offer.id)).where(
                Offer.status == "review", same_line, Offer.id < offer.id
            )
        )
        or 0
    )
    if queued:
        per_minute = int(current_app.config["OFFERS_PUBLISH_PER_MINUTE"])
        minutes = -(-(ahead + 1) // max(per_minute, 1)) + 1  # the next release tick included
    else:
        minutes = -(-(ahead + 1) * 60 // REVIEWS_PER_HOUR)
    return ahead + 1, max(1, minutes)


def review_query() -> Any:
    """Posts waiting for a moderator, oldest first."""
    return select(Offer).where(Offer.status == "review").order_by(Offer.id)


def review_queue() -> list[Offer]:
    return list(db.session.scalars(review_query().limit(200)))


def standing_flag() -> Any:
    """Readers' flags that still count: those made since the post was (last) published. A
    moderator who approves a flagged post republishes it, so the flags they judged stop
    counting, and their readers cannot flag it again (one flag per reader and post)."""
    return or_(Offer.published_at.is_(None), Flag.created_at >= Offer.published_at)


def review_details(offer_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Why each post of the review queue is there, beside its rule hits: readers' flags
    counted per reason (same words, case aside, counted together; never who flagged) and its
    photos' names. Two queries whatever the number of posts."""
    details: dict[int, dict[str, Any]] = {
        oid: {"flags": [], "flag_total": 0, "photos": []} for oid in offer_ids
    }
    if not offer_ids:
        return details
    rows = db.session.execute(
        select(Flag.offer_id, Flag.reason, func.count(Flag.id), func.min(Flag.id))
        .join(Offer, Offer.id == Flag.offer_id)
        .where(Flag.offer_id.in_(offer_ids), standing_flag())
        .group_by(Flag.offer_id, Flag.reason)
        .order_by(Flag.offer_id, func.min(Flag.id))
    ).all()
    merged: dict[int, dict[str, dict[str, Any]]] = {oid: {} for oid in offer_ids}
    for offer_id, reason, count, _first in rows:
        text = (reason or "").strip()
        entry = merged[offer_id].setdefault(text.casefold(), {"reason": text, "count": 0})
        entry["count"] += int(count)
        details[offer_id]["flag_total"] += int(count)
    for offer_id, groups in merged.items():
        details[offer_id]["flags"] = sorted(
            groups.values(), key=lambda g: (-g["count"], g["reason"] == "")
        )
    for offer_id, name in db.session.execute(
        select(OfferImage.offer_id, OfferImage.name)
        .where(OfferImage.offer_id.in_(offer_ids))
        .order_by(OfferImage.id)
    ):
        details[offer_id]["photos"].append(name)
    return details


def claims_of(offer: Offer) -> list[Claim]:
    return list(
        db.session.scalars(select(Claim).where(Claim.offer_id == offer.id).order_by(Claim.id))
    )


def alert_matches(offer: Offer) -> list[int]:
    """The people whose alerts match a published offer (never its author)."""
    rows = db.session.scalars(select(OfferAlert)).all()
    users = set()
    for alert in rows:
        if alert.support_type and alert.support_type != offer.support_type:
            continue
        if alert.city_id and alert.city_id != offer.city_id:
            continue
        if alert.province_id and alert.province_id != offer.province_id:
            continue
        if alert.audience and alert.audience not in (offer.audience or []):
            continue
        users.add(alert.user_id)
    users.discard(offer.author_id or 0)
    return sorted(users)


def read_donor(actor: User) -> dict[str, Any] | None:
    """The person's own donor card (the read is logged like any personal field)."""
    row = db.session.get(BloodDonor, actor.id)
    if row is None:
        return None
    values = read_personal(actor, row, ["blood_group"], "own blood donor card")
    return {"group": values["blood_group"], "city": row.city_id, "active": row.active}


#: Kilometres per degree of latitude (and of longitude at the equator), for a bounding box.
KM_PER_DEGREE = 111.32


def _located(lat: Any, lng: Any) -> bool:
    return (
        isinstance(lat, (int, float))
        and isinstance(lng, (int, float))
        and math.isfinite(lat)
        and math.isfinite(lng)
    )


def cities_near(city_id: int, radius_km: float) -> dict[int, float] | None:
    """The cities within ``radius_km`` of city ``city_id`` (itself included, any province)
    -> their distance in km, nearest first (then by id); ``None`` when that city has no
    coordinates (the caller falls back to its province). A city without coordinates of the
    same province counts as at the edge of the radius. One query over a bounding box of the
    reference data; the exact great-circle distance is measured here."""
    origin = db.session.get(City, city_id)
    if origin is None or not _located(origin.lat, origin.lng):
        return None
    lat, lng = float(origin.lat), float(origin.lng)
    dlat = radius_km / KM_PER_DEGREE
    dlng = radius_km / (KM_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    rows = db.session.execute(
        select(City.id, City.lat, City.lng).where(
            or_(
                and_(
                    City.lat.between(lat - dlat, lat + dlat),
                    City.lng.between(lng - dlng, lng + dlng),
                ),
                and_(
                    City.province_id == origin.province_id,
                    or_(City.lat.is_(None), City.lng.is_(None)),
                ),
            )
        )
    ).all()
    near: dict[int, float] = {}
    for cid, clat, clng in rows:
        if not _located(clat, clng):
            near[cid] = float(radius_km)
            continue
        distance = haversine_km((lat, lng), (float(clat), float(clng)))
        if distance <= radius_km:
            near[cid] = distance
    near[origin.id] = 0.0
    return dict(sorted(near.items(), key=lambda item: (item[1], item[0])))


def find_offer(offer_id: int) -> Offer | None:
    return db.session.get(Offer, offer_id)


def alerts_of(user_id: int) -> list[OfferAlert]:
    return list(
        db.session.scalars(
            select(OfferAlert).where(OfferAlert.user_id == user_id).order_by(OfferAlert.id)
        )
    )


def image_named(name: str) -> OfferImage | None:
    return db.session.scalar(select(OfferImage).where(OfferImage.name == name))


def provinces() -> list[Province]:
    return list(db.session.scalars(select(Province).order_by(Province.position, Province.id)))


def find_city(city_id: int) -> City | None:
    return db.session.get(City, city_id)


def cities(ids: set[int]) -> list[City]:
    return list(db.session.scalars(select(City).where(City.id.in_(ids))))


def referrals_query(association_id: int) -> Any:
    """The "known to us" codes an association gave, newest first."""
    return (
        select(Referral)
        .where(Referral.association_id == association_id)
        .order_by(Referral.id.desc())
    )


def strike_window() -> dt.timedelta:
    return dt.timedelta(days=int(current_app.config["OFFERS_STRIKE_WINDOW_DAYS"]))


def strikes_of(user_id: int, now: dt.datetime | None = None) -> list[Strike]:
    """The person's strikes that still count (within the window), newest first."""
    since = (now or utcnow()) - strike_window()
    return list(
        db.session.scalars(
            select(Strike)
            .where(Strike.user_id == user_id, Strike.created_at >= since)
            .order_by(Strike.id.desc())
        )
    )


def active_strikes(user_id: int, now: dt.datetime | None = None) -> int:
    """How many of the person's strikes still count."""
    since = (now or utcnow()) - strike_window()
    return (
        db.session.scalar(
            select(func.count(Strike.id)).where(
                Strike.user_id == user_id, Strike.created_at >= since
            )
        )
        or 0
    )


def under_review(user_id: int) -> bool:
    """Whether the person lost publish-at-once: enough strikes within the window."""
    return active_strikes(user_id) >= int(current_app.config["OFFERS_STRIKES_TO_REVIEW"])
