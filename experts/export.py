"""The experts' part of a person's data export (``Registry.export_sections``): their expert
profile, the requests they asked, the consultations they took as an expert, and their
sessions. Other people appear by nothing but the request they shared."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.accounts.models import User
from app.db import db
from experts.access import profile_of
from experts.models import Consultation
from experts.sessions import sessions_of


def _consultation(row: Consultation) -> dict[str, Any]:
    return {
        "id": row.id,
        "domain": row.domain,
        "mode": row.mode,
        "language": row.language,
        "title": row.title,
        "question": row.question,
        "status": row.status,
        "answer": row.answer,
        "rating": row.rating,
        "feedback": row.feedback,
        "endorsed": row.endorsed,
        "created_at": row.created_at,
        "accepted_at": row.accepted_at,
        "closed_at": row.closed_at,
    }


def export_experts(user: User) -> dict[str, Any]:
    profile = profile_of(user.id)
    asked = db.session.scalars(
        select(Consultation).where(Consultation.requester_id == user.id).order_by(Consultation.id)
    ).all()
    taken = (
        db.session.scalars(
            select(Consultation)
            .where(Consultation.expert_id == profile.id)
            .order_by(Consultation.id)
        ).all()
        if profile is not None
        else []
    )
    return {
        "experts": {
            "profile": None
            if profile is None
            else {
                "headline": profile.headline,
                "bio": profile.bio,
                "domains": list(profile.domains),
                "languages": list(profile.languages),
                "modes": list(profile.modes),
                "region_ids": list(profile.region_ids),
                "remote": profile.remote,
                "monthly_capacity": profile.monthly_capacity,
                "available": profile.available,
                "weekly_slots": list(profile.weekly_slots or []),
                "no_fee_signed_at": profile.no_fee_signed_at,
                "conflicts": profile.conflicts,
                "endorsements": profile.endorsements,
                "created_at": profile.created_at,
            },
            "requests_asked": [_consultation(r) for r in asked],
            "consultations_as_expert": [_consultation(r) for r in taken],
            "sessions": [
                {
                    "consultation_id": s.consultation_id,
                    "as": "expert"
                    if profile is not None and s.expert_id == profile.id
                    else "asker",
                    "starts_at": s.starts_at,
                    "ends_at": s.ends_at,
                    "status": s.status,
                    "reschedules": s.reschedules,
                    "held_at": s.held_at,
                    "cancelled_at": s.cancelled_at,
                }
                for s in sessions_of(user.id)
            ],
        }
    }
