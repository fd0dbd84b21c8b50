"""Renewing a household's consent restarts the 24-month erasure clock (clock-jump test)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from aid.models import Household
from app.db import db, utcnow
from app.privacy import run_retention
from tests.conftest import csrf_token

CONSENT = {"mode": "witnessed_verbal", "purposes": ["aid_delivery"], "language": "amazigh"}


def _age(household_id: int, days: int) -> None:
    db.session.execute(
        update(Household)
        .where(Household.id == household_id)
        .values(consent_at=utcnow() - dt.timedelta(days=days))
    )
    db.session.commit()


def _kept(household_id: int) -> bool:
    db.session.expire_all()
    return bool(
        db.session.scalar(
            select(Household.id).where(
                Household.id == household_id, Household.head_name.is_not(None)
            )
        )
    )


def test_renewing_the_consent_restarts_the_erasure_clock(api, aid, register):
    renewed = register()
    other = register(head_name="Autre Famille", phone="0698765432")
    for row in (renewed, other):
        _age(row["id"], 700)
    for who in (aid.member, aid.other_coordinator, aid.outsider):
        denied = api(who).post(f"/api/v1/households/{renewed['id']}/consent", json=CONSENT)
        assert denied.status_code == 404
    bad = api(aid.coordinator).post(
        f"/api/v1/households/{renewed['id']}/consent", json={**CONSENT, "purposes": []}
    )
    assert bad.status_code == 422
    done = api(aid.coordinator).post(f"/api/v1/households/{renewed['id']}/consent", json=CONSENT)
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["consent"]["mode"] == "witnessed_verbal"
    # the clock jumps 40 days: the other household passed 24 months, the renewed one did not
    run_retention(utcnow() + dt.timedelta(days=40))
    db.session.commit()
    assert _kept(renewed["id"]) and not _kept(other["id"])
    erased = api(aid.coordinator).post(f"/api/v1/households/{other['id']}/consent", json=CONSENT)
    assert erased.status_code == 409 and erased.get_json()["error"]["code"] == "erased"
    # and 24 months after the renewal it goes too
    run_retention(utcnow() + dt.timedelta(days=731))
    db.session.commit()
    assert not _kept(renewed["id"])


def test_the_household_page_renews_the_consent(logged_in, aid, register):
    row = register()
    _age(row["id"], 500)
    browser = logged_in(aid.coordinator)
    token = csrf_token(browser, f"/aid/households/{row['id']}")
    done = browser.post(
        f"/aid/households/{row['id']}/consent",
        data={
            "csrf_token": token,
            "consent_mode": "paper",
            "consent_purposes": ["aid_delivery", "contact"],
            "consent_language": "fr",
        },
    )
    assert done.status_code == 302
    db.session.expire_all()
    household = db.session.get(Household, row["id"])
    assert household.consent_language == "fr"
    assert utcnow() - household.consent_at < dt.timedelta(minutes=5)
    member = logged_in(aid.member)
    denied = member.post(
        f"/aid/households/{row['id']}/consent",
        data={
            "csrf_token": csrf_token(member, "/aid/"),
            "consent_mode": "paper",
            "consent_purposes": ["aid_delivery"],
            "consent_language": "fr",
        },
    )
    assert denied.status_code == 404
