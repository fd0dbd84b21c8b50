"""Joining and approval reach someone in every case (issue 14): a join request to an association
without an administrator goes to the platform administrators; they hear of new submissions; the
submitter hears of the decision, with the reason of a refusal; the queue shows the details."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from app.db import db
from app.notifications.models import Notification
from directory.models import Association, Membership
from tests.factories import UserFactory


def _notes(user: Any) -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)))


def test_platform_admins_hear_of_a_new_submission(app: Flask, api: Any, ref: None) -> None:
    admin = UserFactory(is_admin=True)
    founder = UserFactory(display_name="Hind Amrani")
    made = api(founder).post("/api/v1/associations", json={"name": "Association Tiwizi"})
    assert made.status_code == 201
    notes = _notes(admin)
    assert len(notes) == 1
    assert "Association Tiwizi" in notes[0].sentence(html=False) and "Hind Amrani" in notes[
        0
    ].sentence(html=False)
    assert notes[0].url == "/directory/queue"


def test_the_submitter_hears_of_the_decision_and_the_reason(
    app: Flask, api: Any, ref: None
) -> None:
    admin = UserFactory(is_admin=True)
    founder = UserFactory()
    first = api(founder).post("/api/v1/associations", json={"name": "Association Anmal"}).json
    second = api(founder).post("/api/v1/associations", json={"name": "Association Oufella"}).json
    assert api(admin).post(f"/api/v1/associations/{first['id']}/approve").status_code == 200
    refused = api(admin).post(
        f"/api/v1/associations/{second['id']}/reject",
        json={"reason": "Le récépissé de dépôt manque."},
    )
    assert refused.status_code == 200
    texts = [n.sentence(html=False) for n in _notes(founder)]
    assert any("Association Anmal" in t for t in texts)
    assert any("Association Oufella" in t and "Le récépissé de dépôt manque." in t for t in texts)
    too_long = api(admin).post(
        f"/api/v1/associations/{first['id']}/suspend", json={"reason": "x" * 1001}
    )
    assert too_long.status_code == 422


def test_a_join_request_without_an_association_admin_reaches_the_platform_admins(
    app: Flask, api: Any, ref: None
) -> None:
    admin = UserFactory(is_admin=True)
    assoc = Association(name="Association sans admin", slug="sans-admin", status="approved")
    db.session.add(assoc)
    db.session.commit()
    applicant = UserFactory(display_name="Said Ait")
    asked = api(applicant).post(
        f"/api/v1/associations/{assoc.id}/join", json={"message": "Bonjour"}
    )
    assert asked.status_code in (200, 201)
    notes = [n for n in _notes(admin) if "Said Ait" in n.sentence(html=False)]
    assert len(notes) == 1 and notes[0].url == f"/associations/{assoc.id}/members"
    # and the platform admin can approve it
    approved = api(admin).post(
        f"/api/v1/associations/{assoc.id}/members/{applicant.id}", json={"role": "member"}
    )
    assert approved.status_code == 200
    db.session.expire_all()
    row = db.session.scalar(select(Membership).where(Membership.user_id == applicant.id))
    assert row is not None and row.status == "approved"


def test_the_queue_shows_the_details_and_takes_a_reason(
    app: Flask, logged_in: Any, api: Any, ref: None
) -> None:
    from tests.conftest import csrf_token

    admin = UserFactory(is_admin=True)
    founder = UserFactory(display_name="Nadia Berrada")
    made = (
        api(founder)
        .post(
            "/api/v1/associations",
            json={
                "name": "Association Ighil",
                "description": "Soutien scolaire pour les enfants du douar.",
                "fields": ["education"],
                "city": "agadir",
                "founded_year": 2015,
            },
        )
        .json
    )
    browser = logged_in(admin)
    page = browser.get("/directory/queue").get_data(as_text=True)
    for detail in ("Soutien scolaire pour les enfants du douar.", "Nadia Berrada", "2015"):
        assert detail in page
    assert 'name="reason"' in page
    token = csrf_token(browser, "/directory/queue")
    done = browser.post(
        "/directory/queue",
        data={
            "csrf_token": token,
            "association_id": made["id"],
            "action": "reject",
            "reason": "Doublon d'une association existante.",
        },
    )
    assert done.status_code == 302
    assert any(
        "Doublon d'une association existante." in n.sentence(html=False) for n in _notes(founder)
    )


def test_create_admin_says_where_to_approve(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--username", "root2", "--email", "root2@example.ma"],
        input="a-long-password-1\na-long-password-1\n",
    )
    assert result.exit_code == 0, result.output
    assert "http://localhost/directory/queue" in result.output
