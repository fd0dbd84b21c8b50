"""The legal calendar: each rule with the clock jumped (``send_reminders(now)``), closing by
documents, authorisations, retention."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.db import db
from app.notifications.models import Notification
from app.privacy import run_retention
from library import add_obligation, valid_authorization
from library.models import LibraryDocument, Obligation
from library.services import send_reminders
from tests.library.conftest import PDF, stored_files, upload

D = dt.date(2026, 3, 2)


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)


def notes(user_id: int) -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Notification.subject)
            .where(Notification.user_id == user_id)
            .order_by(Notification.id)
        )
    )


def tick(day: dt.date) -> int:
    sent = send_reminders(at(day))
    db.session.commit()
    return sent


def obligation(kind: str) -> Obligation:
    db.session.expire_all()
    return db.session.scalars(select(Obligation).where(Obligation.kind == kind)).one()


def test_final_receipt_expected_60_days_after_filing_with_reminders_at_45_and_60(app, api, world):
    upload(api(world.assoc_admin), world.a.id, kind="provisional_receipt", valid_from=D.isoformat())
    ob = obligation("final_receipt")
    assert ob.due_at == D + dt.timedelta(days=60)
    assert tick(D + dt.timedelta(days=44)) == 0
    assert tick(D + dt.timedelta(days=45)) == 1
    assert notes(world.assoc_admin.id) == [f"library:obligation:{ob.id}:remind:15"]
    assert notes(world.member.id) == []  # admins only
    assert tick(D + dt.timedelta(days=50)) == 0  # never twice
    assert tick(D + dt.timedelta(days=60)) == 1
    assert tick(D + dt.timedelta(days=61)) == 1
    assert notes(world.assoc_admin.id)[-1] == f"library:obligation:{ob.id}:overdue"
    assert tick(D + dt.timedelta(days=62)) == 0
    listed = api(world.member).get(f"/api/v1/associations/{world.a.id}/obligations").get_json()
    assert [o["status"] for o in listed["items"]] == ["overdue"]
    # the final receipt closes it
    upload(api(world.assoc_admin), world.a.id, kind="final_receipt", title="Récépissé définitif")
    assert obligation("final_receipt").status == "done"


def test_board_or_statutes_change_to_declare_within_30_days(app, api, world):
    upload(api(world.assoc_admin), world.a.id, kind="board_list", valid_from=D.isoformat())
    ob = obligation("declare_change")
    assert ob.due_at == D + dt.timedelta(days=30)
    assert tick(D + dt.timedelta(days=19)) == 0
    assert tick(D + dt.timedelta(days=20)) == 1
    assert tick(D + dt.timedelta(days=31)) == 1
    upload(
        api(world.assoc_admin),
        world.a.id,
        kind="provisional_receipt",
        valid_from=(D + dt.timedelta(days=32)).isoformat(),
    )
    assert obligation("declare_change").status == "done"


def test_yearly_general_assembly(app, api, world):
    upload(
        api(world.assoc_admin),
        world.a.id,
        kind="general_assembly_minutes",
        valid_from=D.isoformat(),
    )
    ob = obligation("general_assembly")
    assert ob.due_at == D + dt.timedelta(days=365)
    assert tick(D + dt.timedelta(days=334)) == 0
    assert tick(D + dt.timedelta(days=335)) == 1
    assert tick(D + dt.timedelta(days=366)) == 1


def test_document_and_authorisation_expiring(app, api, world):
    upload(api(world.assoc_admin), world.a.id, kind="contract", expires_at="2026-06-30")
    assert obligation("document_expiring").due_at == dt.date(2026, 6, 30)
    res = api(world.assoc_admin).post(
        f"/api/v1/associations/{world.a.id}/authorizations",
        json={
            "kind": "public_appeal",
            "authority": "SGG",
            "reference": "APG-1",
            "valid_from": "2026-01-01",
            "valid_to": "2026-08-31",
        },
    )
    assert res.status_code == 201
    assert obligation("authorization_expiring").due_at == dt.date(2026, 8, 31)
    assert tick(dt.date(2026, 5, 30)) == 0
    assert tick(dt.date(2026, 5, 31)) == 1  # contract: 30 days before
    assert tick(dt.date(2026, 8, 1)) == 2  # authorisation reminder + the contract overdue
    assert valid_authorization(world.a.id, "public_appeal", dt.date(2026, 8, 31))
    assert not valid_authorization(world.a.id, "public_appeal", dt.date(2026, 9, 1))
    assert not valid_authorization(world.a.id, "distribution", dt.date(2026, 5, 1))
    assert not valid_authorization(world.b.id, "public_appeal", dt.date(2026, 5, 1))


def test_another_associations_document_cannot_close_or_prove(app, api, world):
    mine = upload(api(world.assoc_admin), world.a.id, kind="board_list", valid_from=D.isoformat())
    theirs = upload(api(world.other_admin), world.b.id, kind="final_receipt").get_json()["id"]
    ob = obligation("declare_change")
    res = api(world.assoc_admin).post(
        f"/api/v1/obligations/{ob.id}/close", json={"document_id": theirs}
    )
    assert res.status_code == 422
    assert res.get_json()["error"]["code"] == "wrong_association"
    assert obligation("declare_change").status == "open"
    proof = api(world.assoc_admin).post(
        f"/api/v1/associations/{world.a.id}/authorizations",
        json={
            "kind": "distribution",
            "authority": "Caïdat",
            "reference": "D-9",
            "valid_from": "2026-01-01",
            "valid_to": "2026-02-01",
            "document_id": theirs,
        },
    )
    assert proof.status_code == 422
    assert proof.get_json()["error"]["code"] == "wrong_association"
    assert (
        api(world.assoc_admin)
        .get(f"/api/v1/associations/{world.a.id}/authorizations")
        .get_json()["items"]
        == []
    )
    ok = api(world.assoc_admin).post(
        f"/api/v1/obligations/{ob.id}/close", json={"document_id": mine.get_json()["id"]}
    )
    assert ok.status_code == 200
    assert ok.get_json()["status"] == "done"
    # another association's admin cannot even see it
    assert (
        api(world.other_admin)
        .post(f"/api/v1/obligations/{ob.id}/close", json={"document_id": theirs})
        .status_code
        == 404
    )


def test_other_features_add_obligations_through_the_hook(app, world):
    first = add_obligation(
        world.a.id,
        "campaign_report",
        D,
        source="campaign:7",
        title="Rapport de campagne",
        remind_days=[7],
    )
    again = add_obligation(
        world.a.id, "campaign_report", D, source="campaign:7", title="Rapport de campagne"
    )
    db.session.commit()
    assert first == again
    assert tick(D - dt.timedelta(days=7)) == 1
    assert tick(D + dt.timedelta(days=1)) == 1


def test_retention_deletes_documents_and_files_after_retention_until(app, api, world):
    upload(api(world.assoc_admin), world.a.id, kind="receipt", retention_until="2027-01-31")
    upload(api(world.assoc_admin), world.a.id, kind="receipt", title="Keep")
    assert len(stored_files(app)) == 2
    run_retention(at(dt.date(2027, 1, 31)))
    db.session.commit()
    assert len(stored_files(app)) == 2
    run_retention(at(dt.date(2027, 2, 1)))
    db.session.commit()
    assert [d.title for d in db.session.scalars(select(LibraryDocument))] == ["Keep"]
    assert len(stored_files(app)) == 1


def test_the_tick_runs_the_calendar_job(app, api, world):
    from app.jobs import run_due_jobs

    upload(api(world.assoc_admin), world.a.id, kind="provisional_receipt", valid_from=D.isoformat())
    outcomes = run_due_jobs(now=at(D + dt.timedelta(days=70)))
    assert "library.calendar" in [o.name for o in outcomes]
    assert notes(world.assoc_admin.id)[-1].endswith(":overdue")
    assert PDF


def test_several_changes_make_one_declaration_to_file(app, api, world):
    upload(api(world.assoc_admin), world.a.id, kind="statutes", valid_from=D.isoformat())
    upload(api(world.assoc_admin), world.a.id, kind="board_list", valid_from=D.isoformat())
    db.session.expire_all()
    assert (
        len(db.session.scalars(select(Obligation).where(Obligation.kind == "declare_change")).all())
        == 1
    )
