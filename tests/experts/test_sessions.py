"""One-hour sessions through the API: weekly availability, booking on a free hour, no double
booking (a race of two bookings on SQLite and, with TEST_DATABASE_URL, PostgreSQL), at most
two moves, cancelling, the expert marking it held (then the rating and the endorsement), and
the secret iCalendar feed."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from app.db import db, utcnow
from experts import sessions
from experts.models import Consultation, ExpertProfile, ExpertSession

CASA = ZoneInfo("Africa/Casablanca")
#: every day of the week, 09:00 to 17:00 Casablanca time
ALL_WEEK = [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(7)]


@pytest.fixture
def taken(api, people, expert, ask) -> dict[str, Any]:
    """A session request the expert took; their weekly availability every day 09-17."""
    person, profile = expert("Session expert", modes=["session"], weekly_slots=ALL_WEEK)
    row = ask(mode="session")
    accepted = api(person).post(f"/api/v1/consultations/{row['id']}/accept")
    assert accepted.status_code == 200, accepted.get_json()
    return {"expert": person, "profile": profile, "id": row["id"]}


def _free(api, who, consultation_id: int) -> list[str]:
    response = api(who).get(f"/api/v1/consultations/{consultation_id}/free-hours")
    assert response.status_code == 200
    return response.get_json()["items"]


def _book(api, who, consultation_id: int, starts_at: str) -> Any:
    return api(who).post(
        f"/api/v1/consultations/{consultation_id}/session", json={"starts_at": starts_at}
    )


def test_weekly_slots_are_validated_and_merged(api, expert):
    person, profile = expert(
        "Slots",
        weekly_slots=[
            {"weekday": 2, "start": "18:00", "end": "20:00"},
            {"weekday": 2, "start": "19:00", "end": "21:00"},
            {"weekday": 0, "start": "09:00", "end": "10:00"},
        ],
    )
    assert profile["weekly_slots"] == [
        {"weekday": 0, "start": "09:00", "end": "10:00"},
        {"weekday": 2, "start": "18:00", "end": "21:00"},
    ]
    for bad in (
        [{"weekday": 7, "start": "09:00", "end": "10:00"}],
        [{"weekday": 1, "start": "09:30", "end": "10:30"}],
        [{"weekday": 1, "start": "11:00", "end": "10:00"}],
        [{"weekday": 1, "start": "nine", "end": "10:00"}],
    ):
        refused = api(person).patch("/api/v1/experts/me", json={"weekly_slots": bad})
        assert refused.status_code == 422, bad
        assert "weekly_slots" in refused.get_json()["error"]["fields"]
    db.session.expire_all()
    assert len(db.session.get(ExpertProfile, profile["id"]).weekly_slots) == 2


def test_free_hours_follow_the_weekly_slots_in_casablanca_time(api, people, expert, ask):
    person, _profile = expert(
        "Tuesday",
        modes=["session"],
        weekly_slots=[{"weekday": 1, "start": "18:00", "end": "20:00"}],
    )
    row = ask(mode="session")
    api(person).post(f"/api/v1/consultations/{row['id']}/accept")
    hours = [dt.datetime.fromisoformat(h).astimezone(CASA) for h in _free(api, person, row["id"])]
    assert hours and {(h.weekday(), h.hour, h.minute) for h in hours} <= {(1, 18, 0), (1, 19, 0)}


def test_the_association_books_a_free_hour_and_nobody_else_may(api, people, taken):
    first = _free(api, people["coordinator"], taken["id"])[0]
    for who in ("member", "stranger"):
        refused = _book(api, people[who], taken["id"], first)
        assert refused.status_code == 404, who
    # the expert does not book for the association
    assert _book(api, taken["expert"], taken["id"], first).status_code == 403
    booked = _book(api, people["coordinator"], taken["id"], first)
    assert booked.status_code == 201, booked.get_json()
    assert booked.get_json()["status"] == "booked"
    assert first not in _free(api, people["coordinator"], taken["id"])
    # one live session per request
    again = _book(
        api, people["assoc_admin"], taken["id"], _free(api, people["coordinator"], taken["id"])[0]
    )
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_booked"


def test_an_hour_outside_the_availability_or_too_soon_is_refused(api, people, taken):
    soon = (utcnow() + dt.timedelta(minutes=30)).replace(minute=0, second=0, microsecond=0)
    night = dt.datetime.combine(
        (utcnow() + dt.timedelta(days=3)).astimezone(CASA).date(), dt.time(23), CASA
    )
    half = dt.datetime.fromisoformat(_free(api, people["coordinator"], taken["id"])[0])
    for bad in (soon, night, half + dt.timedelta(minutes=30), utcnow() + dt.timedelta(days=90)):
        refused = _book(api, people["coordinator"], taken["id"], bad.isoformat())
        assert refused.status_code == 422, bad
        assert "starts_at" in refused.get_json()["error"]["fields"]
    assert db.session.scalar(select(ExpertSession.id)) is None


def test_a_question_request_has_no_session(api, people, expert, ask):
    person, _p = expert("Writer", weekly_slots=ALL_WEEK)
    row = ask(mode="question")
    api(person).post(f"/api/v1/consultations/{row['id']}/accept")
    first = _free(api, people["coordinator"], row["id"])[0]
    refused = _book(api, people["coordinator"], row["id"], first)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "not_session"


def test_no_double_booking_of_the_experts_hour_across_requests(api, people, taken, ask):
    other = ask(mode="session", title="Autre question")
    hour = _free(api, people["coordinator"], taken["id"])[0]
    at = dt.datetime.fromisoformat(hour)
    db.session.add(
        ExpertSession(
            consultation_id=other["id"],
            live_consultation_id=other["id"],
            expert_id=taken["profile"]["id"],
            starts_at=at,
            ends_at=at + dt.timedelta(hours=1),
            slot_start=at,
        )
    )
    db.session.commit()
    refused = api(people["coordinator"]).post(
        f"/api/v1/consultations/{taken['id']}/session",
        json={"starts_at": hour},
        headers={"Accept-Language": "en"},
    )
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "slot_taken"
    assert "booked by someone else" in refused.get_json()["error"]["message"]


def test_two_bookings_racing_for_one_hour_exactly_one_wins(app, api, people, taken, ask, expert):
    # a second request of the same association taken by the same expert
    other = ask(mode="session", title="Deuxième séance")
    db.session.expire_all()
    for row in db.session.scalars(select(Consultation).where(Consultation.id == other["id"])):
        row.status, row.expert_id = "accepted", taken["profile"]["id"]
    db.session.commit()
    hour = _free(api, people["coordinator"], taken["id"])[0]
    barrier = threading.Barrier(2)
    codes: list[int] = []
    clients = {taken["id"]: api(people["coordinator"]), other["id"]: api(people["assoc_admin"])}

    def book(consultation_id: int) -> None:
        barrier.wait()
        codes.append(_book_with(clients[consultation_id], consultation_id, hour))

    threads = [threading.Thread(target=book, args=(i,)) for i in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [201, 409]
    db.session.expire_all()
    live = db.session.scalars(select(ExpertSession).where(ExpertSession.status == "booked")).all()
    assert len(live) == 1 and live[0].starts_at == dt.datetime.fromisoformat(hour)


def _book_with(client: Any, consultation_id: int, hour: str) -> int:
    response = client.post(
        f"/api/v1/consultations/{consultation_id}/session", json={"starts_at": hour}
    )
    return int(response.status_code)


def test_a_session_moves_twice_at_most_then_the_third_is_refused(api, people, taken):
    hours = _free(api, people["coordinator"], taken["id"])
    booked = _book(api, people["coordinator"], taken["id"], hours[0]).get_json()
    path = f"/api/v1/sessions/{booked['id']}/reschedule"
    assert api(people["stranger"]).post(path, json={"starts_at": hours[1]}).status_code == 404
    first = api(people["coordinator"]).post(path, json={"starts_at": hours[1]})
    assert first.status_code == 200 and first.get_json()["reschedules"] == 1
    second = api(taken["expert"]).post(path, json={"starts_at": hours[2]})
    assert second.status_code == 200 and second.get_json()["reschedules"] == 2
    third = api(people["coordinator"]).post(
        path, json={"starts_at": hours[3]}, headers={"Accept-Language": "en"}
    )
    assert third.status_code == 409
    error = third.get_json()["error"]
    assert error["code"] == "too_many_reschedules" and "twice" in error["message"]
    db.session.expire_all()
    row = db.session.get(ExpertSession, booked["id"])
    assert row.reschedules == 2 and row.starts_at == dt.datetime.fromisoformat(hours[2])
    # the hours left are free again, the one it holds is not
    free = _free(api, people["coordinator"], taken["id"])
    assert hours[0] in free and hours[1] in free and hours[2] not in free


def test_cancel_frees_the_hour_and_a_new_session_can_be_booked(api, people, taken):
    hours = _free(api, people["coordinator"], taken["id"])
    booked = _book(api, people["coordinator"], taken["id"], hours[0]).get_json()
    path = f"/api/v1/sessions/{booked['id']}/cancel"
    assert api(people["member"]).post(path).status_code == 404
    cancelled = api(taken["expert"]).post(path)
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert api(taken["expert"]).post(path).status_code == 409
    assert hours[0] in _free(api, people["coordinator"], taken["id"])
    again = _book(api, people["coordinator"], taken["id"], hours[0])
    assert again.status_code == 201
    moved = api(people["coordinator"]).post(
        f"/api/v1/sessions/{booked['id']}/reschedule", json={"starts_at": hours[1]}
    )
    assert moved.status_code == 409 and moved.get_json()["error"]["code"] == "not_booked"


def test_the_expert_marks_it_held_once_started_then_the_association_rates(
    api, people, taken, monkeypatch
):
    hour = _free(api, people["coordinator"], taken["id"])[0]
    booked = _book(api, people["coordinator"], taken["id"], hour).get_json()
    path = f"/api/v1/sessions/{booked['id']}/held"
    early = api(taken["expert"]).post(path, json={"notes": "Statuts revus ensemble."})
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "not_started"
    # the clock jumps to ten minutes into the session
    later = dt.datetime.fromisoformat(hour) + dt.timedelta(minutes=10)
    monkeypatch.setattr(sessions, "utcnow", lambda: later)
    assert api(people["coordinator"]).post(path, json={}).status_code == 403
    held = api(taken["expert"]).post(path, json={"notes": "Statuts revus ensemble."})
    assert held.status_code == 200 and held.get_json()["status"] == "held"
    consultation = api(people["coordinator"]).get(f"/api/v1/consultations/{taken['id']}")
    assert consultation.get_json()["status"] == "closed"
    assert consultation.get_json()["answer"] == "Statuts revus ensemble."
    # a held session is neither moved nor cancelled
    cancel = api(people["coordinator"]).post(f"/api/v1/sessions/{booked['id']}/cancel")
    assert cancel.status_code == 409
    rated = api(people["coordinator"]).post(
        f"/api/v1/consultations/{taken['id']}/rate",
        json={"rating": 5, "feedback": "Très utile", "endorse": True},
    )
    assert rated.status_code == 200 and rated.get_json()["endorsed"] is True
    db.session.expire_all()
    assert db.session.get(ExpertProfile, taken["profile"]["id"]).endorsements == 1


def test_each_side_lists_its_sessions_and_strangers_see_none(api, people, taken):
    hour = _free(api, people["coordinator"], taken["id"])[0]
    booked = _book(api, people["coordinator"], taken["id"], hour).get_json()
    for who in (people["coordinator"], taken["expert"]):
        items = api(who).get("/api/v1/sessions").get_json()["items"]
        assert [s["id"] for s in items] == [booked["id"]]
    assert api(people["stranger"]).get("/api/v1/sessions").get_json()["items"] == []
    assert api(people["stranger"]).get(f"/api/v1/sessions/{booked['id']}").status_code == 404
    assert api(None).get("/api/v1/sessions").status_code == 401


def test_the_secret_calendar_feed_lists_the_sessions_of_each_side(api, people, taken):
    hour = _free(api, people["coordinator"], taken["id"])[0]
    _book(api, people["coordinator"], taken["id"], hour)
    assert api(people["coordinator"]).get("/api/v1/experts/calendar").get_json()["active"] is False
    made = api(people["coordinator"]).post("/api/v1/experts/calendar")
    assert made.status_code == 201
    url = made.get_json()["url"]
    path = url[url.index("/api/v1/") :]
    feed = api(None).get(path)
    assert feed.status_code == 200 and feed.content_type.startswith("text/calendar")
    cal = Calendar.from_ical(feed.data)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1
    assert events[0].decoded("dtstart") == dt.datetime.fromisoformat(hour)
    assert "Renouvellement du bureau" in str(events[0]["summary"])
    # the expert's own feed has it too; a new secret stops the old one; a wrong one is 404
    expert_url = api(taken["expert"]).post("/api/v1/experts/calendar").get_json()["url"]
    assert (
        len(
            Calendar.from_ical(api(None).get(expert_url[expert_url.index("/api/v1/") :]).data).walk(
                "VEVENT"
            )
        )
        == 1
    )
    api(people["coordinator"]).post("/api/v1/experts/calendar")
    assert api(None).get(path).status_code == 404
    assert api(None).get("/api/v1/experts/calendar/wrong.ics").status_code == 404
    api(taken["expert"]).delete("/api/v1/experts/calendar")
    assert api(None).get(expert_url[expert_url.index("/api/v1/") :]).status_code == 404


def test_the_account_export_has_the_profile_requests_and_sessions(api, people, taken):
    import io
    import json
    import zipfile

    hour = _free(api, people["coordinator"], taken["id"])[0]
    _book(api, people["coordinator"], taken["id"], hour)

    def exported(who: Any) -> dict[str, Any]:
        response = api(who).get("/api/v1/me/export")
        assert response.status_code == 200
        archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
        return dict(json.loads(archive.read("data.json"))["experts"])

    mine = exported(taken["expert"])
    assert mine["profile"]["headline"] == "Avocate, droit des associations"
    assert mine["profile"]["weekly_slots"] == ALL_WEEK
    assert [c["id"] for c in mine["consultations_as_expert"]] == [taken["id"]]
    assert mine["requests_asked"] == []
    assert [(s["as"], s["status"]) for s in mine["sessions"]] == [("expert", "booked")]
    asker = exported(people["coordinator"])
    assert asker["profile"] is None
    assert [c["title"] for c in asker["requests_asked"]] == ["Renouvellement du bureau"]
    assert [(s["as"], s["starts_at"]) for s in asker["sessions"]] == [("asker", hour)]
    stranger = exported(people["stranger"])
    assert stranger == {
        "profile": None,
        "requests_asked": [],
        "consultations_as_expert": [],
        "sessions": [],
    }
