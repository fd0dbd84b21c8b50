"""The aid pages: lists without personal fields, the logged reading of a name, the forms and
their refusals beside the fields."""

from __future__ import annotations

from sqlalchemy import func, select

from aid.models import Household
from app.db import db
from app.privacy import PersonalDataAccess
from tests.conftest import csrf_token


def test_the_list_shows_numbers_not_names(logged_in, aid, register):
    row = register()
    page = logged_in(aid.coordinator).get(f"/aid/associations/{aid.a}/households")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert row["number"] in html and "Taroudant" in html
    assert "Bennani" not in html and "56 78" not in html


def test_reading_the_name_on_the_page_is_logged_with_its_purpose(logged_in, aid, register):
    row = register()
    browser = logged_in(aid.coordinator)
    shown = browser.get(f"/aid/households/{row['id']}").get_data(as_text=True)
    assert "Bennani" not in shown
    token = csrf_token(browser, f"/aid/households/{row['id']}")
    empty = browser.post(
        f"/aid/households/{row['id']}/personal", data={"csrf_token": token, "purpose": " "}
    )
    assert empty.status_code == 302
    assert db.session.scalar(select(func.count(PersonalDataAccess.id))) == 0
    read = browser.post(
        f"/aid/households/{row['id']}/personal",
        data={"csrf_token": token, "purpose": "visite à domicile"},
    )
    assert read.status_code == 200
    assert "Fatima Zahra Bennani" in read.get_data(as_text=True)
    log = db.session.scalars(select(PersonalDataAccess)).one()
    assert (log.actor_id, log.purpose, log.face) == (
        aid.coordinator.id,
        "visite à domicile",
        "page",
    )


def test_the_register_form_registers_and_refuses_beside_the_fields(logged_in, aid):
    browser = logged_in(aid.coordinator)
    path = f"/aid/associations/{aid.a}/households/new"
    token = csrf_token(browser, path)
    form = {
        "csrf_token": token,
        "head_name": "Mbarek Oubella",
        "phone": "pas un numéro",
        "province_id": str(aid.province),
        "commune": "Taroudant",
        "size": "3",
        "consent_mode": "witnessed_verbal",
        "consent_purposes": ["aid_delivery", "contact"],
        "consent_language": "darija",
        "needs": ["blanket", "clothing"],
        "clothing_size": "child_5_8",
        "band_under_5": "1",
    }
    refused = browser.post(path, data=form)
    assert refused.status_code == 422
    assert 'id="phone-error"' in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Household.id))) == 0
    form["phone"] = "0655 44 33 22"
    made = browser.post(path, data=form)
    assert made.status_code == 302, made.get_data(as_text=True)[:500]
    row = db.session.scalars(select(Household)).one()
    assert row.status == "pending" and row.origin == "assisted"
    assert [(n["code"], n.get("size")) for n in row.needs] == [
        ("blanket", None),
        ("clothing", "child_5_8"),
    ]
    assert row.composition == {"under_5": 1} and row.consent_language == "darija"


def test_a_person_registers_their_household_in_french(logged_in, aid):
    browser = logged_in(aid.outsider)
    token = csrf_token(browser, "/aid/register")
    done = browser.post(
        "/aid/register",
        data={
            "csrf_token": token,
            "association_id": str(aid.a),
            "head_name": "Naima Chraibi",
            "province_id": str(aid.province),
            "commune": "Hay Mohammadi",
            "size": "4",
            "consent_mode": "digital",
            "consent_purposes": "aid_delivery",
            "consent_language": "fr",
        },
        headers={"Accept-Language": "fr"},
    )
    assert done.status_code == 200
    row = db.session.scalars(select(Household)).one()
    assert row.origin == "self" and row.registrar_id == aid.outsider.id
    assert row.number in done.get_data(as_text=True)


def test_a_coordinator_of_b_gets_404_on_every_page_of_a(logged_in, aid, register):
    row = register()
    browser = logged_in(aid.other_coordinator)
    for path in (
        f"/aid/associations/{aid.a}/households",
        f"/aid/associations/{aid.a}/households/new",
        f"/aid/households/{row['id']}",
        f"/aid/associations/{aid.a}/stock",
        f"/aid/associations/{aid.a}/distributions",
        f"/aid/associations/{aid.a}/duplicates",
    ):
        assert browser.get(path).status_code == 404, path


def test_an_association_page_offers_to_register_a_household_there(logged_in, aid):
    browser = logged_in(aid.outsider)
    page = browser.get(f"/associations/{aid.a}").get_data(as_text=True)
    assert f"/aid/register?association_id={aid.a}" in page
    form = browser.get(f"/aid/register?association_id={aid.a}").get_data(as_text=True)
    assert f'value="{aid.a}"' in form and "Association Al Amal" in form
