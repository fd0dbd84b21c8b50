"""Campaign test helpers: an approved association A (two administrators, who are its
treasurers, and a coordinator), an association B, donors and an outsider; a campaign drafted
through the API and taken live with its public-appeal authorisation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from app.accounts.models import User
from app.db import db
from directory import load_reference_data
from tests.support import world as make


@dataclass
class CampWorld:
    a: int
    b: int
    treasurer: User
    treasurer2: User
    coordinator: User
    member: User
    donor: User
    donor2: User
    outsider: User
    other_admin: User


@pytest.fixture
def camp(app: Flask) -> CampWorld:
    load_reference_data()
    people = make.people(
        "treasurer",
        "treasurer2",
        "coordinator",
        "member",
        "donor",
        "donor2",
        "outsider",
        "other_admin",
    )
    a = make.association(
        "Association Tifawin Taroudant",
        admin=[people["treasurer"], people["treasurer2"]],
        coordinator=people["coordinator"],
        member=people["member"],
    )
    b = make.association("جمعية الأمل", admin=people["other_admin"])
    db.session.commit()
    return CampWorld(a=a.id, b=b.id, **people)


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def campaign_body(association: int, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "association_id": association,
        "title": "قفة رمضان / Paniers de Ramadan",
        "story_ar": "قفف رمضان لأسر دواوير تارودانت",
        "story_fr": "Des paniers de Ramadan pour les familles des douars de Taroudant",
        "target_group": "Familles vulnérables des douars de Taroudant",
        "min_goal": 20_000_00,
        "optimum_goal": 45_000_00,
        "starts_on": (today() - dt.timedelta(days=1)).isoformat(),
        "ends_on": (today() + dt.timedelta(days=30)).isoformat(),
        "model": "keep",
        "bank_reference": "CIH 230 810 0001234567890123 45",
        "zakat_declared": True,
        "budget_lines": [
            {"label": "Paniers alimentaires", "amount": 40_000_00},
            {"label": "Transport", "amount": 5_000_00},
        ],
    }
    body.update(changes)
    return body


def authorise(
    api: Callable[..., Any], who: User, association: int, kind: str = "public_appeal"
) -> None:
    response = api(who).post(
        f"/api/v1/associations/{association}/authorizations",
        json={
            "kind": kind,
            "authority": "Secrétariat général du gouvernement",
            "reference": "AP-2026-014",
            "valid_from": (today() - dt.timedelta(days=10)).isoformat(),
            "valid_to": (today() + dt.timedelta(days=300)).isoformat(),
        },
    )
    assert response.status_code == 201, response.get_json()


@pytest.fixture
def draft(api: Callable[..., Any], camp: CampWorld) -> Callable[..., dict[str, Any]]:
    def make_one(who: User | None = None, **changes: Any) -> dict[str, Any]:
        response = api(who or camp.coordinator).post(
            "/api/v1/campaigns", json=campaign_body(camp.a, **changes)
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return make_one


@pytest.fixture
def live(
    api: Callable[..., Any], camp: CampWorld, draft: Callable[..., dict[str, Any]]
) -> Callable[..., dict[str, Any]]:
    state = {"authorised": False}

    def make_one(**changes: Any) -> dict[str, Any]:
        if not state["authorised"]:
            authorise(api, camp.treasurer, camp.a)
            state["authorised"] = True
        row = draft(**changes)
        response = api(camp.coordinator).post(f"/api/v1/campaigns/{row['id']}/live")
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    return make_one


@pytest.fixture
def give(api: Callable[..., Any], camp: CampWorld) -> Callable[..., dict[str, Any]]:
    def pledge(campaign: int, who: User | None = None, **body: Any) -> dict[str, Any]:
        body.setdefault("amount", 500_00)
        response = api(who or camp.donor).post(
            f"/api/v1/campaigns/{campaign}/contributions", json=body
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return pledge


def confirm_cash(api: Callable[..., Any], camp: CampWorld, contribution: int) -> dict[str, Any]:
    first = api(camp.treasurer).post(f"/api/v1/contributions/{contribution}/confirm")
    assert first.status_code == 200, first.get_json()
    second = api(camp.treasurer2).post(f"/api/v1/contributions/{contribution}/confirm")
    assert second.status_code == 200, second.get_json()
    return second.get_json()


def consented_photo(api: Callable[..., Any], camp: CampWorld, title: str = "Distribution") -> int:
    """A photo of association A whose consent record allows the public; its id."""
    import io

    from library.demo import tiny_png

    made = api(camp.treasurer).post(
        f"/api/v1/associations/{camp.a}/documents",
        data={
            "kind": "photo",
            "title": title,
            "visibility": "members",
            "file": (io.BytesIO(tiny_png()), "photo.png"),
        },
        content_type="multipart/form-data",
    )
    assert made.status_code == 201, made.get_json()
    consent = api(camp.treasurer).post(
        f"/api/v1/documents/{made.get_json()['id']}/consents",
        json={"subject_label": "Famille consentante", "scope": "public"},
    )
    assert consent.status_code == 201, consent.get_json()
    return int(made.get_json()["id"])
