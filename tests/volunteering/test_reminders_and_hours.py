"""Reminders 48 h and 24 h before a shift (once each, whatever the clock does), their one-click
cancel; hours entered by hand, verified by someone other than the volunteer, and only verified
hours in certificates."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from app.db import db
from app.notifications.models import Notification
from tests.conftest import csrf_token, login
from tests.volunteering.conftest import soon
from volunteering import services
from volunteering.models import Hours, Shift, Signup


def _reminders(user_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(Notification.subject)
            .where(Notification.user_id == user_id, Notification.kind == "volunteer_shift_reminder")
            .order_by(Notification.id)
        )
    )


def _signed_up(api, vol, accepted):
    opportunity, _app = accepted(vol.volunteer)
    shift_id = opportunity["shifts"][0]["id"]
    signup = api(vol.volunteer).post(f"/api/v1/shifts/{shift_id}/signups")
    assert signup.status_code == 201
    db.session.commit()
    return opportunity, shift_id, signup.get_json()["id"]


def test_reminders_48_and_24_hours_before_each_sent_once(api, vol, accepted):
    _opportunity, _shift_id, signup_id = _signed_up(api, vol, accepted)
    start = soon(10, 8)
    run = services.remind_shifts
    assert run(start - dt.timedelta(hours=49)) == {"reminded_48": 0, "reminded_24": 0}
    assert run(start - dt.timedelta(hours=47)) == {"reminded_48": 1, "reminded_24": 0}
    assert run(start - dt.timedelta(hours=47)) == {"reminded_48": 0, "reminded_24": 0}  # twice
    assert run(start - dt.timedelta(hours=30)) == {"reminded_48": 0, "reminded_24": 0}
    # the clock jumps back: nothing again
    assert run(start - dt.timedelta(hours=60)) == {"reminded_48": 0, "reminded_24": 0}
    assert run(start - dt.timedelta(hours=23)) == {"reminded_48": 0, "reminded_24": 1}
    assert run(start - dt.timedelta(hours=2)) == {"reminded_48": 0, "reminded_24": 0}
    db.session.commit()
    assert _reminders(vol.volunteer.id) == [
        f"volunteer_shift_reminder:{signup_id}:48",
        f"volunteer_shift_reminder:{signup_id}:24",
    ]
    note = db.session.scalar(
        select(Notification).where(Notification.kind == "volunteer_shift_reminder")
    )
    assert note.url == f"/volunteering/mine#signup-{signup_id}"


def test_a_clock_jumping_past_both_marks_sends_only_the_nearest(api, vol, accepted):
    _opportunity, _shift_id, signup_id = _signed_up(api, vol, accepted)
    start = soon(10, 8)
    assert services.remind_shifts(start - dt.timedelta(hours=3)) == {
        "reminded_48": 0,
        "reminded_24": 1,
    }
    # after the start nothing is sent (the shift has begun)
    assert services.remind_shifts(start + dt.timedelta(minutes=5)) == {
        "reminded_48": 0,
        "reminded_24": 0,
    }
    db.session.commit()
    assert _reminders(vol.volunteer.id) == [f"volunteer_shift_reminder:{signup_id}:24"]
    row = db.session.get(Signup, signup_id)
    assert row.reminded_48_at is not None and row.reminded_24_at is not None


def test_cancelled_or_late_sign_ups_get_no_reminder(api, vol, accepted, monkeypatch):
    _opportunity, shift_id, signup_id = _signed_up(api, vol, accepted)
    assert api(vol.volunteer).delete(f"/api/v1/signups/{signup_id}").status_code == 200
    db.session.commit()
    start = soon(10, 8)
    assert services.remind_shifts(start - dt.timedelta(hours=47)) == {
        "reminded_48": 0,
        "reminded_24": 0,
    }
    # signed up again 30 hours before: no 48-hour reminder, the 24-hour one comes
    monkeypatch.setattr(services, "utcnow", lambda: start - dt.timedelta(hours=30))
    assert api(vol.volunteer).post(f"/api/v1/shifts/{shift_id}/signups").status_code == 201
    db.session.commit()
    assert services.remind_shifts(start - dt.timedelta(hours=29)) == {
        "reminded_48": 0,
        "reminded_24": 0,
    }
    assert services.remind_shifts(start - dt.timedelta(hours=20)) == {
        "reminded_48": 0,
        "reminded_24": 1,
    }


def test_the_reminder_link_cancels_in_one_click_and_frees_the_place(client, api, vol, accepted):
    _opportunity, shift_id, signup_id = _signed_up(api, vol, accepted)
    services.remind_shifts(soon(10, 8) - dt.timedelta(hours=47))
    db.session.commit()
    login(client, vol.volunteer)
    page = client.get("/volunteering/mine")
    html = page.get_data(as_text=True)
    assert f'id="signup-{signup_id}"' in html
    action = f"/volunteering/signups/{signup_id}/cancel"
    assert action in html
    done = client.post(action, data={"csrf_token": csrf_token(client), "next": "mine"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Signup, signup_id).status == "cancelled"
    assert db.session.get(Shift, shift_id).taken == 0


def _hours(api, who, opportunity_id, **body):
    return api(who).post(f"/api/v1/opportunities/{opportunity_id}/hours", json=body)


def _day(opportunity, offset=0):
    return (dt.date.fromisoformat(opportunity["starts_on"]) + dt.timedelta(days=offset)).isoformat()


def test_manual_hours_wait_for_someone_else_to_verify_them(api, vol, accepted, monkeypatch):
    opportunity, _app = accepted(vol.volunteer)
    # the day must have come: move the clock to the opportunity's last day
    last = dt.datetime.fromisoformat(opportunity["ends_on"]).replace(hour=20, tzinfo=dt.UTC)
    monkeypatch.setattr(services, "utcnow", lambda: last)
    entered = _hours(
        api, vol.volunteer, opportunity["id"], minutes=150, worked_on=_day(opportunity)
    )
    assert entered.status_code == 201, entered.get_json()
    body = entered.get_json()
    assert body["status"] == "pending" and body["manual"] is True and body["minutes"] == 150
    # no certificate from pending hours
    none = api(vol.volunteer).post(
        "/api/v1/certificates", json={"association_id": vol.association.id}
    )
    assert none.status_code == 422 and none.get_json()["error"]["code"] == "no_verified_hours"
    assert api(vol.volunteer).post(f"/api/v1/hours/{body['id']}/verify", json={}).status_code == 403
    assert api(vol.outsider).post(f"/api/v1/hours/{body['id']}/verify", json={}).status_code == 404
    verified = api(vol.coordinator).post(f"/api/v1/hours/{body['id']}/verify", json={})
    assert verified.status_code == 200 and verified.get_json()["status"] == "verified"
    cert = api(vol.volunteer).post(
        "/api/v1/certificates", json={"association_id": vol.association.id}
    )
    assert cert.status_code == 201 and cert.get_json()["hours"] == 2.5
    notes = db.session.scalars(
        select(Notification.user_id).where(Notification.kind == "volunteer_hours")
    ).all()
    assert sorted(notes) == sorted([vol.admin.id, vol.coordinator.id])


def test_a_coordinator_enters_hours_for_an_accepted_volunteer_only(api, vol, accepted, monkeypatch):
    opportunity, _app = accepted(vol.volunteer)
    last = dt.datetime.fromisoformat(opportunity["ends_on"]).replace(hour=20, tzinfo=dt.UTC)
    monkeypatch.setattr(services, "utcnow", lambda: last)
    day = _day(opportunity, 1)
    by_coordinator = _hours(
        api,
        vol.coordinator,
        opportunity["id"],
        minutes=60,
        worked_on=day,
        volunteer_id=vol.volunteer.id,
    )
    assert by_coordinator.status_code == 201, by_coordinator.get_json()
    assert by_coordinator.get_json()["volunteer_id"] == vol.volunteer.id
    stranger = _hours(
        api,
        vol.coordinator,
        opportunity["id"],
        minutes=60,
        worked_on=day,
        volunteer_id=vol.outsider.id,
    )
    assert stranger.status_code == 422 and "volunteer_id" in stranger.get_json()["error"]["fields"]
    # a member of the association is not a coordinator: no hours for someone else
    member = _hours(
        api, vol.member, opportunity["id"], minutes=60, worked_on=day, volunteer_id=vol.volunteer.id
    )
    assert member.status_code == 403
    # someone not accepted enters nothing for themselves
    assert (
        _hours(api, vol.outsider, opportunity["id"], minutes=60, worked_on=day).status_code == 403
    )
    assert _hours(api, None, opportunity["id"], minutes=60, worked_on=day).status_code == 401
    count = db.session.scalar(select(func.count(Hours.id)))
    assert count == 1


def test_manual_hours_are_checked(api, vol, accepted, monkeypatch):
    opportunity, _app = accepted(vol.volunteer)
    first = dt.datetime.fromisoformat(opportunity["starts_on"]).replace(hour=20, tzinfo=dt.UTC)
    monkeypatch.setattr(services, "utcnow", lambda: first)
    oid = opportunity["id"]
    cases = [
        ({"minutes": 0, "worked_on": _day(opportunity)}, "minutes"),
        ({"minutes": 25 * 60, "worked_on": _day(opportunity)}, "minutes"),
        ({"minutes": 60, "worked_on": _day(opportunity, 1)}, "worked_on"),  # tomorrow
        ({"minutes": 60, "worked_on": _day(opportunity, -1)}, "worked_on"),  # before the dates
    ]
    for body, field in cases:
        refused = _hours(api, vol.volunteer, oid, **body)
        assert refused.status_code == 422 and field in refused.get_json()["error"]["fields"]
    assert db.session.scalar(select(func.count(Hours.id))) == 0


def test_manual_hours_from_the_opportunity_page(client, api, vol, accepted, monkeypatch):
    opportunity, _app = accepted(vol.volunteer)
    first = dt.datetime.fromisoformat(opportunity["starts_on"]).replace(hour=20, tzinfo=dt.UTC)
    monkeypatch.setattr(services, "utcnow", lambda: first)
    login(client, vol.volunteer)
    page = client.get(f"/volunteering/{opportunity['id']}").get_data(as_text=True)
    assert f"/volunteering/{opportunity['id']}/hours" in page
    done = client.post(
        f"/volunteering/{opportunity['id']}/hours",
        data={"csrf_token": csrf_token(client), "worked_on": _day(opportunity), "hours": "1.5"},
    )
    assert done.status_code == 302
    row = db.session.scalar(select(Hours))
    assert row.minutes == 90 and row.status == "pending" and row.entered_by_id == vol.volunteer.id
