"""The reminder mail 24 hours before a one-hour session: to both sides, each in their own
language, once whatever the number of runs, again after the session moved; none for a
session booked inside the 24 hours or cancelled. The clock is jumped through the jobs."""

from __future__ import annotations

import datetime as dt
import email
from email import policy

from app.db import db, transaction, utcnow
from app.jobs import run_due_jobs
from experts import sessions
from tests.experts.test_sessions import ALL_WEEK, _book, _free


def _mails(app) -> list[email.message.EmailMessage]:
    folder = app.config["JAM3IA"].instance_path / "mail"
    found = []
    for path in sorted(folder.glob("*.eml")) if folder.exists() else []:
        found.append(email.message_from_bytes(path.read_bytes(), policy=policy.default))
    return found


def _run(at: dt.datetime) -> None:
    outcomes = run_due_jobs(now=at, only="experts.session_reminders")
    assert [o.ok for o in outcomes] == [True]


def test_both_sides_are_mailed_once_in_their_language(app, api, people, expert, ask):
    person, _profile = expert("Salma Idrissi", modes=["session"], weekly_slots=ALL_WEEK)
    person.locale, person.email = "ar", "salma@example.org"
    coordinator = people["coordinator"]
    coordinator.locale, coordinator.email = "fr", "coord@example.org"
    db.session.commit()
    row = ask(mode="session", title="Statuts et règlement intérieur")
    assert api(person).post(f"/api/v1/consultations/{row['id']}/accept").status_code == 200
    later = [
        h
        for h in _free(api, coordinator, row["id"])
        if dt.datetime.fromisoformat(h) > utcnow() + dt.timedelta(days=2)
    ]
    booked = _book(api, coordinator, row["id"], later[0])
    assert booked.status_code == 201, booked.get_json()
    session_id = booked.get_json()["id"]
    starts = dt.datetime.fromisoformat(booked.get_json()["starts_at"])
    before = len(_mails(app))
    # 25 hours before: nothing yet
    _run(starts - dt.timedelta(hours=25))
    assert len(_mails(app)) == before
    # the clock jumps to 23 hours before: one mail to each side, in their language
    _run(starts - dt.timedelta(hours=23))
    mails = _mails(app)[before:]
    by_address = {m["To"]: m for m in mails}
    assert sorted(by_address) == ["coord@example.org", "salma@example.org"]
    french, arabic = by_address["coord@example.org"], by_address["salma@example.org"]
    assert "demain" in french["Subject"]
    assert "Statuts et règlement intérieur" in french["Subject"]
    assert "تذكير" in arabic["Subject"] and "الخبير" not in arabic["Subject"]
    assert f"/experts/requests/{row['id']}" in french.get_body(("plain",)).get_content()
    # run again (another tick, a second worker): nothing more
    _run(starts - dt.timedelta(hours=22))
    with transaction():
        assert sessions.remind_sessions(starts - dt.timedelta(hours=22))["mails"] == 0
    assert len(_mails(app)) == before + 2
    # moved to another hour: reminded again of the new one
    new_hour = [h for h in later if dt.datetime.fromisoformat(h) > starts + dt.timedelta(days=1)]
    moved = api(person).post(
        f"/api/v1/sessions/{session_id}/reschedule", json={"starts_at": new_hour[0]}
    )
    assert moved.status_code == 200, moved.get_json()
    new_start = dt.datetime.fromisoformat(moved.get_json()["starts_at"])
    _run(new_start - dt.timedelta(hours=23))
    assert len(_mails(app)) == before + 4
    # a cancelled session is not reminded, a past one neither
    cancelled = api(coordinator).post(f"/api/v1/sessions/{session_id}/cancel")
    assert cancelled.status_code == 200
    with transaction():
        assert sessions.remind_sessions(new_start - dt.timedelta(hours=1))["mails"] == 0


def test_a_session_booked_inside_the_24_hours_is_not_reminded(app, api, people, expert, ask):
    person, _profile = expert("Omar Tazi", modes=["session"], weekly_slots=ALL_WEEK)
    row = ask(mode="session")
    assert api(person).post(f"/api/v1/consultations/{row['id']}/accept").status_code == 200
    soonest = _free(api, people["coordinator"], row["id"])[0]
    booked = _book(api, people["coordinator"], row["id"], soonest)
    assert booked.status_code == 201
    starts = dt.datetime.fromisoformat(booked.get_json()["starts_at"])
    assert starts - utcnow() < dt.timedelta(hours=24)
    before = len(_mails(app))
    with transaction():
        assert sessions.remind_sessions(utcnow())["mails"] == 0
    assert len(_mails(app)) == before
