"""Rounds: dated parts of a campaign with their own goal; what each raised is computed from
the contributions received that were given during it; the public page shows them. And the
report deadline set per campaign (30 to 180 days) feeding the legal calendar."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from werkzeug.http import parse_date

from app.db import db
from campaigns.models import CampaignRound, Contribution
from tests.campaigns.conftest import confirm_cash, today


def _rounds():
    start = today() - dt.timedelta(days=1)
    return [
        {
            "label": "Ramadan 1",
            "starts_on": start.isoformat(),
            "ends_on": (start + dt.timedelta(days=9)).isoformat(),
            "goal": 10_000_00,
        },
        {
            "label": "Ramadan 2",
            "starts_on": (start + dt.timedelta(days=10)).isoformat(),
            "ends_on": (start + dt.timedelta(days=20)).isoformat(),
            "goal": 15_000_00,
        },
    ]


def test_rounds_raise_their_own_goals(api, camp, draft, live, give):
    overlapping = _rounds()
    overlapping[1]["starts_on"] = overlapping[0]["ends_on"]
    refused = api(camp.coordinator).post(
        "/api/v1/campaigns",
        json={**_body(camp), "rounds": overlapping},
    )
    assert refused.status_code == 422 and "rounds" in refused.get_json()["error"]["fields"]
    outside = _rounds()
    outside[1]["ends_on"] = (today() + dt.timedelta(days=90)).isoformat()
    assert (
        api(camp.coordinator)
        .post("/api/v1/campaigns", json={**_body(camp), "rounds": outside})
        .status_code
        == 422
    )
    assert db.session.scalars(select(CampaignRound)).all() == []
    row = live(rounds=_rounds())
    first = give(row["id"], method="cash", amount=700_00)
    later = give(row["id"], method="cash", amount=300_00)
    give(row["id"], amount=5_000_00)  # pledged, never received: counts nowhere
    for gift in (first, later):
        confirm_cash(api, camp, gift["id"])
    moved = db.session.get(Contribution, later["id"])
    moved.created_at = moved.created_at + dt.timedelta(days=12)  # given during Ramadan 2
    db.session.commit()
    figures = api(None).get(f"/api/v1/campaigns/{row['id']}").get_json()["rounds"]
    assert [(r["label"], r["goal"], r["raised"]) for r in figures] == [
        ("Ramadan 1", 10_000_00, 700_00),
        ("Ramadan 2", 15_000_00, 300_00),
    ]
    page = api(None).get(f"/campaigns/{row['id']}").get_data(as_text=True)
    assert "Ramadan 1" in page and "Ramadan 2" in page
    assert page.count('class="campaign-meter"') == 3  # the campaign's and one per round


def _body(camp):
    from tests.campaigns.conftest import campaign_body

    return campaign_body(camp.a)


def test_the_report_deadline_is_the_campaigns(api, camp, live):
    row = live(report_days=45)
    assert row["report_days"] == 45
    for wrong in (29, 181, "soixante"):
        refused = api(camp.coordinator).post(
            "/api/v1/campaigns", json={**_body(camp), "report_days": wrong}
        )
        assert refused.status_code == 422, wrong
    closed = api(camp.treasurer).post(f"/api/v1/campaigns/{row['id']}/close").get_json()
    assert closed["report_due_on"] == (today() + dt.timedelta(days=45)).isoformat()
    due = api(camp.treasurer).get(f"/api/v1/associations/{camp.a}/obligations").get_json()
    items = due["items"] if isinstance(due, dict) else due
    found = [parse_date(o["due_at"]) for o in items if o["kind"] == "campaign_report"]
    assert [d.date().isoformat() for d in found if d is not None] == [closed["report_due_on"]]


def test_the_report_to_the_authorities_beside_the_public_one(api, logged_in, camp, live, give):
    from campaigns.models import Campaign

    row = live(rounds=_rounds())
    gift = give(row["id"], method="cash", amount=800_00)
    confirm_cash(api, camp, gift["id"])
    line = row["budget_lines"][0]["id"]
    spent = api(camp.coordinator).post(
        f"/api/v1/campaigns/{row['id']}/expenses",
        data={"budget_line_id": str(line), "amount": "15000", "supplier": "Épicerie Atlas"},
        content_type="multipart/form-data",
    )
    expense = spent.get_json()["id"]
    for action in ("approve", "pay"):
        assert api(camp.treasurer).post(f"/api/v1/expenses/{expense}/{action}").status_code == 200
    api(camp.treasurer).post(f"/api/v1/campaigns/{row['id']}/close")
    frozen = db.session.get(Campaign, row["id"]).report
    assert frozen["by_method"] == {"cash": {"count": 1, "amount": 800_00}}
    assert [(e["supplier"], e["amount"]) for e in frozen["expenses"]] == [
        ("Épicerie Atlas", 150_00)
    ]
    assert [r["raised"] for r in frozen["rounds"]] == [800_00, 0]
    public = api(None).get(f"/api/v1/campaigns/{row['id']}/report").get_json()
    assert public["by_method"] == frozen["by_method"] and "expenses" not in public
    path = f"/campaigns/{row['id']}/report-authorities.pdf"
    pdf = logged_in(camp.coordinator).get(path)
    assert pdf.status_code == 200 and pdf.get_data().startswith(b"%PDF")
    assert logged_in(camp.donor).get(path).status_code == 403
    assert "report-authorities.pdf" in logged_in(camp.treasurer).get(
        f"/campaigns/{row['id']}/manage"
    ).get_data(as_text=True)
