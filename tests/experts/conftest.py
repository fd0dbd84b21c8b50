"""Experts test helpers: reference data, an association with its roles, experts made through
the API, requests asked through the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.accounts.models import User
from app.db import db
from directory import Region, load_reference_data
from tests.support import world as make


@pytest.fixture
def ref(app: Flask) -> None:
    load_reference_data()


def region_id(code: str) -> int:
    found = db.session.scalar(select(Region.id).where(Region.code == code))
    assert found is not None
    return found


def profile_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "headline": "Avocate, droit des associations",
        "bio": "Statuts, déclarations, contrats de bénévolat.",
        "domains": ["legal"],
        "languages": ["fr", "ar"],
        "modes": ["question", "session"],
        "region_ids": [region_id("souss-massa")],
        "remote": True,
        "monthly_capacity": 2,
        "no_fee": True,
        "conflicts": "",
    }
    body.update(changes)
    return body


@pytest.fixture
def people(app: Flask, ref: None) -> dict[str, Any]:
    """An association (``assoc``) with a coordinator, an administrator and a member; a
    stranger; a platform administrator."""
    found = make.people("coordinator", "assoc_admin", "member", "stranger")
    found["admin"] = make.person("Platform admin", is_admin=True)
    association = make.association(
        "Association Amal Taroudant",
        admin=found["assoc_admin"],
        coordinator=found["coordinator"],
        member=found["member"],
    )
    db.session.commit()
    found["assoc"] = association.id
    return found


@pytest.fixture
def expert(api: Callable[..., Any], ref: None) -> Callable[..., tuple[User, dict[str, Any]]]:
    """A new person who becomes an expert through the API; returns them and their profile."""

    def become(name: str = "Expert", **changes: Any) -> tuple[User, dict[str, Any]]:
        person = make.person(name)
        db.session.commit()
        response = api(person).post("/api/v1/experts", json=profile_body(**changes))
        assert response.status_code == 201, response.get_json()
        return person, response.get_json()

    return become


def ask_body(association_id: int, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "association_id": association_id,
        "domain": "legal",
        "mode": "question",
        "language": "fr",
        "region_id": region_id("souss-massa"),
        "remote_ok": True,
        "title": "Renouvellement du bureau",
        "question": "Quels documents déposer après l'élection du nouveau bureau ?",
    }
    body.update(changes)
    return body


@pytest.fixture
def ask(api: Callable[..., Any], people: dict[str, Any]) -> Callable[..., dict[str, Any]]:
    """The coordinator asks through the API (asserts 201)."""

    def post(**changes: Any) -> dict[str, Any]:
        who = changes.pop("who", people["coordinator"])
        response = api(who).post("/api/v1/consultations", json=ask_body(people["assoc"], **changes))
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return post
