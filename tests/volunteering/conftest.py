"""Volunteering test helpers: an association with its roles, volunteers with profiles, and a
call for volunteers published through the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from app.accounts.models import User
from app.db import db
from directory import Association, load_reference_data
from tests.support import world as make


@dataclass
class Vol:
    association: Association
    admin: User
    coordinator: User
    member: User
    outsider: User
    volunteer: User
    city_id: int


@pytest.fixture
def vol(app: Flask) -> Vol:
    load_reference_data()
    admin, coordinator, member, outsider, volunteer = (
        make.person(n) for n in ("Badr admin", "Karim coord", "Mina member", "Omar out", "Hind vol")
    )
    association = make.association(
        "Qafilati Souss", admin=admin, coordinator=coordinator, member=member
    )
    db.session.commit()
    return Vol(
        association, admin, coordinator, member, outsider, volunteer, make.city_id("taroudant")
    )


def soon(days: int = 10, hour: int = 9) -> dt.datetime:
    today = dt.datetime.now(dt.UTC).date()
    return dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour), tzinfo=dt.UTC)


def opportunity_body(vol: Vol, **changes: Any) -> dict[str, Any]:
    today = dt.datetime.now(dt.UTC).date()
    body: dict[str, Any] = {
        "association_id": vol.association.id,
        "title": "Caravane de rénovation d'une école à Taroudant",
        "description": "Peinture, petites réparations et ateliers pour les enfants du douar. "
        "Transport, repas et hébergement pris en charge par l'association.",
        "skills": ["construction", "animation"],
        "city_id": vol.city_id,
        "starts_on": (today + dt.timedelta(days=10)).isoformat(),
        "ends_on": (today + dt.timedelta(days=12)).isoformat(),
        "min_age": 18,
        "roles": [{"title": "Peinture", "quota": 5}, {"title": "Animation", "quota": 2}],
        "shifts": [
            {
                "starts_at": soon(10, 8).isoformat(),
                "ends_at": soon(10, 14).isoformat(),
                "capacity": 3,
            }
        ],
    }
    body.update(changes)
    return body


@pytest.fixture
def publish(api: Callable[..., Any], vol: Vol) -> Callable[..., dict[str, Any]]:
    """Publish a call as the coordinator (asserts 201); returns the JSON."""

    def post(**changes: Any) -> dict[str, Any]:
        response = api(vol.coordinator).post(
            "/api/v1/opportunities", json=opportunity_body(vol, **changes)
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return post


def adult(api: Callable[..., Any], who: User, year: int = 1995) -> None:
    response = api(who).put(
        "/api/v1/me/volunteer", json={"birth_year": year, "skills": ["construction"]}
    )
    assert response.status_code == 200, response.get_json()


@pytest.fixture
def accepted(
    api: Callable[..., Any], vol: Vol, publish: Callable[..., dict[str, Any]]
) -> Callable[..., tuple[dict[str, Any], int]]:
    """An opportunity and ``who`` accepted to it (adult profile, application, acceptance)."""

    def make_accepted(who: User, **changes: Any) -> tuple[dict[str, Any], int]:
        opportunity = publish(**changes)
        adult(api, who)
        applied = api(who).post(f"/api/v1/opportunities/{opportunity['id']}/applications", json={})
        assert applied.status_code == 201, applied.get_json()
        answer = api(vol.coordinator).post(
            f"/api/v1/applications/{applied.get_json()['id']}/accept"
        )
        assert answer.status_code == 200, answer.get_json()
        return opportunity, applied.get_json()["id"]

    return make_accepted
