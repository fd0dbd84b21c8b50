"""Aid test helpers: two associations (A and B) with their coordinators, a member of A, an
outsider, and households registered through the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.accounts.models import User
from app.db import db
from directory import Province, load_reference_data
from tests.support import world as make


@dataclass
class AidWorld:
    a: int
    b: int
    province: int
    coordinator: User
    admin: User
    member: User
    other_coordinator: User
    outsider: User


@pytest.fixture
def aid(app: Flask) -> AidWorld:
    load_reference_data()
    people = make.people("coordinator", "admin", "member", "other_coordinator", "outsider")
    a = make.association(
        "Association Al Amal",
        coordinator=people["coordinator"],
        admin=people["admin"],
        member=people["member"],
    )
    b = make.association("جمعية النور", coordinator=people["other_coordinator"])
    province = db.session.scalar(select(Province.id).order_by(Province.id).limit(1))
    db.session.commit()
    return AidWorld(a=a.id, b=b.id, province=province, **people)


def household_body(province: int, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "head_name": "Fatima Zahra Bennani",
        "phone": "06 12 34 56 78",
        "address": "Derb Sidi Bouloukat 12, Taroudant",
        "birth_year": 1975,
        "province_id": province,
        "commune": "Taroudant",
        "douar": "Ait Iazza",
        "size": 5,
        "composition": {"under_5": 1, "age_5_17": 2, "age_18_59": 2},
        "vulnerabilities": ["widow_head"],
        "registry_status": "registered",
        "consent": {"mode": "paper", "purposes": ["aid_delivery", "contact"], "language": "ar"},
        "needs": [{"code": "food_basket"}, {"code": "clothing", "size": "child_5_8"}],
    }
    body.update(changes)
    return body


@pytest.fixture
def register(api: Callable[..., Any], aid: AidWorld) -> Callable[..., dict[str, Any]]:
    """Register a household in A (as its coordinator unless ``who``); asserts 201."""

    def post(who: User | None = None, association: int | None = None, **changes: Any) -> Any:
        response = api(who or aid.coordinator).post(
            f"/api/v1/associations/{association or aid.a}/households",
            json=household_body(aid.province, **changes),
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return post


@pytest.fixture
def verified(
    api: Callable[..., Any], aid: AidWorld, register: Callable[..., dict[str, Any]]
) -> Callable[..., dict[str, Any]]:
    def make_one(**changes: Any) -> dict[str, Any]:
        row = register(**changes)
        done = api(aid.admin).post(
            f"/api/v1/households/{row['id']}/verify", json={"method": "home_visit"}
        )
        assert done.status_code == 200, done.get_json()
        return row

    return make_one


def authorise(api: Callable[..., Any], who: User, association: int, kind: str) -> None:
    today = dt.datetime.now(dt.UTC).date()
    response = api(who).post(
        f"/api/v1/associations/{association}/authorizations",
        json={
            "kind": kind,
            "authority": "CNDP" if kind == "data_protection" else "Pachalik de Taroudant",
            "reference": "A-2026-001",
            "valid_from": (today - dt.timedelta(days=10)).isoformat(),
            "valid_to": (today + dt.timedelta(days=300)).isoformat(),
        },
    )
    assert response.status_code == 201, response.get_json()
