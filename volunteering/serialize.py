"""Volunteering objects to API dictionaries: shapes what it is given (queries read the rest)."""

from __future__ import annotations

from typing import Any

from volunteering.models import (
    Application,
    Certificate,
    Contract,
    Hours,
    Opportunity,
    Role,
    Shift,
    Signup,
    VolunteerProfile,
)


def serialize_role(role: Role) -> dict[str, Any]:
    return {"id": role.id, "title": role.title, "quota": role.quota, "accepted": role.accepted}


def serialize_shift(shift: Shift) -> dict[str, Any]:
    return {
        "id": shift.id,
        "starts_at": shift.starts_at,
        "ends_at": shift.ends_at,
        "capacity": shift.capacity,
        "taken": shift.taken,
        "places_left": shift.capacity - shift.taken,
    }


def serialize_opportunity(
    row: Opportunity,
    *,
    association_name: str = "",
    place: str = "",
    roles: list[Role] | None = None,
    shifts: list[Shift] | None = None,
    url: str = "",
) -> dict[str, Any]:
    return {
        "id": row.id,
        "association_id": row.association_id,
        "association_name": association_name,
        "title": row.title,
        "description": row.description,
        "skills": list(row.skills or []),
        "province_id": row.province_id,
        "city_id": row.city_id,
        "place": place,
        "remote": row.remote,
        "starts_on": row.starts_on,
        "ends_on": row.ends_on,
        "min_age": row.min_age,
        "contractual": row.contractual,
        "status": row.status,
        "closed_reason": row.closed_reason,
        "roles": [serialize_role(r) for r in roles or []],
        "shifts": [serialize_shift(s) for s in shifts or []],
        "url": url,
    }


def serialize_profile(row: VolunteerProfile) -> dict[str, Any]:
    """The profile without its personal field (only whether one is given)."""
    return {
        "skills": list(row.skills or []),
        "languages": list(row.languages or []),
        "region_ids": list(row.region_ids or []),
        "availability": row.availability,
        "visibility": row.visibility,
        "birth_year": row.birth_year,
        "adult_declared": row.adult_declared,
        "has_emergency_contact": row.emergency_contact is not None,
    }


def serialize_application(row: Application, volunteer_name: str = "") -> dict[str, Any]:
    return {
        "id": row.id,
        "opportunity_id": row.opportunity_id,
        "role_id": row.role_id,
        "volunteer_id": row.volunteer_id,
        "volunteer_name": volunteer_name,
        "message": row.message,
        "status": row.status,
        "declined_unanswered": row.declined_unanswered,
        "created_at": row.created_at,
        "decided_at": row.decided_at,
    }


def serialize_signup(row: Signup, shift: Shift) -> dict[str, Any]:
    return {
        "id": row.id,
        "shift_id": row.shift_id,
        "volunteer_id": row.volunteer_id,
        "status": row.status,
        "checked_in_at": row.checked_in_at,
        "checked_out_at": row.checked_out_at,
        "no_show": row.no_show,
        "places_left": shift.capacity - shift.taken,
    }


def serialize_hours(row: Hours) -> dict[str, Any]:
    return {
        "id": row.id,
        "volunteer_id": row.volunteer_id,
        "association_id": row.association_id,
        "opportunity_id": row.opportunity_id,
        "manual": row.signup_id is None,
        "minutes": row.minutes,
        "worked_on": row.worked_on,
        "status": row.status,
    }


def serialize_certificate(row: Certificate, pdf_url: str, verify_url: str) -> dict[str, Any]:
    return {
        "id": row.id,
        "code": row.code,
        "holder_name": row.holder_name,
        "association_name": row.association_name,
        "hours": round(row.minutes / 60, 2),
        "period_start": row.period_start,
        "period_end": row.period_end,
        "pdf_url": pdf_url,
        "verify_url": verify_url,
    }


def serialize_verification(row: Certificate) -> dict[str, Any]:
    """The public verification: name, association, hours, period. Nothing else."""
    return {
        "name": row.holder_name,
        "association": row.association_name,
        "hours": round(row.minutes / 60, 2),
        "period_start": row.period_start,
        "period_end": row.period_end,
    }


def serialize_contract(row: Contract, text_ar: str, text_fr: str, pdf_url: str) -> dict[str, Any]:
    return {
        "id": row.id,
        "opportunity_id": row.opportunity_id,
        "association_id": row.association_id,
        "volunteer_id": row.volunteer_id,
        "tasks": row.tasks,
        "period_start": row.period_start,
        "period_end": row.period_end,
        "expenses": row.expenses,
        "insurance_reference": row.insurance_reference,
        "status": row.status,
        "volunteer_signed_at": row.volunteer_signed_at,
        "coordinator_signed_at": row.coordinator_signed_at,
        "text_ar": text_ar,
        "text_fr": text_fr,
        "text_sha256": row.text_sha256,
        "pdf_url": pdf_url,
        "ended_at": row.ended_at,
        "ended_side": row.ended_side,
        "end_reason": row.end_reason,
    }
