"""Beneficiary cards (a random token in a QR code, a PIN kept as a keyed digest), collection
with the card and its PIN (five wrong PINs lock the card, a reissued card revokes the old
one) and witnessed proxies, through the API and the pages."""

from __future__ import annotations

from sqlalchemy import func, select, text

from aid import card_pdf
from aid.models import Card, Entitlement, StockMovement
from app.db import db
from app.privacy import PersonalDataAccess
from tests.aid.test_kits import _move, _plan
from tests.conftest import csrf_token


def _line(client, aid, distribution, quantity=1, stock=5):
    moved = _move(
        client, aid, kind="donation_in", quantity=stock, item_name="Couverture", location_name="L"
    )
    line = client.post(
        f"/api/v1/distributions/{distribution['id']}/lines",
        json={
            "item_id": moved["item_id"],
            "quantity": quantity,
            "location_id": moved["location_id"],
        },
    )
    assert line.status_code == 201, line.get_json()
    return moved


def _issue(client, household_id):
    issued = client.post(f"/api/v1/households/{household_id}/card")
    assert issued.status_code == 201, issued.get_json()
    return issued.get_json()


def _collect(client, distribution_id, token, pin, **proxy):
    return client.post(
        f"/api/v1/distributions/{distribution_id}/card-collections",
        json={"token": token, "pin": pin, **proxy},
    )


def test_card_collect_wrong_pins_lock_and_reissue(api, aid, verified, register):
    coordinator = api(aid.coordinator)
    pending = register(head_name="Rachid Ouali", phone="0677000111")
    assert coordinator.post(f"/api/v1/households/{pending['id']}/card").status_code == 409
    household = verified()
    first = _issue(coordinator, household["id"])
    assert len(first["token"]) == 14 and first["pin"].isdigit() and len(first["pin"]) == 4
    # nothing of the card is kept in clear: neither the token nor the PIN
    row = db.session.get(Card, first["id"])
    assert first["token"].replace("-", "") not in row.token_digest + row.pin_digest
    assert first["pin"] not in (row.token_digest, row.pin_digest)
    state = coordinator.get(f"/api/v1/households/{household['id']}/card").get_json()
    assert state["card"]["status"] == "active" and "token" not in state["card"]
    # the other association's coordinator and a plain member cannot issue or read it
    assert (
        api(aid.other_coordinator).post(f"/api/v1/households/{household['id']}/card").status_code
        == 404
    )
    assert api(aid.member).get(f"/api/v1/households/{household['id']}/card").status_code == 404

    # a reissue revokes the first card
    second = _issue(coordinator, household["id"])
    distribution = _plan(coordinator, aid)
    _line(coordinator, aid, distribution)
    old = _collect(coordinator, distribution["id"], first["token"], first["pin"])
    assert old.status_code == 409 and old.get_json()["error"]["code"] == "card_revoked"
    unknown = _collect(coordinator, distribution["id"], "AAAA-BBBB-CCCC", "1234")
    assert unknown.status_code == 422 and unknown.get_json()["error"]["code"] == "unknown_card"
    # in the other association, the card is not one of theirs
    other = _plan(api(aid.other_coordinator), type("W", (), {"a": aid.b})())
    foreign = _collect(api(aid.other_coordinator), other["id"], second["token"], second["pin"])
    assert foreign.get_json()["error"]["code"] == "unknown_card"

    wrong = "0000" if second["pin"] != "0000" else "1111"
    codes = [_collect(coordinator, distribution["id"], second["token"], wrong) for _ in range(5)]
    assert [c.status_code for c in codes] == [422, 422, 422, 422, 409]
    assert "1" in codes[3].get_json()["error"]["message"]  # one attempt left
    # locked: even the right PIN is refused now, and nothing was handed over
    locked = _collect(coordinator, distribution["id"], second["token"], second["pin"])
    assert locked.status_code == 409 and locked.get_json()["error"]["code"] == "card_locked"
    assert db.session.scalar(select(func.count(Entitlement.id))) == 0
    # a new card works: typed in lower case with spaces, the household gets its place now
    third = _issue(coordinator, household["id"])
    typed = third["token"].lower().replace("-", " ")
    done = _collect(coordinator, distribution["id"], typed, third["pin"])
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["household_number"] == household["number"]
    assert done.get_json()["proxy"] is False
    out = db.session.scalar(
        select(func.sum(StockMovement.quantity)).where(StockMovement.kind == "distribution_out")
    )
    assert out == -1
    again = _collect(coordinator, distribution["id"], third["token"], third["pin"])
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_collected"


def test_witnessed_proxy_and_its_count(api, aid, verified):
    coordinator = api(aid.coordinator)
    household = verified()
    card = _issue(coordinator, household["id"])
    distribution = _plan(coordinator, aid)
    _line(coordinator, aid, distribution)
    base = {"proxy_name": "Khadija Ouali", "proxy_relation": "child"}
    # the witness is a second member of the team, not the distributor, not an outsider
    for witness, field in ((aid.coordinator, "witness_id"), (aid.outsider, "witness_id")):
        refused = _collect(
            coordinator,
            distribution["id"],
            card["token"],
            card["pin"],
            witness_id=witness.id,
            **base,
        )
        assert refused.status_code == 422, refused.get_json()
        assert field in refused.get_json()["error"]["fields"]
    no_relation = _collect(
        coordinator,
        distribution["id"],
        card["token"],
        card["pin"],
        proxy_name="Khadija",
        witness_id=aid.member.id,
    )
    assert "proxy_relation" in no_relation.get_json()["error"]["fields"]
    done = _collect(
        coordinator,
        distribution["id"],
        card["token"],
        card["pin"],
        witness_id=aid.member.id,
        **base,
    )
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["proxy"] is True
    row = db.session.scalar(select(Entitlement))
    assert row.proxy_relation == "child" and row.witness_id == aid.member.id
    # the proxy's name is encrypted at rest
    raw = db.session.execute(
        text("SELECT proxy_name FROM aid_entitlements WHERE id = :id"), {"id": row.id}
    ).scalar()
    assert "Khadija" not in str(raw)
    state = coordinator.get(f"/api/v1/households/{household['id']}/card").get_json()
    assert state["proxy_collections"] == 1
    page = coordinator.get(f"/aid/households/{household['id']}").get_data(as_text=True)
    assert "aid-proxy-count" in page
    assert db.session.scalar(select(func.count(PersonalDataAccess.id))) == 0


def test_the_card_page_prints_a_pdf_and_a_reprint_revokes(api, aid, verified, logged_in):
    household = verified()
    client = logged_in(aid.coordinator)
    path = f"/aid/households/{household['id']}"
    page = client.get(path)
    assert page.status_code == 200 and "aid.print_card" not in page.get_data(as_text=True)
    token = csrf_token(client, path)
    printed = client.post(f"{path}/card", data={"csrf_token": token})
    assert printed.status_code == 200 and printed.mimetype == "application/pdf"
    assert printed.data.startswith(b"%PDF") and b"Bennani" not in printed.data
    again = client.post(f"{path}/card", data={"csrf_token": token})
    assert again.status_code == 200
    states = [c.status for c in db.session.scalars(select(Card).order_by(Card.id))]
    assert states == ["revoked", "active"]
    # a full QR code (phones do not read Micro QR), small: 14 characters fit version 1
    assert int(card_pdf.qr_code("ABCDEFGHJKMN").version) <= 2
    other = logged_in(aid.other_coordinator)
    token = csrf_token(other, "/aid/")
    assert other.post(f"{path}/card", data={"csrf_token": token}).status_code == 404
