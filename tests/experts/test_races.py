"""Capacity under concurrency: two acceptances racing for an expert's last place this month
(real threads; on PostgreSQL with TEST_DATABASE_URL, the conditional UPDATE decides)."""

from __future__ import annotations

import threading

from sqlalchemy import select

from app.db import db
from experts.models import Consultation, ConsultationOffer, ExpertProfile


def test_two_acceptances_racing_for_the_last_place_one_wins(app, api, people, expert, ask):
    person, profile = expert("Last place", monthly_capacity=1)
    ids = [ask(title=f"Question {n}")["id"] for n in range(2)]
    # the second request was offered while the place was still free (both offers open)
    db.session.expire_all()
    for consultation_id in ids:
        if not db.session.scalar(
            select(ConsultationOffer.id).where(ConsultationOffer.consultation_id == consultation_id)
        ):
            db.session.add(
                ConsultationOffer(consultation_id=consultation_id, expert_id=profile["id"])
            )
            db.session.get(Consultation, consultation_id).status = "offered"
    db.session.commit()
    client = api(person)
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def accept(consultation_id: int) -> None:
        barrier.wait()
        codes.append(client.post(f"/api/v1/consultations/{consultation_id}/accept").status_code)

    threads = [threading.Thread(target=accept, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200, 409]
    db.session.expire_all()
    assert db.session.get(ExpertProfile, profile["id"]).load_count == 1
    statuses = sorted(db.session.scalars(select(Consultation.status)))
    assert statuses == ["accepted", "offered"]
    offers = sorted(db.session.scalars(select(ConsultationOffer.status)))
    assert offers == ["accepted", "open"]
