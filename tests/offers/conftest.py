"""Offers test helpers: reference data, people with a standing, offers posted through the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from app.accounts.models import User
from app.db import db
from directory import load_reference_data
from offers import moderation
from tests.factories import UserFactory
from tests.support import world as make


@pytest.fixture
def ref(app: Flask) -> None:
    load_reference_data()


@pytest.fixture
def city(ref: None) -> Callable[[str], int]:
    return make.city_id


@pytest.fixture
def vouched(app: Flask) -> Callable[[], User]:
    """A person whose posts publish at once (vouched by a platform administrator)."""

    def make() -> User:
        person = UserFactory()
        moderation.vouch(UserFactory(is_admin=True), person.id)
        db.session.commit()
        return person

    return make


def offer_body(city_id: int, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "offer",
        "support_type": "tutoring",
        "city_id": city_id,
        "area_hint": "Hay Dakhla",
        "capacity": 2,
        "conditions": {"audience": ["student"], "age_min": 12, "age_max": 18},
        "delivery_mode": "at_provider",
        "free": True,
        "title": "Cours de maths gratuits pour collégiens",
        "body": "Professeur retraité, je donne deux heures de maths le samedi matin, gratuitement.",
    }
    body.update(changes)
    return body


@pytest.fixture
def post_offer(
    api: Callable[..., Any], city: Callable[[str], int]
) -> Callable[..., dict[str, Any]]:
    """Publish an offer through the API as ``who``; returns the JSON (asserts 201)."""

    def post(who: User, **changes: Any) -> dict[str, Any]:
        response = api(who).post("/api/v1/offers", json=offer_body(city(), **changes))
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return post
