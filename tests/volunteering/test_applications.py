"""Applications and shift sign-ups: apply, accept or decline, the age rules, the quota and the
capacity, one-click cancel, check-in/out, no-shows, and the 7/14-day rule with a jumping clock."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text

from app.db import db, utcnow
from app.notifications.models import Notification
from app.privacy import PersonalDataAccess
from tests.factories import UserFactory
from tests.volunteering.conftest import adult, soon
from volunteering import services
from volunteering.models import Application, Hours, Opportunity, Shift


def _apply(api, who, opportunity_id, **body):
    return api(who).post(f"/api/v1/opportunities/{opportunity_id}/applications", json=body)


def test_apply_then_accept_tells_the_volunteer(api, vol, publish):
    made = publish()
    adult(api, vol.volunteer)
    applied = _apply(api, vol.volunteer, made["id"], role_id=made["roles"][0]["id"])
    assert applied.status_code == 201 and applied.get_json()["status"] == "pending"
    again = _apply(api, vol.volunteer, made["id"])
    assert again.status_code == 409
    accepted = api(vol.coordinator).post(f"/api/v1/applications/{applied.get_json()['id']}/accept")
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "accepted"
    role = api(None).get(f"/api/v1/opportunities/{made['id']}").get_json()["roles"][0]
    assert role["accepted"] == 1
    kinds = set(
        db.session.scalars(
            select(Notification.kind).where(Notification.user_id == vol.volunteer.id)
        )
    )
    assert "volunteer_answer" in kinds
    twice = api(vol.coordinator).post(f"/api/v1/applications/{applied.get_json()['id']}/decline")
    assert twice.status_code == 409


def test_only_the_association_answers_and_strangers_see_nothing(api, vol, publish):
    made = publish()
    adult(api, vol.volunteer)
    app_id = _apply(api, vol.volunteer, made["id"]).get_json()["id"]
    assert api(vol.outsider).post(f"/api/v1/applications/{app_id}/accept").status_code == 404
    assert api(vol.member).post(f"/api/v1/applications/{app_id}/accept").status_code == 404
    own = api(vol.volunteer).post(f"/api/v1/applications/{app_id}/accept")
    assert own.status_code == 403
    assert (
        api(vol.outsider).get(f"/api/v1/opportunities/{made['id']}/applications").status_code == 403
    )
    listed = api(vol.coordinator).get(f"/api/v1/opportunities/{made['id']}/applications")
    assert [a["id"] for a in listed.get_json()["items"]] == [app_id]
    db.session.expire_all()
    assert db.session.get(Application, app_id).status == "pending"


def test_a_volunteer_under_the_minimum_age_cannot_be_confirmed(api, vol, publish):
    made = publish(min_age=16)
    young = UserFactory()
    this_year = dt.datetime.now(dt.UTC).year
    adult(api, young, year=this_year - 15)
    app_id = _apply(api, young, made["id"]).get_json()["id"]
    refused = api(vol.coordinator).post(f"/api/v1/applications/{app_id}/accept")
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "under_age"
    db.session.expire_all()
    assert db.session.get(Application, app_id).status == "pending"


def test_under_18_cannot_be_confirmed_for_contractual_volunteering(api, vol, publish):
    made = publish(contractual=True, min_age=18)
    young = UserFactory()
    adult(api, young, year=dt.datetime.now(dt.UTC).year - 17)
    app_id = _apply(api, young, made["id"]).get_json()["id"]
    refused = api(vol.coordinator).post(
        f"/api/v1/applications/{app_id}/accept", headers={"Accept-Language": "fr"}
    )
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "under_age"
    assert "18" in refused.get_json()["error"]["message"]


def test_an_unknown_age_cannot_be_confirmed(api, vol, publish):
    made = publish()
    stranger = UserFactory()
    app_id = _apply(api, stranger, made["id"]).get_json()["id"]
    refused = api(vol.coordinator).post(f"/api/v1/applications/{app_id}/accept")
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "age_unknown"


def test_a_role_quota_is_never_passed(api, vol, publish):
    made = publish(roles=[{"title": "Peinture", "quota": 1}])
    role_id = made["roles"][0]["id"]
    first, second = UserFactory(), UserFactory()
    ids = []
    for who in (first, second):
        adult(api, who)
        ids.append(_apply(api, who, made["id"], role_id=role_id).get_json()["id"])
    assert api(vol.coordinator).post(f"/api/v1/applications/{ids[0]}/accept").status_code == 200
    full = api(vol.coordinator).post(f"/api/v1/applications/{ids[1]}/accept")
    assert full.status_code == 409 and full.get_json()["error"]["code"] == "full"


def test_sign_up_needs_an_accepted_application_and_never_passes_capacity(api, vol, accepted):
    opportunity, _app = accepted(vol.volunteer)
    shift_id = opportunity["shifts"][0]["id"]
    stranger = UserFactory()
    assert api(stranger).post(f"/api/v1/shifts/{shift_id}/signups").status_code == 403
    signed = api(vol.volunteer).post(f"/api/v1/shifts/{shift_id}/signups")
    assert signed.status_code == 201 and signed.get_json()["places_left"] == 2
    assert api(vol.volunteer).post(f"/api/v1/shifts/{shift_id}/signups").status_code == 409
    others = [UserFactory() for _ in range(3)]
    codes = []
    for who in others:
        adult(api, who)
        app_id = _apply(api, who, opportunity["id"]).get_json()["id"]
        api(vol.coordinator).post(f"/api/v1/applications/{app_id}/accept")
        codes.append(api(who).post(f"/api/v1/shifts/{shift_id}/signups").status_code)
    assert codes == [201, 201, 409]
    db.session.expire_all()
    assert db.session.get(Shift, shift_id).taken == 3


def test_one_click_cancel_frees_the_place(api, vol, accepted):
    opportunity, _app = accepted(
        vol.volunteer,
        shifts=[
            {
                "starts_at": soon(10, 8).isoformat(),
                "ends_at": soon(10, 12).isoformat(),
                "capacity": 1,
            }
        ],
    )
    shift_id = opportunity["shifts"][0]["id"]
    signup = api(vol.volunteer).post(f"/api/v1/shifts/{shift_id}/signups").get_json()
    assert signup["places_left"] == 0
    other = UserFactory()
    adult(api, other)
    app_id = _apply(api, other, opportunity["id"]).get_json()["id"]
    api(vol.coordinator).post(f"/api/v1/applications/{app_id}/accept")
    assert api(other).post(f"/api/v1/shifts/{shift_id}/signups").status_code == 409
    assert api(vol.coordinator).delete(f"/api/v1/signups/{signup['id']}").status_code == 403
    cancelled = api(vol.volunteer).delete(f"/api/v1/signups/{signup['id']}")
    assert cancelled.status_code == 200 and cancelled.get_json()["places_left"] == 1
    assert api(other).post(f"/api/v1/shifts/{shift_id}/signups").status_code == 201
    # and signing up again after cancelling waits for a free place like anyone
    assert api(vol.volunteer).post(f"/api/v1/shifts/{shift_id}/signups").status_code == 409


def test_check_in_out_makes_hours_and_no_show_is_private(api, vol, accepted, monkeypatch):
    opportunity, _app = accepted(vol.volunteer)
    shift_id = opportunity["shifts"][0]["id"]
    signup = api(vol.volunteer).post(f"/api/v1/shifts/{shift_id}/signups").get_json()
    early = api(vol.volunteer).post(f"/api/v1/signups/{signup['id']}/check-in")
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "not_now"
    start = soon(10, 8)
    monkeypatch.setattr(services, "utcnow", lambda: start + dt.timedelta(minutes=5))
    assert api(vol.outsider).post(f"/api/v1/signups/{signup['id']}/check-in").status_code == 404
    checked = api(vol.volunteer).post(f"/api/v1/signups/{signup['id']}/check-in")
    assert checked.status_code == 200 and checked.get_json()["checked_in_at"]
    monkeypatch.setattr(services, "utcnow", lambda: start + dt.timedelta(hours=5, minutes=35))
    out = api(vol.volunteer).post(f"/api/v1/signups/{signup['id']}/check-out")
    assert out.status_code == 200
    db.session.expire_all()
    hours = db.session.scalar(select(Hours).where(Hours.signup_id == signup["id"]))
    assert hours.minutes == 330 and hours.status == "pending"
    # a no-show is the association's, only while the window is open, and not for who came
    assert api(vol.volunteer).post(f"/api/v1/signups/{signup['id']}/no-show").status_code == 403
    assert api(vol.coordinator).post(f"/api/v1/signups/{signup['id']}/no-show").status_code == 409


def test_no_show_until_24_hours_after_the_shift(api, vol, accepted, monkeypatch):
    opportunity, _app = accepted(vol.volunteer)
    shift_id = opportunity["shifts"][0]["id"]
    signup = api(vol.volunteer).post(f"/api/v1/shifts/{shift_id}/signups").get_json()
    end = soon(10, 14)
    monkeypatch.setattr(services, "utcnow", lambda: end + dt.timedelta(hours=25))
    late = api(vol.coordinator).post(f"/api/v1/signups/{signup['id']}/no-show")
    assert late.status_code == 409
    monkeypatch.setattr(services, "utcnow", lambda: end + dt.timedelta(hours=23))
    marked = api(vol.coordinator).post(f"/api/v1/signups/{signup['id']}/no-show")
    assert marked.status_code == 200 and marked.get_json()["no_show"] is True
    # visible to the volunteer and the association only: nobody else reaches the sign-up
    assert api(vol.outsider).post(f"/api/v1/signups/{signup['id']}/check-in").status_code == 404
    public = api(None).get(f"/api/v1/opportunities/{opportunity['id']}").get_data(as_text=True)
    assert "no_show" not in public


def test_unanswered_applications_remind_after_7_days_and_decline_after_14(api, vol, publish):
    made = publish()
    adult(api, vol.volunteer)
    app_id = _apply(api, vol.volunteer, made["id"]).get_json()["id"]
    now = utcnow()
    assert services.remind_and_decline(now + dt.timedelta(days=6)) == {"reminded": 0, "declined": 0}
    assert services.remind_and_decline(now + dt.timedelta(days=7, minutes=1)) == {
        "reminded": 1,
        "declined": 0,
    }
    db.session.commit()
    reminders = db.session.scalars(
        select(Notification.user_id).where(Notification.kind == "volunteer_reminder")
    ).all()
    assert sorted(reminders) == sorted([vol.admin.id, vol.coordinator.id])
    assert services.remind_and_decline(now + dt.timedelta(days=8)) == {"reminded": 0, "declined": 0}
    assert services.remind_and_decline(now + dt.timedelta(days=14, minutes=1)) == {
        "reminded": 0,
        "declined": 1,
    }
    db.session.commit()
    row = db.session.get(Application, app_id)
    assert row.status == "declined" and row.declined_unanswered
    assert db.session.scalar(
        select(Notification.id).where(
            Notification.user_id == vol.volunteer.id, Notification.kind == "volunteer_answer"
        )
    )


def test_opportunities_close_at_their_end_or_after_90_days_without_activity(api, vol, publish):
    short = publish()
    long = publish(ends_on=(dt.datetime.now(dt.UTC).date() + dt.timedelta(days=400)).isoformat())
    now = utcnow()
    assert services.close_stale(now + dt.timedelta(days=11)) == 0
    assert services.close_stale(now + dt.timedelta(days=13)) == 1  # the short one ended
    db.session.commit()
    assert db.session.get(Opportunity, long["id"]).status == "open"
    assert services.close_stale(now + dt.timedelta(days=89)) == 0
    assert services.close_stale(now + dt.timedelta(days=91)) == 1  # 90 days without activity
    db.session.commit()
    assert db.session.get(Opportunity, short["id"]).closed_reason == "ended"
    assert db.session.get(Opportunity, long["id"]).closed_reason == "inactive"


def test_an_application_keeps_an_opportunity_alive(api, vol, publish):
    made = publish(ends_on=(dt.datetime.now(dt.UTC).date() + dt.timedelta(days=400)).isoformat())
    adult(api, vol.volunteer)
    db.session.execute(
        Opportunity.__table__.update().values(last_activity_at=utcnow() - dt.timedelta(days=80))
    )
    db.session.commit()
    _apply(api, vol.volunteer, made["id"])
    assert services.close_stale(utcnow() + dt.timedelta(days=30)) == 0


def test_reading_the_emergency_contact_logs_an_access_row(api, vol, accepted):
    api(vol.volunteer).put("/api/v1/me/volunteer", json={"emergency_contact": "Maman 0600000000"})
    _opportunity, app_id = accepted(vol.volunteer)
    profile = api(vol.volunteer).get("/api/v1/me/volunteer").get_json()
    assert profile["has_emergency_contact"] is True and "emergency_contact" not in profile
    no_purpose = api(vol.coordinator).get(f"/api/v1/applications/{app_id}/emergency-contact")
    assert no_purpose.status_code == 400
    assert (
        api(vol.outsider)
        .get(f"/api/v1/applications/{app_id}/emergency-contact?purpose=x")
        .status_code
        == 404
    )
    before = db.session.scalar(select(func.count(PersonalDataAccess.id)))
    read = api(vol.coordinator).get(
        f"/api/v1/applications/{app_id}/emergency-contact?purpose=accident on the site"
    )
    assert read.status_code == 200 and read.get_json()["emergency_contact"] == "Maman 0600000000"
    db.session.expire_all()
    rows = db.session.scalars(select(PersonalDataAccess).order_by(PersonalDataAccess.id)).all()
    assert len(rows) == before + 1
    assert rows[-1].actor_id == vol.coordinator.id and rows[-1].purpose == "accident on the site"
    assert rows[-1].model == "volunteer_profiles" and rows[-1].fields == ["emergency_contact"]
    # the database holds the contact encrypted only
    stored = db.session.execute(
        text("SELECT emergency_contact FROM volunteer_profiles WHERE user_id = :u"),
        {"u": vol.volunteer.id},
    ).scalar()
    assert stored and "Maman" not in stored and "0600000000" not in stored


@pytest.mark.parametrize("field", ["birth_year"])
def test_an_impossible_birth_year_is_refused(api, vol, field):
    response = api(vol.volunteer).put("/api/v1/me/volunteer", json={field: 2030})
    assert response.status_code == 422 and field in response.get_json()["error"]["fields"]
