"""Reports from collections and the ledger (page, CSV, PDF, API), the public summary with
small counts suppressed, and Registry.aid_delivered / the home page figure."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from app.plugins import registry

START = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).replace(microsecond=0)

EN = {"Accept-Language": "en"}


def _serve(api, aid, households, category="food_basket", title="Ramadan"):
    """A distribution of ``category`` where each household collects."""
    client = api(aid.coordinator)
    distribution = client.post(
        f"/api/v1/associations/{aid.a}/distributions",
        json={
            "title": title,
            "place_kind": "premises",
            "place": "Local",
            "starts_at": START.isoformat(),
            "category": category,
        },
    ).get_json()
    for household in households:
        given = client.post(
            f"/api/v1/distributions/{distribution['id']}/entitlements",
            json={"household_id": household["id"]},
        ).get_json()
        done = client.post(
            f"/api/v1/entitlements/{given['id']}/collect", json={"proof": given["code"]}
        )
        assert done.status_code == 200, done.get_json()


def _families(verified, n, **changes):
    return [verified(head_name=f"Famille {i}", phone=f"067{i:07d}", **changes) for i in range(n)]


def test_the_report_counts_families_people_and_stock(app: Flask, api, aid, verified):
    client = api(aid.coordinator)
    client.post(
        f"/api/v1/associations/{aid.a}/stock-movements",
        json={
            "kind": "donation_in",
            "quantity": 40,
            "item_name": "Farine",
            "location_name": "Local",
        },
    )
    client.post(
        f"/api/v1/associations/{aid.a}/stock-movements",
        json={
            "kind": "distribution_out",
            "quantity": 12,
            "item_name": "Farine",
            "location_name": "Local",
        },
    )
    _serve(api, aid, _families(verified, 3))
    month = dt.datetime.now(dt.UTC).strftime("%Y-%m")
    report = client.get(f"/api/v1/associations/{aid.a}/aid-report")
    assert report.status_code == 200
    body = report.get_json()
    assert body["served"] == [
        {
            "month": month,
            "category": "food_basket",
            "province_id": aid.province,
            "commune": "Taroudant",
            "collections": 3,
            "families": 3,
            "people": 15,
        }
    ]
    assert body["stock"] == [{"month": month, "item": "Farine", "in": 40, "out": 12}]
    for who in (aid.member, aid.other_coordinator, aid.outsider):
        assert api(who).get(f"/api/v1/associations/{aid.a}/aid-report").status_code == 404


def test_report_page_csv_and_pdf_for_coordinators_only(logged_in, aid, api, verified):
    _serve(api, aid, _families(verified, 1))
    browser = logged_in(aid.coordinator)
    page = browser.get(f"/aid/associations/{aid.a}/reports")
    assert page.status_code == 200 and "Taroudant" in page.get_data(as_text=True)
    assert "Famille" not in page.get_data(as_text=True)
    served = browser.get(f"/aid/associations/{aid.a}/reports/served.csv")
    assert served.mimetype == "text/csv"
    lines = served.get_data(as_text=True).splitlines()
    assert lines[0] == "month,category,province,commune,collections,families,people"
    assert lines[1].endswith(",Taroudant,1,1,5")
    assert browser.get(f"/aid/associations/{aid.a}/reports/other.csv").status_code == 404
    pdf = browser.get(f"/aid/associations/{aid.a}/reports.pdf")
    assert pdf.status_code == 200 and pdf.get_data().startswith(b"%PDF")
    other = logged_in(aid.member)
    assert other.get(f"/aid/associations/{aid.a}/reports/served.csv").status_code == 404
    assert other.get(f"/aid/associations/{aid.a}/reports.pdf").status_code == 404


def test_the_public_summary_never_says_1_or_2(api, aid, verified):
    first = _families(verified, 2)
    _serve(api, aid, first)
    summary = api(None).get(f"/api/v1/associations/{aid.a}/aid-summary").get_json()
    assert summary["families"] is None and summary["collections"] is None
    assert [m["families"] for m in summary["months"]] == [None]
    html = api(None).get(f"/aid/associations/{aid.a}/summary", headers=EN).get_data(as_text=True)
    assert "fewer than 3" in html
    _serve(api, aid, _families(verified, 1, douar="Tazmourt"), title="Deuxième")
    summary = api(None).get(f"/api/v1/associations/{aid.a}/aid-summary").get_json()
    assert summary["families"] == 3 and summary["collections"] == 3
    assert api(None).get("/api/v1/associations/999999/aid-summary").status_code == 404


def test_registry_aid_delivered_and_the_home_figure(app: Flask, api, aid, verified):
    _serve(api, aid, _families(verified, 2) + _families(verified, 1, douar="Tazmourt"))
    _serve(api, aid, _families(verified, 1, douar="Imi n'Tala"), category="blanket", title="Hiver")
    delivered = registry(app).aid_delivered
    assert delivered is not None
    now = dt.datetime.now(dt.UTC)
    summary = delivered([aid.a], now - dt.timedelta(days=1), now + dt.timedelta(days=1))
    assert summary.items == {"food_basket": 3, "blanket": 1}
    assert summary.households == 4 and summary.localities == 3
    assert len(summary.provinces) == 1 and summary.provinces[0]
    assert delivered([aid.b], None, None).households == 0
    before = delivered([aid.a], now - dt.timedelta(days=30), now - dt.timedelta(days=1))
    assert before.items == {} and before.households == 0
    counts = [c for c in registry(app).home_counts if c[3] == "aid.needs"]
    assert len(counts) == 1 and counts[0][2]() == 3
