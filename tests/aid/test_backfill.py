"""``jam3ia aid backfill-match-keys``: households registered before the match keys existed
(migration 0030) get the same keys a registration gives, in batches, each read logged; a
second run does nothing; and the duplicate check then finds a spelling variant."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from aid.models import DuplicateCase, MatchKey
from app.db import db
from app.privacy import PersonalDataAccess


def _keys(household_id):
    return sorted(
        db.session.execute(
            select(MatchKey.kind, MatchKey.token).where(MatchKey.household_id == household_id)
        ).all()
    )


def test_backfill_gives_old_households_their_keys(app, api, aid, register):
    old = [
        register(head_name="عبد القادر الإدريسي", phone="0661234567", birth_year=1970),
        register(head_name="Naima Chraibi", phone="0662000000", birth_year=1980),
    ]
    recent = register(head_name="Omar Tazi", phone="0663000000", birth_year=1990)
    before = {h["id"]: _keys(h["id"]) for h in old}
    assert all(before.values())
    recent_keys = _keys(recent["id"])
    db.session.execute(delete(MatchKey).where(MatchKey.household_id.in_([h["id"] for h in old])))
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["aid", "backfill-match-keys", "--batch", "1"])
    assert result.exit_code == 0, result.output
    assert "2 households" in result.output
    db.session.expire_all()
    assert {h["id"]: _keys(h["id"]) for h in old} == before
    assert _keys(recent["id"]) == recent_keys  # untouched
    purposes = db.session.scalars(
        select(PersonalDataAccess.purpose).where(PersonalDataAccess.face == "cli")
    ).all()
    assert len(purposes) == 2 and all("backfill" in p for p in purposes)
    again = runner.invoke(args=["aid", "backfill-match-keys"])
    assert again.exit_code == 0 and "0 households" in again.output
    assert db.session.scalar(select(func.count(PersonalDataAccess.id))) == 2
    # the backfilled keys work: the Latin spelling of the old Arabic name opens a case
    twin = register(head_name="Abdelkader Idrissi", phone="0661234568", birth_year=1970)
    cases = db.session.scalars(
        select(DuplicateCase.other_id).where(DuplicateCase.household_id == twin["id"])
    ).all()
    assert old[0]["id"] in cases
