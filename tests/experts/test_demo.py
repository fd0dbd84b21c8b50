"""The experts' demo: weekly availability, a booked session and a held one (then rated by
nobody yet: the association can), through ``jam3ia seed-demo``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.db import db
from experts.models import Consultation, ExpertProfile, ExpertSession, Publication
from library.knowledge.models import KnowledgePage


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
    # one answer is in the library (public, the domain, no association), one awaits the expert
    by_pub = {p.status: p for p in db.session.scalars(select(Publication))}
    assert set(by_pub) == {"published", "pending"}
    assert not by_pub["pending"].both_consented()
    page = db.session.get(KnowledgePage, by_pub["published"].page_id)
    assert page is not None and page.visibility == "public" and page.association_id is None
    assert page.expert_domain == "fundraising" and "budget" in page.body
    shown = app.test_client().get(f"/library/pages/{page.id}", headers={"Accept-Language": "fr"})
    assert shown.status_code == 200 and "expert du réseau" in shown.get_data(as_text=True)
    # the knowledge pages' own demo still loaded beside it
    assert db.session.scalar(select(KnowledgePage.id).where(KnowledgePage.template)) is not None
