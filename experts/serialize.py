"""Experts objects to API dictionaries."""

from __future__ import annotations

from typing import Any

from experts.models import Consultation, ConsultationOffer, ExpertProfile, ExpertSession


def serialize_profile(row: ExpertProfile, name: str, month: str) -> dict[str, Any]:
    return {
        "id": row.id,
        "user_id": row.user_id,
        "name": name,
        "headline": row.headline,
        "bio": row.bio,
        "domains": list(row.domains),
        "languages": list(row.languages),
        "modes": list(row.modes),
        "region_ids": list(row.region_ids),
        "remote": row.remote,
        "monthly_capacity": row.monthly_capacity,
        "capacity_left": row.capacity_left(month),
        "available": row.available,
        "no_fee_signed_at": row.no_fee_signed_at.isoformat(),
        "conflicts": row.conflicts,
        "endorsements": row.endorsements,
        "weekly_slots": list(row.weekly_slots or []),
    }


def serialize_consultation(
    row: Consultation, offer: ConsultationOffer | None = None
) -> dict[str, Any]:
    return {
        "id": row.id,
        "association_id": row.association_id,
        "requester_id": row.requester_id,
        "domain": row.domain,
        "mode": row.mode,
        "language": row.language,
        "region_id": row.region_id,
        "remote_ok": row.remote_ok,
        "title": row.title,
        "question": row.question,
        "status": row.status,
        "expert_id": row.expert_id,
        "offer": None
        if offer is None
        else {
            "id": offer.id,
            "status": offer.status,
            "created_at": offer.created_at.isoformat(),
        },
        "answer": row.answer,
        "rating": row.rating,
        "feedback": row.feedback,
        "endorsed": row.endorsed,
        "created_at": row.created_at.isoformat(),
        "accepted_at": row.accepted_at.isoformat() if row.accepted_at else None,
        "closed_at": row.closed_at.isoformat() if row.closed_at else None,
    }


def serialize_session(row: ExpertSession) -> dict[str, Any]:
    return {
        "id": row.id,
        "consultation_id": row.consultation_id,
        "expert_id": row.expert_id,
        "starts_at": row.starts_at.isoformat(),
        "ends_at": row.ends_at.isoformat(),
        "status": row.status,
        "reschedules": row.reschedules,
        "held_at": row.held_at.isoformat() if row.held_at else None,
        "cancelled_at": row.cancelled_at.isoformat() if row.cancelled_at else None,
    }
