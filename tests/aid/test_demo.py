"""The aid demo looks alive: a kit, a board with real-looking needs in Taroudant and Azilal
douars, reports over a few months, a grievance answered and one open."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from aid import board, reports
from aid.models import Card, Delivery, Entitlement, Grievance, Kit
from app.db import db
from directory import Association


def test_the_demo_board_reports_and_grievances(app: Any, client: Any) -> None:
    result = app.test_cli_runner().invoke(args=["seed-demo", "--once"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalar(select(Kit.name)) == "Panier Ramadan (kit) / قفة رمضان"
    shown = [c.public() for c in board.cells()]
    places = {c["douar"] for c in shown if not c["suppressed"]}
    assert {"Ait Iazza", "Tabant", "Agouti"} <= places
    assert any(c["suppressed"] and c["douar"] == "Imi n'Tala" for c in shown)
    assert any(c["filled"] for c in shown if not c["suppressed"])
    amal = db.session.scalar(select(Association).where(Association.slug == "amal-taroudant"))
    assert amal is not None
    months = {row["month"] for row in reports.served(amal.id)}
    assert len(months) >= 3
    flows = reports.stock_flows(amal.id)
    assert any(f["out"] for f in flows) and len({f["month"] for f in flows}) >= 3
    statuses = sorted(db.session.scalars(select(Grievance.status)))
    assert statuses == ["answered", "open"]
    page = client.get("/aid/needs")
    assert page.status_code == 200 and "Tabant" in page.get_data(as_text=True)
    # cards issued, a collection by a witnessed proxy, one home delivery done, one to come
    assert db.session.scalar(select(Card.id).where(Card.status == "active")) is not None
    assert (
        db.session.scalar(
            select(Entitlement.proxy_relation).where(Entitlement.proxy_relation.is_not(None))
        )
        == "child"
    )
    states = sorted(db.session.scalars(select(Delivery.status)))
    assert states == ["delivered", "scheduled"]
