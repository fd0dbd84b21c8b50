"""PATCH /api/v1/households/{id}: coordinators correct a household; personal fields stay
encrypted, tokens follow, who changed which fields is kept (names only)."""

from __future__ import annotations

from sqlalchemy import select, text

from aid.models import HouseholdChange
from app.db import db
from app.privacy import PersonalDataAccess


def test_a_coordinator_corrects_a_household_and_the_change_is_kept(api, aid, register):
    row = register()
    for who in (aid.member, aid.other_coordinator, aid.outsider):
        assert (
            api(who).patch(f"/api/v1/households/{row['id']}", json={"size": 6}).status_code == 404
        )
    assert api(None).patch(f"/api/v1/households/{row['id']}", json={"size": 6}).status_code == 401
    bad = api(aid.coordinator).patch(f"/api/v1/households/{row['id']}", json={"phone": "abc"})
    assert bad.status_code == 422
    too_small = api(aid.coordinator).patch(f"/api/v1/households/{row['id']}", json={"size": 2})
    assert too_small.status_code == 422  # the age bands add up to 5
    assert db.session.scalar(select(HouseholdChange.id)) is None
    done = api(aid.coordinator).patch(
        f"/api/v1/households/{row['id']}",
        json={"phone": "0677001122", "address": "Douar Tazmourt", "size": 6, "douar": "Tazmourt"},
    )
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert body["size"] == 6 and body["douar"] == "Tazmourt" and "personal" not in body
    change = db.session.scalars(select(HouseholdChange)).one()
    assert (change.actor_id, change.fields) == (
        aid.coordinator.id,
        ["address", "douar", "phone", "size"],
    )
    stored = db.session.execute(
        text("SELECT phone, address FROM aid_households WHERE id = :id"), {"id": row["id"]}
    ).one()
    assert "0677001122" not in str(stored) and "Tazmourt" not in str(stored)
    read = (
        api(aid.coordinator)
        .get(f"/api/v1/households/{row['id']}?include=personal&purpose=verifier")
        .get_json()["personal"]
    )
    assert read["phone"] == "0677001122" and read["address"] == "Douar Tazmourt"


def test_a_new_phone_that_matches_another_household_opens_a_case(api, aid, register):
    first = register(phone="0611000001", head_name="Itto Ait Ali")
    second = register(phone="0611000002", head_name="Fadma Oubaha", birth_year=1980)
    assert second["duplicate_cases"] == []
    done = api(aid.coordinator).patch(
        f"/api/v1/households/{second['id']}", json={"phone": "0611000001", "birth_year": 1981}
    )
    assert done.status_code == 200
    assert len(done.get_json()["duplicate_cases"]) == 1
    # the birth year changed without the name: the name was read (logged) to recompute tokens
    log = db.session.scalars(select(PersonalDataAccess)).one()
    assert log.purpose == "correction of the household"
    assert first["id"] != second["id"]


def test_a_corrected_name_is_matched_by_its_other_readings(api, aid, register):
    """A correction renews every key of the duplicate check, not only the main token: once
    the name is corrected to "Abdelkader Ettazi", a registration written "عبد القادر التازي"
    (same birth year and commune, no phone) is a possible duplicate of it."""
    first = register(head_name="Itto Ait Ali", phone="0611000001")
    done = api(aid.coordinator).patch(
        f"/api/v1/households/{first['id']}", json={"head_name": "Abdelkader Ettazi"}
    )
    assert done.status_code == 200, done.get_json()
    second = register(head_name="عبد القادر التازي", phone=None)
    assert len(second["duplicate_cases"]) == 1, second["duplicate_cases"]
    assert str(first["id"]) in str(second["duplicate_cases"])
