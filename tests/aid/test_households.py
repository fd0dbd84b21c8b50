"""Households through the API: registration, what lists show, the logged reading of personal
fields, encryption at rest, verification rules, national IDs and duplicates."""

from __future__ import annotations

from sqlalchemy import select, text

from aid.models import DuplicateCase, Household
from app.db import db
from app.privacy import PersonalDataAccess
from tests.aid.conftest import authorise, household_body


def test_a_registered_household_waits_and_lists_show_no_personal_field(api, aid, register):
    row = register()
    assert row["status"] == "pending"
    assert "personal" not in row and "head_name" not in row and "phone" not in row
    listed = api(aid.coordinator).get(f"/api/v1/associations/{aid.a}/households").get_json()
    assert listed["total"] == 1
    assert set(listed["items"][0]) == {"id", "number", "status", "commune", "province_id", "size"}
    assert "Bennani" not in str(listed) and "78" not in listed["items"][0]["number"]


def test_raw_columns_hold_no_clear_phone_name_or_national_id(api, aid, register):
    authorise(api, aid.admin, aid.a, "data_protection")
    register(national_id="JB 123456")
    db.session.commit()
    raw = db.session.execute(
        text("SELECT head_name, phone, address, phone_token, national_id_token FROM aid_households")
    ).one()
    dump = " ".join(str(v) for v in raw)
    for clear in ("Bennani", "0612345678", "612345678", "12 34 56", "JB123456", "123456", "Sidi"):
        assert clear not in dump
    assert raw.national_id_token and len(raw.national_id_token) == 64


def test_reading_personal_fields_needs_a_purpose_and_is_logged(api, aid, register):
    row = register()
    client = api(aid.coordinator)
    refused = client.get(f"/api/v1/households/{row['id']}?include=personal")
    assert refused.status_code == 400
    assert refused.get_json()["error"]["code"] == "purpose_required"
    assert db.session.scalar(select(PersonalDataAccess.id)) is None
    read = client.get(
        f"/api/v1/households/{row['id']}?include=personal&purpose=appeler pour la distribution"
    )
    assert read.status_code == 200
    personal = read.get_json()["personal"]
    assert personal["head_name"] == "Fatima Zahra Bennani"
    assert personal["phone"] == "06 12 34 56 78"
    log = db.session.scalars(select(PersonalDataAccess)).all()
    assert len(log) == 1
    assert log[0].actor_id == aid.coordinator.id
    assert log[0].purpose == "appeler pour la distribution"
    assert log[0].model == "aid_households" and log[0].face == "api"
    # reading without asking for personal fields logs nothing
    client.get(f"/api/v1/households/{row['id']}")
    assert len(db.session.scalars(select(PersonalDataAccess)).all()) == 1


def test_coordinator_of_b_member_and_outsider_cannot_see_a_households(api, aid, register):
    row = register()
    for who in (aid.other_coordinator, aid.member, aid.outsider):
        client = api(who)
        assert client.get(f"/api/v1/households/{row['id']}").status_code == 404
        assert (
            client.get(
                f"/api/v1/households/{row['id']}?include=personal&purpose=curious"
            ).status_code
            == 404
        )
        assert client.get(f"/api/v1/associations/{aid.a}/households").status_code == 404
        verify = client.post(f"/api/v1/households/{row['id']}/verify", json={"method": "referral"})
        assert verify.status_code == 404
    assert api(None).get(f"/api/v1/households/{row['id']}").status_code == 401
    assert db.session.scalar(select(PersonalDataAccess.id)) is None
    db.session.expire_all()
    assert db.session.get(Household, row["id"]).status == "pending"


def test_a_self_registration_is_verified_by_someone_else(api, aid):
    body = household_body(aid.province, association_id=aid.a)
    body["consent"]["mode"] = "digital"
    # a coordinator registering their own household is still a self-registration
    made = api(aid.coordinator).post("/api/v1/households/self-register", json=body)
    assert made.status_code == 201, made.get_json()
    hid = made.get_json()["id"]
    own = api(aid.coordinator).post(
        f"/api/v1/households/{hid}/verify", json={"method": "known_member"}
    )
    assert own.status_code == 403
    assert own.get_json()["error"]["code"] == "same_person"
    db.session.expire_all()
    assert db.session.get(Household, hid).status == "pending"
    other = api(aid.admin).post(f"/api/v1/households/{hid}/verify", json={"method": "home_visit"})
    assert other.status_code == 200
    assert other.get_json()["status"] == "verified"
    again = api(aid.admin).post(f"/api/v1/households/{hid}/verify", json={"method": "home_visit"})
    assert again.status_code == 409


def test_a_person_self_registers_and_sees_nothing_of_the_association(api, aid):
    body = household_body(aid.province, association_id=aid.a)
    made = api(aid.outsider).post("/api/v1/households/self-register", json=body)
    assert made.status_code == 201
    assert set(made.get_json()) <= {"id", "number", "status"}
    assert api(aid.outsider).get(f"/api/v1/households/{made.get_json()['id']}").status_code == 404


def test_national_id_refused_without_a_data_protection_authorisation(api, aid):
    body = household_body(aid.province, national_id="JB123456")
    refused = api(aid.coordinator).post(f"/api/v1/associations/{aid.a}/households", json=body)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "national_id_not_allowed"
    assert db.session.scalar(select(Household.id)) is None
    # another kind of authorisation is not enough
    authorise(api, aid.admin, aid.a, "distribution")
    again = api(aid.coordinator).post(f"/api/v1/associations/{aid.a}/households", json=body)
    assert again.status_code == 422
    authorise(api, aid.admin, aid.a, "data_protection")
    accepted = api(aid.coordinator).post(f"/api/v1/associations/{aid.a}/households", json=body)
    assert accepted.status_code == 201
    assert accepted.get_json()["has_national_id"] is True


def test_same_phone_written_differently_opens_a_case(api, aid, register):
    first = register()
    second = register(head_name="Khadija Alaoui", phone="+212 6-12-34-56-78", birth_year=1990)
    assert second["duplicate_cases"], second
    case = db.session.get(DuplicateCase, second["duplicate_cases"][0])
    assert (case.household_id, case.other_id) == (second["id"], first["id"])
    assert case.matched == ["phone"]


def test_same_name_in_arabic_script_same_year_and_commune_opens_a_case(api, aid, register):
    first = register(head_name="Fatima Zahra", phone=None)
    second = register(head_name="فاطمة الزهراء", phone="0699999999")
    case = db.session.get(DuplicateCase, second["duplicate_cases"][0])
    assert case.other_id == first["id"] and case.matched == ["name"]
    # another birth year: a different person
    third = register(head_name="فاطمة الزهراء", phone="0688888888", birth_year=1999)
    assert third["duplicate_cases"] == []


def test_no_case_across_associations(api, aid, register):
    register()
    other = register(who=aid.other_coordinator, association=aid.b)
    assert other["duplicate_cases"] == []


def test_deciding_a_case_is_recorded_and_a_duplicate_cannot_receive(api, aid, register):
    register()
    second = register(head_name="Khadija Alaoui", birth_year=1990)
    case_id = second["duplicate_cases"][0]
    queue = api(aid.coordinator).get(f"/api/v1/duplicate-cases?association_id={aid.a}").get_json()
    assert [c["id"] for c in queue["items"]] == [case_id]
    assert "Bennani" not in str(queue)
    assert (
        api(aid.other_coordinator)
        .get(f"/api/v1/duplicate-cases?association_id={aid.a}")
        .status_code
        == 404
    )
    no_reason = api(aid.coordinator).post(
        f"/api/v1/duplicate-cases/{case_id}/decide", json={"decision": "duplicate"}
    )
    assert no_reason.status_code == 422
    done = api(aid.coordinator).post(
        f"/api/v1/duplicate-cases/{case_id}/decide",
        json={"decision": "duplicate", "reason": "même téléphone, même famille"},
    )
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert body["decision"] == "duplicate" and body["decided_by_id"] == aid.coordinator.id
    db.session.expire_all()
    assert db.session.get(Household, second["id"]).status == "duplicate"
    twice = api(aid.coordinator).post(
        f"/api/v1/duplicate-cases/{case_id}/decide", json={"decision": "distinct", "reason": "non"}
    )
    assert twice.status_code == 409


def test_bad_input_is_refused_with_reasons(api, aid):
    client = api(aid.coordinator)
    for changes, field in (
        ({"phone": "not a phone"}, "phone"),
        ({"size": 0}, "size"),
        ({"needs": [{"code": "diagnosis_diabetes"}]}, "needs"),
        ({"consent": {"mode": "paper", "purposes": [], "language": "ar"}}, "consent"),
        ({"composition": {"under_5": 9}}, "composition"),
        ({"province_id": 999999}, "province_id"),
    ):
        response = client.post(
            f"/api/v1/associations/{aid.a}/households", json=household_body(aid.province, **changes)
        )
        assert response.status_code == 422, (changes, response.get_json())
        assert field in response.get_json()["error"]["fields"], response.get_json()
    assert db.session.scalar(select(Household.id)) is None


def test_merging_keeps_the_earlier_household_with_both_needs(api, aid, register):
    first = register(needs=[{"code": "food_basket"}])
    second = register(head_name="Khadija Alaoui", needs=[{"code": "blanket", "quantity": 2}])
    done = api(aid.admin).post(
        f"/api/v1/duplicate-cases/{second['duplicate_cases'][0]}/decide",
        json={"decision": "merge", "reason": "la même famille, inscrite deux fois"},
    )
    assert done.status_code == 200
    db.session.expire_all()
    earlier = db.session.get(Household, first["id"])
    assert [n["code"] for n in earlier.needs] == ["food_basket", "blanket"]
    assert earlier.status == "pending"
    assert db.session.get(Household, second["id"]).status == "duplicate"


def test_retention_archives_inactive_households_and_erases_old_personal_fields(app, aid, register):
    import datetime as dt

    from app.privacy import run_retention

    row = register()
    db.session.commit()
    now = dt.datetime.now(dt.UTC)
    run_retention(now + dt.timedelta(days=300))
    db.session.expire_all()
    assert db.session.get(Household, row["id"]).status == "pending"
    run_retention(now + dt.timedelta(days=400))
    db.session.commit()
    db.session.expire_all()
    kept = db.session.get(Household, row["id"])
    assert kept.status == "archived" and kept.archived_at is not None
    assert kept.head_name is not None
    run_retention(now + dt.timedelta(days=800))
    db.session.commit()
    db.session.expire_all()
    erased = db.session.get(Household, row["id"])
    assert (erased.head_name, erased.phone, erased.address, erased.phone_token) == (None,) * 4
    assert erased.size == 5 and erased.commune == "Taroudant"  # what counts survives
