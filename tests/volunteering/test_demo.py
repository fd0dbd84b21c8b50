"""The demo's volunteering: the contractual medical day has Salma's contract, signed by her and
waiting for the association (whose library has no contractual-volunteering authorisation); the
caravans: one done (showcase, certificates), one close to ready."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.db import db
from volunteering import caravans, contracts
from volunteering.models import Caravan, Certificate, Contract, Opportunity


def test_the_demo_has_a_contract_signed_by_the_volunteer(app: Any) -> None:
    result = app.test_cli_runner().invoke(args=["seed-demo", "--once"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    row = db.session.scalar(select(Contract))
    assert row is not None and row.volunteer_signed_at is not None and row.status == "draft"
    assert contracts.intact(row) and row.text_sha256
    opportunity = db.session.get(Opportunity, row.opportunity_id)
    assert opportunity is not None and opportunity.contractual
    # the caravans: one done with its showcase and certificates, one close to ready
    done, planned = db.session.scalars(select(Caravan).order_by(Caravan.id)).all()
    assert done.status == "done" and planned.status == "planning"
    figures = caravans.showcase(done)
    assert figures.associations == 3 and figures.components == 3 and figures.volunteers == 17
    assert (
        figures.certificates
        == 17
        == db.session.scalar(
            select(func.count(Certificate.id)).where(Certificate.caravan_id == done.id)
        )
    )
    checks = caravans.readiness(planned)
    assert [c.code for c in checks] == ["quota", "authorization"]
    assert caravans.schedule(planned, "fr")["items"]
