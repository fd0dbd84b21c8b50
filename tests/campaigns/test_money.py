"""Expenses (four eyes, receipts private above the threshold), all or nothing (refund tasks,
no close before they are settled), the report (from the ledger and aid's aggregates, frozen,
due in the legal calendar; an overdue report blocks a new campaign), bank statements."""

from __future__ import annotations

import datetime as dt
import io

from sqlalchemy import select

from app.db import db
from app.plugins import DeliveredSummary, registry
from campaigns.models import Campaign, Contribution, Expense, StatementLine
from tests.campaigns.conftest import campaign_body, confirm_cash


def _expense(api, who, campaign, line, amount=150_00, receipt=None, **extra):
    data = {
        "budget_line_id": str(line),
        "amount": str(amount),
        "supplier": "Épicerie Atlas",
        **extra,
    }
    if receipt is not None:
        data["receipt"] = (io.BytesIO(receipt), "facture.pdf", "application/pdf")
    return api(who).post(
        f"/api/v1/campaigns/{campaign}/expenses", data=data, content_type="multipart/form-data"
    )


def test_an_expense_is_approved_by_someone_else_then_paid(api, camp, live):
    row = live()
    line = row["budget_lines"][0]["id"]
    made = _expense(api, camp.treasurer, row["id"], line)
    assert made.status_code == 201, made.get_json()
    spent = made.get_json()
    self_ok = api(camp.treasurer).post(f"/api/v1/expenses/{spent['id']}/approve")
    assert self_ok.status_code == 409 and self_ok.get_json()["error"]["code"] == "self_approval"
    assert api(camp.coordinator).post(f"/api/v1/expenses/{spent['id']}/approve").status_code == 403
    assert api(camp.outsider).post(f"/api/v1/expenses/{spent['id']}/approve").status_code == 404
    early = api(camp.treasurer2).post(f"/api/v1/expenses/{spent['id']}/pay")
    assert early.status_code == 409
    assert api(camp.treasurer2).post(f"/api/v1/expenses/{spent['id']}/approve").status_code == 200
    assert api(camp.treasurer).post(f"/api/v1/expenses/{spent['id']}/pay").status_code == 200
    figures = api(None).get(f"/api/v1/campaigns/{row['id']}").get_json()["ledger"]
    assert figures["spent"] == 150_00 and figures["lines"][0]["spent"] == 150_00


def test_a_large_expense_needs_its_receipt_which_stays_private(api, camp, live, admin):
    row = live()
    line = row["budget_lines"][0]["id"]
    refused = _expense(api, camp.coordinator, row["id"], line, amount=5_000_00)
    assert refused.status_code == 422 and "receipt" in refused.get_json()["error"]["fields"]
    assert db.session.scalars(select(Expense)).all() == []
    made = _expense(api, camp.coordinator, row["id"], line, amount=5_000_00, receipt=b"%PDF-1.4 x")
    assert made.status_code == 201, made.get_json()
    path = f"/api/v1/expenses/{made.get_json()['id']}/receipt"
    assert api(camp.treasurer).get(path).data == b"%PDF-1.4 x"
    assert api(admin).get(path).status_code == 200  # platform auditors
    assert api(camp.coordinator).get(path).status_code == 403
    assert api(camp.donor).get(path).status_code == 404
    assert api(None).get(path).status_code == 401


def test_bad_expenses_are_refused(api, camp, live):
    row = live()
    line = row["budget_lines"][0]["id"]
    for amount in ("-100", "12.5", "0"):
        assert _expense(api, camp.coordinator, row["id"], line, amount=amount).status_code == 422
    other = live()
    wrong_line = _expense(api, camp.coordinator, row["id"], other["budget_lines"][0]["id"])
    assert wrong_line.status_code == 422
    assert _expense(api, camp.member, row["id"], line).status_code == 403
    assert db.session.scalars(select(Expense)).all() == []


def test_all_or_nothing_refunds_before_closing(api, camp, live, give):
    row = live(model="all_or_nothing")
    one = confirm_cash(api, camp, give(row["id"], method="cash", amount=1_000_00)["id"])
    two = confirm_cash(
        api, camp, give(row["id"], camp.donor2, method="cash", amount=2_000_00)["id"]
    )
    waiting = give(row["id"], amount=700_00)
    closed = api(camp.treasurer).post(f"/api/v1/campaigns/{row['id']}/close")
    assert closed.status_code == 200 and closed.get_json()["status"] == "failed"
    tasks = api(camp.treasurer).get(f"/api/v1/campaigns/{row['id']}/refunds").get_json()["items"]
    assert sorted(t["contribution_id"] for t in tasks) == sorted([one["id"], two["id"]])
    assert api(camp.coordinator).get(f"/api/v1/campaigns/{row['id']}/refunds").status_code == 403
    early = api(camp.treasurer).post(f"/api/v1/campaigns/{row['id']}/close")
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "refunds_open"
    assert db.session.get(Contribution, waiting["id"]).status == "cancelled"
    for task in tasks:
        assert api(camp.treasurer).post(f"/api/v1/refunds/{task['id']}/settle").status_code == 200
    done = api(camp.treasurer).post(f"/api/v1/campaigns/{row['id']}/close")
    assert done.status_code == 200 and done.get_json()["status"] == "closed"
    assert done.get_json()["ledger"]["raised"] == 0


def test_keep_what_you_raise_closes_under_the_minimum(api, camp, live, give):
    row = live(model="keep")
    confirm_cash(api, camp, give(row["id"], method="cash", amount=100_00)["id"])
    assert api(camp.coordinator).post(f"/api/v1/campaigns/{row['id']}/close").status_code == 403
    closed = api(camp.treasurer).post(f"/api/v1/campaigns/{row['id']}/close")
    assert closed.get_json()["status"] == "closed"


def test_the_report_comes_from_the_ledger_and_aid(app, api, camp, live, give):
    seen = []

    def delivered(ids, since, until):
        seen.append((ids, since, until))
        return DeliveredSummary(
            items={"food_basket": 312}, households=298, localities=4, provinces=["Taroudant"]
        )

    row = live()
    english = {"Accept-Language": "en"}
    empty = api(None).get(f"/campaigns/{row['id']}", headers=english).get_data(as_text=True)
    assert "No deliveries recorded." in empty
    registry(app).aid_delivered = delivered
    confirm_cash(api, camp, give(row["id"], method="cash", amount=1_234_56)["id"])
    page = api(None).get(f"/campaigns/{row['id']}", headers=english).get_data(as_text=True)
    assert "312 × Food basket to 298 verified households in 4 localities" in page
    assert seen[-1][0] == [camp.a]
    closed = api(camp.treasurer).post(f"/api/v1/campaigns/{row['id']}/close").get_json()
    report = api(None).get(f"/api/v1/campaigns/{row['id']}/report").get_json()
    assert report["final"] is True
    assert report["ledger"] == closed["ledger"]
    assert report["delivered"]["households"] == 298
    pdf = api(None).get(f"/campaigns/{row['id']}/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    # frozen: a later change of aid's figures does not touch it
    registry(app).aid_delivered = lambda ids, s, u: DeliveredSummary()
    again = api(None).get(f"/api/v1/campaigns/{row['id']}/report").get_json()
    assert again["delivered"]["households"] == 298


def test_an_overdue_report_blocks_a_new_campaign(api, camp, live, draft):
    from library.models import Obligation

    row = live()
    api(camp.treasurer).post(f"/api/v1/campaigns/{row['id']}/close")
    ob = db.session.scalars(select(Obligation).where(Obligation.kind == "campaign_report")).one()
    stored = db.session.get(Campaign, row["id"])
    assert ob.due_at == stored.report_due_on == stored.closed_at.date() + dt.timedelta(days=90)
    # the due date passes (the clock jumped: the campaign closed 91 days ago)
    stored.report_due_on = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
    db.session.commit()
    body = campaign_body(camp.a)
    refused = api(camp.coordinator).post("/api/v1/campaigns", json=body)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "report_overdue"
    assert (
        api(camp.treasurer2).post(f"/api/v1/campaigns/{row['id']}/report/filed").status_code == 200
    )
    assert api(camp.coordinator).post("/api/v1/campaigns", json=body).status_code == 201
    db.session.expire_all()
    assert db.session.get(Obligation, ob.id).status == "done"


def _csv(rows):
    text = "Date;Montant;Libellé\n" + "\n".join(f"{d};{a};{lab}" for d, a, lab in rows)
    return text.encode("utf-8")


def _import(api, who, campaign, content, mapping=True):
    data = {"file": (io.BytesIO(content), "releve.csv", "text/csv")}
    if mapping:
        data.update({"date": "Date", "amount": "Montant", "label": "Libellé"})
    return api(who).post(
        f"/api/v1/campaigns/{campaign}/statements", data=data, content_type="multipart/form-data"
    )


def test_the_statement_matches_references_and_amounts(api, camp, live, give):
    row = live()
    a = give(row["id"], amount=500_00)
    b = give(row["id"], camp.donor2, amount=250_00)
    c = give(row["id"], amount=100_00)
    content = _csv(
        [
            ("01/03/2026", "500,00", f"VIR RECU {a['reference']} M ALAMI"),
            ("01/03/2026", "250,00", f"VIR {b['reference'].lower()}"),  # case does not matter
            ("02/03/2026", "90,00", f"VIR {c['reference']}"),  # wrong amount: by hand
            ("02/03/2026", "-40,00", "FRAIS TENUE DE COMPTE"),  # a debit: ignored
            ("03/03/2026", "500,00", f"VIR {a['reference']} BIS"),  # reused reference
            ("03/03/2026", "75,00", "VERSEMENT ESPECES"),
        ]
    )
    assert _import(api, camp.coordinator, row["id"], content).status_code == 403
    done = _import(api, camp.treasurer, row["id"], content)
    assert done.status_code == 200, done.get_json()
    assert done.get_json() == {"rows": 6, "credits": 5, "matched": 2, "unmatched": 3, "reused": 1}
    figures = api(None).get(f"/api/v1/campaigns/{row['id']}").get_json()["ledger"]
    assert figures["raised"] == 750_00
    # the same file again: nothing is confirmed twice
    again = _import(api, camp.treasurer, row["id"], content, mapping=False).get_json()
    assert again["matched"] == 0 and again["reused"] == 3
    assert api(None).get(f"/api/v1/campaigns/{row['id']}").get_json()["ledger"]["raised"] == 750_00
    lines = api(camp.treasurer).get(f"/api/v1/campaigns/{row['id']}/statement-lines").get_json()
    odd = next(x for x in lines["items"] if x["amount"] == 90_00)
    wrong = api(camp.treasurer).post(
        f"/api/v1/statement-lines/{odd['id']}/match", json={"contribution_id": c["id"]}
    )
    assert wrong.status_code == 422 and wrong.get_json()["error"]["code"] == "amount_mismatch"
    cash = next(x for x in lines["items"] if x["amount"] == 75_00)
    d = give(row["id"], camp.donor2, amount=75_00)
    matched = api(camp.treasurer).post(
        f"/api/v1/statement-lines/{cash['id']}/match", json={"contribution_id": d["id"]}
    )
    assert matched.status_code == 200
    assert db.session.get(Contribution, d["id"]).status == "confirmed"
    twice = api(camp.treasurer).post(
        f"/api/v1/statement-lines/{cash['id']}/match", json={"contribution_id": c["id"]}
    )
    assert twice.status_code == 409


def test_the_column_mapping_is_saved_per_association(api, camp, live, give):
    row = live()
    no_mapping = _import(api, camp.treasurer, row["id"], _csv([]), mapping=False)
    assert no_mapping.status_code == 422
    assert db.session.scalars(select(StatementLine)).all() == []
    first = give(row["id"], amount=10_00)
    assert (
        _import(
            api, camp.treasurer, row["id"], _csv([("x", "10,00", first["reference"])])
        ).status_code
        == 200
    )
    second = give(row["id"], amount=20_00)
    reused = _import(
        api, camp.treasurer, row["id"], _csv([("x", "20,00", second["reference"])]), mapping=False
    )
    assert reused.get_json()["matched"] == 1
