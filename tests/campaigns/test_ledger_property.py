"""Property: over 1,000 random sequences of pledges, confirmations, refunds and expenses, the
ledger equals the sum of what happened, to the centime, and the report equals the ledger."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.db import db, utcnow
from campaigns import services
from campaigns.ledger import ledger
from campaigns.models import BudgetLine, Campaign
from campaigns.report import build_report

AMOUNTS = st.integers(min_value=1, max_value=10_000_000)
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("pledge"), AMOUNTS, st.sampled_from(["cash", "transfer"])),
        st.tuples(st.just("confirm"), st.integers(min_value=0, max_value=30)),
        st.tuples(st.just("refund"), st.integers(min_value=0, max_value=30)),
        st.tuples(st.just("expense"), AMOUNTS, st.integers(min_value=0, max_value=1)),
    ),
    max_size=14,
)


@settings(
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_the_ledger_is_the_sum_and_the_report_is_the_ledger(camp, steps):
    today = utcnow().date()
    row = Campaign(
        association_id=camp.a,
        title="Paniers",
        story_fr="x",
        target_group="x",
        min_goal=1,
        optimum_goal=1,
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=1),
        model="keep",
        bank_reference="CIH",
        status="live",
        live_at=utcnow(),
        in_kind=[],
        needs_snapshot=[],
    )
    db.session.add(row)
    db.session.flush()
    lines = [BudgetLine(campaign_id=row.id, label=f"L{i}", amount=1_000) for i in range(2)]
    db.session.add_all(lines)
    db.session.flush()
    gifts = []
    confirmed = refunded = 0
    spent = [0, 0]
    for step in steps:
        if step[0] == "pledge":
            gifts.append(services.pledge(camp.donor, row, {"amount": step[1], "method": step[2]}))
        elif step[0] == "confirm" and gifts:
            gift = gifts[step[1] % len(gifts)]
            if gift.status == "pledged" and gift.method == "cash":
                services.confirm(camp.treasurer, gift)
                services.confirm(camp.treasurer2, gift)
                confirmed += gift.amount
        elif step[0] == "refund" and gifts:
            gift = gifts[step[1] % len(gifts)]
            if gift.status == "confirmed":
                services.refund(camp.treasurer, gift)
                refunded += gift.amount
        elif step[0] == "expense":
            receipt = ("r.pdf", "application/pdf", b"%PDF")
            made = services.submit_expense(
                camp.coordinator,
                row,
                {"amount": step[1], "budget_line_id": lines[step[2]].id, "supplier": "Souk"},
                receipt,
            )
            services.approve_expense(camp.treasurer, made)
            services.pay_expense(camp.treasurer2, made)
            spent[step[2]] += step[1]
    figures = ledger(row.id)
    assert figures.confirmed == confirmed
    assert figures.refunded == refunded
    assert figures.raised == confirmed - refunded
    assert figures.pledged == sum(g.amount for g in gifts if g.status == "pledged")
    assert [x.spent for x in figures.lines] == spent
    assert figures.spent == sum(spent)
    assert build_report(row)["ledger"] == figures.as_dict()
    db.session.rollback()
