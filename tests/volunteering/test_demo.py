"""The demo's volunteering: the contractual medical day has Salma's contract, signed by her and
waiting for the association (whose library has no contractual-volunteering authorisation)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.db import db
from volunteering import contracts
from volunteering.models import Contract, Opportunity


def test_the_demo_has_a_contract_signed_by_the_volunteer(app: Any) -> None:
    result = app.test_cli_runner().invoke(args=["seed-demo", "--once"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    row = db.session.scalar(select(Contract))
    assert row is not None and row.volunteer_signed_at is not None and row.status == "draft"
    assert contracts.intact(row) and row.text_sha256
    opportunity = db.session.get(Opportunity, row.opportunity_id)
    assert opportunity is not None and opportunity.contractual
