"""Offers and claims as the API and the live feed show them: never a phone, never the body of
an offer to someone who may not read it, never who asked for what to anyone but the two
parties."""

from __future__ import annotations

from typing import Any

from offers.labels import SUPPORT_TYPE_LABELS, label
from offers.models import Claim, Offer, Referral


def serialize_offer(offer: Offer, actor: Any, *, full: bool = True) -> dict[str, Any]:
    mine = actor is not None and (offer.author_id == actor.id or actor.is_admin)
    data: dict[str, Any] = {
        "id": offer.id,
        "kind": offer.kind,
        "status": offer.status,
        "support_type": offer.support_type,
        "support_type_label": label(SUPPORT_TYPE_LABELS, offer.support_type),
        "city_id": offer.city_id,
        "province_id": offer.province_id,
        "area_hint": offer.area_hint,
        "capacity": offer.capacity,
        "places_left": offer.places_left,
        "conditions": {
            "audience": list(offer.audience or []),
            "age_min": offer.age_min,
            "age_max": offer.age_max,
            "other": offer.conditions_other,
        },
        "delivery_mode": offer.delivery_mode,
        "allocation": offer.allocation,
        "title": offer.title,
        "body": offer.body if full else offer.body[:280],
        "author_id": offer.author_id,
        "association_id": offer.association_id,
        "starts_on": offer.starts_on.isoformat() if offer.starts_on else None,
        "ends_on": offer.ends_on.isoformat() if offer.ends_on else None,
        "expires_at": offer.expires_at.isoformat() if offer.expires_at else None,
        "published_at": offer.published_at.isoformat() if offer.published_at else None,
        "blood": (
            {
                "group": offer.blood_group,
                "facility": offer.facility,
                "needed_by": offer.needed_by.isoformat() if offer.needed_by else None,
            }
            if offer.kind == "blood_request"
            else None
        ),
    }
    if mine:
        data["hits"] = [h for h in offer.hits or [] if "message" in h]
        data["review_reason"] = offer.review_reason
    return data


def serialize_claim(row: Claim) -> dict[str, Any]:
    return {
        "id": row.id,
        "offer_id": row.offer_id,
        "claimant_id": row.claimant_id,
        "status": row.status,
        "answers": row.answers,
        "pickup_proposal": row.pickup_proposal,
        "referral_association_id": row.referral_association_id,
        "created_at": row.created_at.isoformat(),
    }


def serialize_referral(row: Referral) -> dict[str, Any]:
    """A "known to us" code as its association's administrators see it: its hint and status,
    never the person it was given to."""
    return {
        "id": row.id,
        "hint": row.hint,
        "status": row.status,
        "created_at": row.created_at.isoformat(),
        "used_at": row.used_at.isoformat() if row.used_at else None,
        "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None,
    }
