"""Many volunteers signing up at once for few places: exactly as many as there are places get
one (the conditional UPDATE of the shift's counter), the others answer 409 ``full``; the same on
SQLite and PostgreSQL (``TEST_DATABASE_URL``)."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from app.db import db
from tests.factories import UserFactory
from tests.volunteering.conftest import soon
from volunteering.models import Application, Shift, Signup, VolunteerProfile

VOLUNTEERS = 100
PLACES = 10


def test_100_concurrent_sign_ups_for_10_places_confirm_exactly_10(api, vol, publish):
    made = publish(
        shifts=[
            {
                "starts_at": soon(10, 8).isoformat(),
                "ends_at": soon(10, 12).isoformat(),
                "capacity": PLACES,
            }
        ]
    )
    shift_id = made["shifts"][0]["id"]
    people = [UserFactory() for _ in range(VOLUNTEERS)]
    for who in people:
        db.session.add(VolunteerProfile(user_id=who.id, birth_year=1990))
        db.session.add(
            Application(opportunity_id=made["id"], volunteer_id=who.id, status="accepted")
        )
    db.session.commit()
    clients = [api(who) for who in people]
    barrier = threading.Barrier(VOLUNTEERS)
    codes: list[int] = []
    lock = threading.Lock()

    def sign_up(client) -> None:
        barrier.wait()
        response = client.post(f"/api/v1/shifts/{shift_id}/signups")
        with lock:
            codes.append(response.status_code)
            if response.status_code not in (201, 409):
                codes.append(-1)
                print(response.get_data(as_text=True)[:300])

    threads = [threading.Thread(target=sign_up, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes.count(201) == PLACES, sorted(codes)
    assert codes.count(409) == VOLUNTEERS - PLACES
    db.session.expire_all()
    assert db.session.get(Shift, shift_id).taken == PLACES
    confirmed = db.session.scalar(
        select(func.count(Signup.id)).where(
            Signup.shift_id == shift_id, Signup.status == "confirmed"
        )
    )
    assert confirmed == PLACES
