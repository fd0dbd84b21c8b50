"""Associations, members and reference data as JSON-ready dicts (API and pages); what they
need is read by ``directory.queries`` and handed in."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import url_for
from flask_babel import get_locale

from app.markdown import render_markdown
from directory.models import Association, Field, Membership, Region


def current_lang() -> str:
    locale = str(get_locale() or "en")[:2]
    return locale if locale in ("ar", "fr", "en") else "en"


def field_dict(f: Field, lang: str) -> dict[str, Any]:
    return {
        "id": f.id,
        "code": f.code,
        "label": f.label(lang),
        "name_ar": f.name_ar,
        "name_fr": f.name_fr,
        "name_en": f.name_en,
        "icon": f.icon,
    }


def logo_url(assoc: Association) -> str | None:
    if not assoc.logo:
        return None
    return url_for("directory.logo", association_id=assoc.id, name=assoc.logo)


def association_dict(
    assoc: Association,
    *,
    mine: Membership | None,
    distance: float | None = None,
    lang: str | None = None,
) -> dict[str, Any]:
    """The API shape of an association; ``mine`` is the viewer's membership row in it (read by
    ``queries.viewer_membership``, or ``queries.memberships_of`` for a list)."""
    lang = lang or current_lang()
    city = assoc.city
    return {
        "id": assoc.id,
        "name": assoc.name,
        "name_alt": assoc.name_alt,
        "slug": assoc.slug,
        "description": assoc.description,
        "description_html": str(render_markdown(assoc.description)),
        "status": assoc.status,
        "fields": [field_dict(f, lang) for f in assoc.fields],
        "region": {"code": assoc.region.code, "label": assoc.region.label(lang)}
        if assoc.region
        else None,
        "province": {"code": assoc.province.code, "label": assoc.province.label(lang)}
        if assoc.province
        else None,
        "city": {"code": city.code, "label": city.label(lang), "lat": city.lat, "lng": city.lng}
        if city
        else None,
        "address": assoc.address,
        "member_count": assoc.member_count,
        "size": assoc.size,
        "founded_year": assoc.founded_year,
        "email": assoc.email,
        "phone": assoc.phone,
        "website": assoc.website,
        "logo_url": logo_url(assoc),
        "members_visibility": assoc.members_visibility,
        "version": assoc.version,
        "created_at": assoc.created_at,
        "distance_km": distance,
        "my_role": mine.role if mine is not None and mine.status == "approved" else None,
        "my_status": mine.status if mine is not None else None,
    }


def member_dict(m: Membership, *, with_message: bool = False) -> dict[str, Any]:
    """A membership; the join request's message only ``with_message`` (the association's
    admins, the platform admins, the requester): it may carry a phone number or a story."""
    data: dict[str, Any] = {
        "user_id": m.user_id,
        "username": m.user.username,
        "display_name": m.user.display_name,
        "role": m.role,
        "status": m.status,
        "created_at": m.created_at,
    }
    if with_message:
        data["message"] = m.message
    return data


def regions_tree(regions: Sequence[Region], lang: str) -> list[dict[str, Any]]:
    """Regions, their provinces and cities (``queries.regions``) with labels in ``lang``."""
    return [
        {
            "code": r.code,
            "label": r.label(lang),
            "name_ar": r.name_ar,
            "name_fr": r.name_fr,
            "name_en": r.name_en,
            "provinces": [
                {
                    "code": p.code,
                    "kind": p.kind,
                    "label": p.label(lang),
                    "name_ar": p.name_ar,
                    "name_fr": p.name_fr,
                    "name_en": p.name_en,
                    "cities": [
                        {
                            "code": c.code,
                            "label": c.label(lang),
                            "name_ar": c.name_ar,
                            "name_fr": c.name_fr,
                            "name_en": c.name_en,
                            "lat": c.lat,
                            "lng": c.lng,
                        }
                        for c in p.cities
                    ],
                }
                for p in r.provinces
            ],
        }
        for r in regions
    ]
