"""The experts' demo: weekly availability, a booked session and a held one (then rated by
nobody yet: the association can), through ``jam3ia seed-demo``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.db import db
from experts.models import Consultation, ExpertProfile, ExpertSession


def test_the_demo_has_a_booked_and_a_held_session(app: Any) -> None:
    result = app.test_cli_runner().invoke(args=["seed-demo", "--once"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert all(p.weekly_slots for p in db.session.scalars(select(ExpertProfile)))
    by_status = {s.status: s for s in db.session.scalars(select(ExpertSession))}
    assert set(by_status) == {"booked", "held"}
    held = db.session.get(Consultation, by_status["held"].consultation_id)
    assert held is not None and held.status == "closed" and held.answer
    booked = db.session.get(Consultation, by_status["booked"].consultation_id)
    assert booked is not None and booked.status == "accepted" and booked.mode == "session"
