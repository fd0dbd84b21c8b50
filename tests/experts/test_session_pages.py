"""The sessions on the pages: weekly availability on the profile form, booking, moving,
cancelling and marking held from a request's page, "My sessions" with its calendar address."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.db import db
from experts import sessions
from experts.models import ExpertProfile, ExpertSession
from tests.conftest import csrf_token
from tests.experts.conftest import region_id
from tests.experts.test_sessions import ALL_WEEK


def test_the_profile_form_sets_the_weekly_availability(logged_in, people):
    browser = logged_in(people["stranger"])
    token = csrf_token(browser, "/experts/me")
    form = {
        "csrf_token": token,
        "headline": "Juriste",
        "domains": ["legal"],
        "languages": ["fr"],
        "modes": ["session"],
        "region_ids": [str(region_id("souss-massa"))],
        "monthly_capacity": "2",
        "no_fee": "y",
        "day1_start": "18:00",
        "day1_end": "20:00",
        "day5_start": "10:00",
        "day5_end": "09:00",
    }
    refused = browser.post("/experts/me", data=form)
    assert refused.status_code == 422
    assert db.session.scalar(select(ExpertProfile.id)) is None
    saved = browser.post("/experts/me", data={**form, "day5_start": "", "day5_end": ""})
    assert saved.status_code == 302
    db.session.expire_all()
    row = db.session.scalar(select(ExpertProfile))
    assert row.weekly_slots == [{"weekday": 1, "start": "18:00", "end": "20:00"}]
    page = browser.get("/experts/me").get_data(as_text=True)
    assert '<option value="18:00" selected>' in page


def test_book_move_cancel_and_hold_from_the_request_page(
    api, logged_in, people, expert, ask, monkeypatch
):
    person, _p = expert("Page expert", modes=["session"], weekly_slots=ALL_WEEK)
    row = ask(mode="session")
    api(person).post(f"/api/v1/consultations/{row['id']}/accept")
    path = f"/experts/requests/{row['id']}"
    coordinator = logged_in(people["coordinator"])
    page = coordinator.get(path).get_data(as_text=True)
    assert 'id="bk-hour"' in page
    hours = (
        api(people["coordinator"])
        .get(f"/api/v1/consultations/{row['id']}/free-hours")
        .get_json()["items"]
    )
    token = csrf_token(coordinator, path)
    bad = coordinator.post(f"{path}/session", data={"csrf_token": token, "starts_at": "soon"})
    assert bad.status_code == 302 and db.session.scalar(select(ExpertSession.id)) is None
    booked = coordinator.post(f"{path}/session", data={"csrf_token": token, "starts_at": hours[0]})
    assert booked.status_code == 302
    session_id = db.session.scalar(select(ExpertSession.id))
    assert session_id is not None
    # a stranger cannot touch it
    stranger = logged_in(people["stranger"])
    other = csrf_token(stranger, "/experts")
    assert (
        stranger.post(
            f"/experts/sessions/{session_id}/cancel", data={"csrf_token": other}
        ).status_code
        == 404
    )
    for hour in hours[1:3]:
        moved = coordinator.post(
            f"/experts/sessions/{session_id}/reschedule",
            data={"csrf_token": token, "starts_at": hour},
        )
        assert moved.status_code == 302
    page = coordinator.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "already moved twice" in page and 'id="mv-hour"' not in page
    third = coordinator.post(
        f"/experts/sessions/{session_id}/reschedule",
        data={"csrf_token": token, "starts_at": hours[3]},
        headers={"Accept-Language": "en"},
        follow_redirects=True,
    )
    assert "moved twice, the most allowed" in third.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ExpertSession, session_id).starts_at == dt.datetime.fromisoformat(
        hours[2]
    )
    # the expert marks it held once it started
    monkeypatch.setattr(
        sessions, "utcnow", lambda: dt.datetime.fromisoformat(hours[2]) + dt.timedelta(minutes=5)
    )
    browser = logged_in(person)
    expert_token = csrf_token(browser, path)
    held = browser.post(
        f"/experts/sessions/{session_id}/held",
        data={"csrf_token": expert_token, "notes": "Nous avons revu les statuts."},
    )
    assert held.status_code == 302
    db.session.expire_all()
    assert db.session.get(ExpertSession, session_id).status == "held"
    page = coordinator.get(path).get_data(as_text=True)
    assert "Nous avons revu les statuts." in page and 'name="rating"' in page


def test_my_sessions_page_and_its_calendar_address(api, logged_in, people, expert, ask):
    person, _p = expert("Cal expert", modes=["session"], weekly_slots=ALL_WEEK)
    row = ask(mode="session", title="Séance budget")
    api(person).post(f"/api/v1/consultations/{row['id']}/accept")
    hour = (
        api(people["coordinator"])
        .get(f"/api/v1/consultations/{row['id']}/free-hours")
        .get_json()["items"][0]
    )
    api(people["coordinator"]).post(
        f"/api/v1/consultations/{row['id']}/session", json={"starts_at": hour}
    )
    browser = logged_in(person)
    page = browser.get("/experts/sessions").get_data(as_text=True)
    assert "Séance budget" in page and 'id="feed-url"' not in page
    token = csrf_token(browser, "/experts/sessions")
    made = browser.post("/experts/sessions", data={"csrf_token": token}).get_data(as_text=True)
    start = made.index('id="feed-url"')
    url = made[start:].split('value="', 1)[1].split('"', 1)[0]
    feed = api(None).get(url[url.index("/api/v1/") :])
    assert feed.status_code == 200 and b"BEGIN:VEVENT" in feed.data
    assert "Séance budget" in feed.data.decode()
    assert logged_in(people["stranger"]).get("/experts/sessions").status_code == 200
