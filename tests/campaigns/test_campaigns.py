"""Drafting and going live (law 18-18's conditions), contributions (bank reference, cash
confirmed by two people, no card gateway yet), amounts in whole centimes, the computed
ledger, receipts numbered per association."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.db import db
from campaigns.models import Contribution
from tests.campaigns.conftest import authorise, campaign_body, confirm_cash, today


def test_going_live_names_every_missing_condition(api, camp, draft):
    row = draft(bank_reference="", target_group="", budget_lines=[])
    refused = api(camp.coordinator).post(f"/api/v1/campaigns/{row['id']}/live")
    assert refused.status_code == 422
    body = refused.get_json()
    assert body["error"]["code"] == "not_ready"
    assert set(body["error"]["fields"]) == {
        "authorization",
        "bank_reference",
        "budget_lines",
        "target_group",
    }
    assert "18-18" in body["error"]["fields"]["authorization"][0]
    assert (
        api(camp.coordinator).get(f"/api/v1/campaigns/{row['id']}").get_json()["status"] == "draft"
    )


def test_going_live_without_an_authorisation_is_refused_then_allowed(api, camp, draft):
    row = draft()
    refused = api(camp.coordinator).post(f"/api/v1/campaigns/{row['id']}/live")
    assert refused.status_code == 422
    assert list(refused.get_json()["error"]["fields"]) == ["authorization"]
    authorise(api, camp.treasurer, camp.a, kind="distribution")  # another kind does not count
    assert api(camp.coordinator).post(f"/api/v1/campaigns/{row['id']}/live").status_code == 422
    authorise(api, camp.treasurer, camp.a)
    done = api(camp.coordinator).post(f"/api/v1/campaigns/{row['id']}/live")
    assert done.status_code == 200 and done.get_json()["status"] == "live"


def test_only_an_approved_host_and_its_team_draft(api, camp):
    from directory import Association

    assert api(camp.member).post("/api/v1/campaigns", json=campaign_body(camp.a)).status_code == 403
    assert (
        api(camp.outsider).post("/api/v1/campaigns", json=campaign_body(camp.a)).status_code == 403
    )
    assert api(None).post("/api/v1/campaigns", json=campaign_body(camp.a)).status_code == 401
    db.session.get(Association, camp.b).status = "pending"
    db.session.commit()
    refused = api(camp.other_admin).post("/api/v1/campaigns", json=campaign_body(camp.b))
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "host_unapproved"


def test_a_draft_is_the_hosts_only(api, camp, draft):
    row = draft()
    assert api(camp.outsider).get(f"/api/v1/campaigns/{row['id']}").status_code == 404
    assert api(None).get(f"/api/v1/campaigns/{row['id']}").status_code == 404
    assert api(camp.treasurer).get(f"/api/v1/campaigns/{row['id']}").status_code == 200
    assert api(None).get("/api/v1/campaigns").get_json()["total"] == 0


def test_zakat_is_declared_never_verified(api, camp, live):
    row = live()
    assert row["zakat"] == "declared_by_association"
    english = {"Accept-Language": "en"}
    html = api(None).get(f"/campaigns/{row['id']}", headers=english).get_data(as_text=True)
    assert "declared by the association" in html and "verified" not in html.split("Zakat")[1][:80]


def test_bad_amounts_are_refused_with_nothing_written(api, camp, live):
    row = live()
    for bad in (-500, 0, 12.5, "1200", True, None):
        refused = api(camp.donor).post(
            f"/api/v1/campaigns/{row['id']}/contributions", json={"amount": bad}
        )
        assert refused.status_code == 422, bad
    assert db.session.scalars(select(Contribution)).all() == []
    fraction = api(camp.coordinator).post(
        "/api/v1/campaigns", json=campaign_body(camp.a, min_goal=100.5)
    )
    assert fraction.status_code == 422 and "min_goal" in fraction.get_json()["error"]["fields"]


def test_a_pledge_gets_a_unique_reference(api, camp, live, give):
    row = live()
    one, two = give(row["id"]), give(row["id"], camp.donor2)
    assert one["reference"].startswith("J3") and len(one["reference"]) == 10
    assert one["reference"] != two["reference"]
    assert one["status"] == "pledged"


def test_card_has_no_gateway_yet(api, camp, live):
    row = live()
    refused = api(camp.donor).post(
        f"/api/v1/campaigns/{row['id']}/contributions", json={"amount": 100_00, "method": "card"}
    )
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "no_provider"
    assert db.session.scalars(select(Contribution)).all() == []


def test_cash_needs_two_different_confirmers(api, camp, live, give):
    row = live()
    gift = give(row["id"], method="cash", amount=300_00)
    first = api(camp.treasurer).post(f"/api/v1/contributions/{gift['id']}/confirm")
    assert first.status_code == 200
    assert first.get_json()["status"] == "pledged"
    assert first.get_json()["awaiting_second_confirmer"] is True
    again = api(camp.treasurer).post(f"/api/v1/contributions/{gift['id']}/confirm")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "same_confirmer"
    assert (
        api(camp.coordinator).post(f"/api/v1/contributions/{gift['id']}/confirm").status_code == 404
    )
    assert api(camp.donor).post(f"/api/v1/contributions/{gift['id']}/confirm").status_code == 403
    done = api(camp.treasurer2).post(f"/api/v1/contributions/{gift['id']}/confirm")
    assert done.status_code == 200 and done.get_json()["status"] == "confirmed"
    figures = api(None).get(f"/api/v1/campaigns/{row['id']}").get_json()["ledger"]
    assert figures["raised"] == 300_00 and figures["pledged"] == 0


def test_a_transfer_is_confirmed_by_the_statement_not_by_hand(api, camp, live, give):
    row = live()
    gift = give(row["id"])
    refused = api(camp.treasurer).post(f"/api/v1/contributions/{gift['id']}/confirm")
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "needs_statement"


def test_raised_is_confirmed_minus_refunded(api, camp, live, give):
    row = live()
    a = give(row["id"], method="cash", amount=1_000_00)
    b = give(row["id"], camp.donor2, method="cash", amount=250_55)
    give(row["id"], method="cash", amount=999_99)  # pledged only
    confirm_cash(api, camp, a["id"])
    confirm_cash(api, camp, b["id"])
    assert api(camp.treasurer).post(f"/api/v1/contributions/{b['id']}/refund").status_code == 200
    again = api(camp.treasurer).post(f"/api/v1/contributions/{b['id']}/refund")
    assert again.status_code == 409
    figures = api(None).get(f"/api/v1/campaigns/{row['id']}").get_json()["ledger"]
    assert figures["confirmed"] == 1_250_55
    assert figures["refunded"] == 250_55
    assert figures["raised"] == 1_000_00
    assert figures["pledged"] == 999_99


def test_receipts_are_numbered_per_association(api, camp, live, give):
    row = live()
    first = confirm_cash(api, camp, give(row["id"], method="cash")["id"])
    second = confirm_cash(api, camp, give(row["id"], camp.donor2, method="cash")["id"])
    assert (first["receipt_number"], second["receipt_number"]) == (1, 2)
    pdf = api(camp.donor).get(f"/api/v1/contributions/{first['id']}/receipt")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert api(camp.donor2).get(f"/api/v1/contributions/{first['id']}/receipt").status_code == 404
    assert (
        api(camp.treasurer).get(f"/api/v1/contributions/{first['id']}/receipt").status_code == 200
    )


def test_a_pledge_outside_the_dates_is_refused(api, camp, live):
    row = live(starts_on=(today() + dt.timedelta(days=3)).isoformat())
    refused = api(camp.donor).post(
        f"/api/v1/campaigns/{row['id']}/contributions", json={"amount": 100_00}
    )
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "not_live"


def test_the_needs_snapshot_comes_from_the_aid_board(app, api, camp, draft):
    from app.plugins import NeedLine, registry

    assert draft()["needs_snapshot"] == []  # without aid: nothing
    asked = []

    def needs(association_id, province_id):
        asked.append((association_id, province_id))
        return [NeedLine("food_basket", province_id, "Taroudant", needed=300, filled=12)]

    registry(app).aid_needs = needs
    row = draft()
    assert asked == [(camp.a, None)]
    assert row["needs_snapshot"] == [
        {
            "category": "food_basket",
            "province_id": None,
            "place": "Taroudant",
            "needed": 300,
            "filled": 12,
        }
    ]
