"""Grievances: anyone files one, the association's coordinators answer (open -> answered ->
closed), overdue ones remind them (clock jump), a data-access grievance shows its author
their own household's stored fields, logged."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from aid.models import Grievance
from app.db import db, utcnow
from app.jobs import run_due_jobs
from app.notifications.models import Notification
from app.privacy import PersonalDataAccess
from tests.aid.conftest import household_body
from tests.conftest import csrf_token

EN = {"Accept-Language": "en"}


def _file(api, aid, who=None, **body):
    payload = {"kind": "exclusion", "body": "Ma famille n'a pas été appelée.", **body}
    return api(who).post(f"/api/v1/associations/{aid.a}/grievances", json=payload)


def _self_registered(api, aid, who):
    body = household_body(
        aid.province, association_id=aid.a, head_name="Hadda Ait Ali", phone="0611223344"
    )
    body["consent"] = {"mode": "digital", "purposes": ["aid_delivery"], "language": "ar"}
    made = api(who).post("/api/v1/households/self-register", json=body)
    assert made.status_code == 201, made.get_json()
    return made.get_json()


def test_filed_answered_closed(api, aid):
    filed = _file(api, aid, aid.member, kind="quality")
    assert filed.status_code == 201, filed.get_json()
    row = filed.get_json()
    assert row["status"] == "open" and row["overdue"] is False
    due = dt.datetime.fromisoformat(row["due_at"]) - dt.datetime.fromisoformat(row["created_at"])
    assert due == dt.timedelta(days=15)
    # the coordinators were told
    told = db.session.scalars(
        select(Notification.user_id).where(Notification.kind == "aid_grievance")
    ).all()
    assert set(told) == {aid.coordinator.id, aid.admin.id}
    listed = api(aid.coordinator).get(f"/api/v1/associations/{aid.a}/grievances").get_json()
    assert [g["id"] for g in listed["items"]] == [row["id"]]
    for who in (aid.member, aid.other_coordinator, aid.outsider):
        assert api(who).get(f"/api/v1/associations/{aid.a}/grievances").status_code == 404
        assert (
            api(who)
            .post(f"/api/v1/grievances/{row['id']}/answer", json={"answer": "Non"})
            .status_code
            == 404
        )
    assert api(aid.outsider).get(f"/api/v1/grievances/{row['id']}").status_code == 404
    early = api(aid.member).post(f"/api/v1/grievances/{row['id']}/close")
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "not_answered"
    answered = api(aid.coordinator).post(
        f"/api/v1/grievances/{row['id']}/answer",
        json={"answer": "Le panier sera remplacé samedi."},
    )
    assert answered.status_code == 200 and answered.get_json()["status"] == "answered"
    seen = api(aid.member).get(f"/api/v1/grievances/{row['id']}").get_json()
    assert seen["answer"] == "Le panier sera remplacé samedi."
    closed = api(aid.member).post(f"/api/v1/grievances/{row['id']}/close")
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    again = api(aid.coordinator).post(
        f"/api/v1/grievances/{row['id']}/answer", json={"answer": "Encore"}
    )
    assert again.status_code == 409


def test_a_visitor_leaves_a_contact_read_only_by_coordinators_and_logged(api, aid):
    refused = _file(api, aid)
    assert refused.status_code == 422 and "contact" in refused.get_json()["error"]["fields"]
    assert db.session.scalar(select(func.count(Grievance.id))) == 0
    filed = _file(api, aid, contact="0612121212")
    assert filed.status_code == 201 and filed.get_json()["has_contact"] is True
    gid = filed.get_json()["id"]
    assert "0612121212" not in str(
        api(aid.coordinator).get(f"/api/v1/associations/{aid.a}/grievances").get_json()
    )
    assert (
        api(aid.member).get(f"/api/v1/grievances/{gid}/contact?purpose=rappeler").status_code == 404
    )
    no_purpose = api(aid.coordinator).get(f"/api/v1/grievances/{gid}/contact")
    assert no_purpose.status_code == 400
    read = api(aid.coordinator).get(f"/api/v1/grievances/{gid}/contact?purpose=rappeler")
    assert read.status_code == 200 and read.get_json()["fields"] == {"contact": "0612121212"}
    log = db.session.scalars(select(PersonalDataAccess)).one()
    assert (log.actor_id, log.purpose) == (aid.coordinator.id, "rappeler")


def test_a_data_access_grievance_shows_only_the_author_s_own_household(api, aid, logged_in):
    mine = _self_registered(api, aid, aid.outsider)
    # someone else cannot name that household
    stolen = _file(api, aid, aid.member, kind="data_access", household_id=mine["id"])
    assert stolen.status_code == 422
    missing = _file(api, aid, aid.outsider, kind="data_access")
    assert missing.status_code == 422
    filed = _file(
        api,
        aid,
        aid.outsider,
        kind="data_access",
        household_id=mine["id"],
        body="Quelles données gardez-vous sur nous ?",
    )
    assert filed.status_code == 201
    gid = filed.get_json()["id"]
    assert api(aid.coordinator).get(f"/api/v1/grievances/{gid}/my-data").status_code == 404
    shown = api(aid.outsider).get(f"/api/v1/grievances/{gid}/my-data")
    assert shown.status_code == 200
    assert shown.get_json()["fields"]["head_name"] == "Hadda Ait Ali"
    assert shown.get_json()["fields"]["phone"] == "0611223344"
    log = db.session.scalars(select(PersonalDataAccess)).one()
    assert log.actor_id == aid.outsider.id
    # the page: the button, then the fields, logged again
    browser = logged_in(aid.outsider)
    page = browser.get(f"/aid/grievances/{gid}", headers=EN).get_data(as_text=True)
    assert "Hadda" not in page and "Show the data kept about my household" in page
    token = csrf_token(browser, f"/aid/grievances/{gid}")
    again = browser.post(f"/aid/grievances/{gid}/my-data", data={"csrf_token": token})
    assert again.status_code == 200 and "Hadda Ait Ali" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count(PersonalDataAccess.id))) == 2
    # a grievance of another kind shows nothing
    other = _file(api, aid, aid.outsider, kind="quality").get_json()
    assert api(aid.outsider).get(f"/api/v1/grievances/{other['id']}/my-data").status_code == 404


def test_overdue_grievances_remind_the_coordinators_once(api, aid):
    row = _file(api, aid, aid.member).get_json()
    answered = _file(api, aid, aid.member, kind="conduct").get_json()
    api(aid.coordinator).post(
        f"/api/v1/grievances/{answered['id']}/answer",
        json={"answer": "Nous avons parlé au bénévole."},
    )
    db.session.commit()

    def reminders():
        db.session.expire_all()
        return sorted(
            db.session.scalars(
                select(Notification.subject).where(
                    Notification.subject.like("aid_grievance:%:overdue")
                )
            ).all()
        )

    now = utcnow()
    outcomes = run_due_jobs(now + dt.timedelta(days=14), only="aid.grievance_reminders")
    assert [o.ok for o in outcomes] == [True]
    assert reminders() == []
    # the clock jumps past the 15 days
    outcomes = run_due_jobs(now + dt.timedelta(days=16), only="aid.grievance_reminders")
    assert [o.ok for o in outcomes] == [True]
    assert reminders() == [f"aid_grievance:{row['id']}:overdue"] * 2  # coordinator, admin
    run_due_jobs(now + dt.timedelta(days=17), only="aid.grievance_reminders")
    assert len(reminders()) == 2
    assert (
        api(aid.coordinator).get(f"/api/v1/grievances/{row['id']}").get_json()["overdue"] is False
    )


def test_the_pages_file_list_and_answer(logged_in, aid, client):
    # a visitor files through the page
    token = csrf_token(client, f"/aid/associations/{aid.a}/grievances/new")
    refused = client.post(
        f"/aid/associations/{aid.a}/grievances/new",
        data={"csrf_token": token, "kind": "exclusion", "body": "Oubliés"},
    )
    assert refused.status_code == 422
    done = client.post(
        f"/aid/associations/{aid.a}/grievances/new",
        data={
            "csrf_token": token,
            "kind": "exclusion",
            "body": "Notre douar a été oublié.",
            "contact": "0699887766",
        },
    )
    assert done.status_code == 302
    row = db.session.scalars(select(Grievance)).one()
    browser = logged_in(aid.coordinator)
    listing = browser.get(f"/aid/associations/{aid.a}/grievances").get_data(as_text=True)
    assert row.number in listing and "0699887766" not in listing
    page = browser.get(f"/aid/grievances/{row.id}").get_data(as_text=True)
    assert "Notre douar" in page and "0699887766" not in page
    token = csrf_token(browser, f"/aid/grievances/{row.id}")
    answered = browser.post(
        f"/aid/grievances/{row.id}/answer",
        data={"csrf_token": token, "answer": "Nous venons mardi."},
    )
    assert answered.status_code == 302
    db.session.expire_all()
    assert db.session.get(Grievance, row.id).status == "answered"
    assert logged_in(aid.member).get(f"/aid/grievances/{row.id}").status_code == 404
