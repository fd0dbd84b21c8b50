"""The public needs board: verified households only, aggregated per place and category, fill
levels from planned distributions, and never an exact count below 3 (API, page, registry)."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from app.plugins import registry

START = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).replace(microsecond=0)

EN = {"Accept-Language": "en"}


CONSENT = {"mode": "paper", "purposes": ["aid_delivery", "statistics"], "language": "ar"}


def _family(verified, n, douar, **changes):
    changes.setdefault("consent", CONSENT)
    return verified(head_name=f"Famille {douar} {n}", phone=f"066{n:07d}", douar=douar, **changes)


def _cells(api, **query):
    response = api(None).get("/api/v1/aid/needs", query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_board_counts_verified_needs_and_suppresses_small_cells(api, aid, verified, register):
    iazza = [_family(verified, n, "Ait Iazza") for n in range(3)]
    _family(verified, 10, "Tazmourt")
    _family(verified, 11, "Tazmourt")
    # verified, in need, but consent without anonymous statistics: never counted
    no_statistics = {"mode": "paper", "purposes": ["aid_delivery", "contact"], "language": "ar"}
    for n in (20, 21, 22):
        _family(verified, n, "Ouled Berhil", consent=no_statistics)
    register(head_name="En attente", phone="0655555555", douar="Ait Iazza")  # pending: not shown
    # one of the three Ait Iazza households has its place in a food distribution
    distribution = (
        api(aid.coordinator)
        .post(
            f"/api/v1/associations/{aid.a}/distributions",
            json={
                "title": "Ramadan",
                "place_kind": "premises",
                "place": "Local",
                "starts_at": START.isoformat(),
            },
        )
        .get_json()
    )
    given = api(aid.coordinator).post(
        f"/api/v1/distributions/{distribution['id']}/entitlements",
        json={"household_id": iazza[0]["id"]},
    )
    assert given.status_code == 201
    board = _cells(api, category="food_basket")
    cells = {c["douar"]: c for c in board["items"]}
    assert cells["Ait Iazza"]["needed"] == 3 and cells["Ait Iazza"]["filled"] == 1
    assert cells["Ait Iazza"]["percent"] == 33 and not cells["Ait Iazza"]["suppressed"]
    small = cells["Tazmourt"]
    assert small["suppressed"] and small["needed"] is None and small["filled"] is None
    assert "Ouled Berhil" not in cells
    assert board["households"] == 5
    # by commune the five households make one cell
    commune = _cells(api, category="food_basket", level="commune")["items"]
    assert [(c["place"], c["needed"]) for c in commune] == [("Taroudant", 5)]
    # no personal data anywhere in the answer
    text = str(_cells(api))
    assert "Famille" not in text and "066" not in text and "Derb" not in text
    # the page: cards, the small cell said "fewer than 3", no 2 for it
    page = api(None).get("/aid/needs?category=food_basket", headers=EN)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "1 of 3 households covered" in html
    assert "Fewer than 3 households" in html
    assert "Famille" not in html


def test_a_cell_of_two_never_shows_1_or_2_and_the_registry_leaves_it_out(
    app: Flask, api, aid, verified
):
    _family(verified, 1, "Imlil")
    _family(verified, 2, "Imlil")
    board = _cells(api)
    assert all(c["suppressed"] for c in board["items"])
    assert board["households"] is None
    assert all(c["needed"] is None and c["filled"] is None for c in board["items"])
    lines = registry(app).aid_needs
    assert lines is not None and lines(aid.a, None) == []
    _family(verified, 3, "Imlil")
    found = lines(aid.a, aid.province)
    assert {(x.category, x.place, x.needed, x.filled) for x in found} == {
        ("food_basket", "Imlil, Taroudant", 3, 0),
        ("clothing", "Imlil, Taroudant", 3, 0),
    }
    assert lines(aid.b, None) == []


def test_filters_by_province_and_category(api, aid, verified):
    for n in range(3):
        _family(verified, n, "Ait Iazza")
    assert _cells(api, province_id=aid.province + 1)["items"] == []
    only = _cells(api, category="clothing")["items"]
    assert {c["category"] for c in only} == {"clothing"}
    assert api(None).get("/api/v1/aid/needs?category=nothing").status_code == 422
    assert api(None).get("/aid/needs?category=nothing&province_id=x").status_code == 200
