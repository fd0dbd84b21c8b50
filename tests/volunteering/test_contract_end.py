"""Ending a signed volunteering contract early (law 06-18: either side, with notice): a
reason, recorded beside the signed text (which stays as signed); the volunteer's shifts still
to come on the opportunity cancelled and their places freed; the other side told."""

from __future__ import annotations

from sqlalchemy import select

from app.db import db
from app.notifications.models import Notification
from tests.conftest import csrf_token, login
from tests.volunteering.conftest import soon
from tests.volunteering.test_contracts import authorise, drafted
from volunteering.models import Contract, Shift, Signup


def _signed_and_signed_up(api, vol, publish):
    """A contractual opportunity with two future shifts, the contract signed by both sides,
    the volunteer accepted and signed up to both shifts."""
    authorise(api, vol)
    made, app_id, contract = drafted(api, vol, publish)
    path = f"/api/v1/contracts/{contract['id']}"
    for who in (vol.volunteer, vol.coordinator):
        assert api(who).post(f"{path}/sign").status_code == 200
    assert api(vol.coordinator).post(f"/api/v1/applications/{app_id}/accept").status_code == 200
    shifts = [s["id"] for s in made["shifts"]]
    for shift in shifts:
        assert api(vol.volunteer).post(f"/api/v1/shifts/{shift}/signups").status_code == 201
    return made, contract, path, shifts


def test_the_volunteer_ends_a_signed_contract_through_the_api(api, vol, publish):
    made, _contract, path, shifts = _signed_and_signed_up(
        api,
        vol,
        lambda **c: publish(
            shifts=[
                {
                    "starts_at": soon(10, 8).isoformat(),
                    "ends_at": soon(10, 12).isoformat(),
                    "capacity": 3,
                },
                {
                    "starts_at": soon(11, 8).isoformat(),
                    "ends_at": soon(11, 12).isoformat(),
                    "capacity": 3,
                },
            ],
            **c,
        ),
    )
    signed = api(vol.volunteer).get(path).get_json()
    # denied: strangers see nothing, a reason is needed, a draft cannot be ended
    for stranger in (vol.outsider, vol.member):
        assert api(stranger).post(f"{path}/end", json={"reason": "Je pars"}).status_code == 404
    assert api(None).post(f"{path}/end", json={"reason": "Je pars"}).status_code == 401
    short = api(vol.volunteer).post(f"{path}/end", json={"reason": "  "})
    assert short.status_code == 422 and "reason" in short.get_json()["error"]["fields"]
    ended = api(vol.volunteer).post(
        f"{path}/end", json={"reason": "Je commence un emploi à Agadir le mois prochain"}
    )
    assert ended.status_code == 200, ended.get_json()
    body = ended.get_json()
    assert body["ended_side"] == "volunteer" and body["ended_at"]
    assert body["end_reason"].startswith("Je commence")
    # the signed text and its hash are untouched
    for key in ("text_ar", "text_fr", "text_sha256", "status", "volunteer_signed_at"):
        assert body[key] == signed[key]
    # the future sign-ups are cancelled and their places freed
    db.session.expire_all()
    statuses = db.session.scalars(
        select(Signup.status).where(Signup.volunteer_id == vol.volunteer.id)
    ).all()
    assert sorted(statuses) == ["cancelled", "cancelled"]
    assert [db.session.get(Shift, s).taken for s in shifts] == [0, 0]
    # the association is told; ending twice is refused, and signing up again too
    told = db.session.scalars(
        select(Notification.user_id).where(Notification.kind == "volunteer_contract_ended")
    ).all()
    assert vol.coordinator.id in told and vol.volunteer.id not in told
    again = api(vol.coordinator).post(f"{path}/end", json={"reason": "Fin de mission"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "contract_ended"
    back = api(vol.volunteer).post(f"/api/v1/shifts/{shifts[0]}/signups")
    assert back.status_code == 409 and back.get_json()["error"]["code"] == "contract_ended"
    assert made["contractual"]


def test_the_coordinator_ends_it_from_the_contract_page(api, vol, publish, client):
    _made, contract, _path, shifts = _signed_and_signed_up(api, vol, publish)
    login(client, vol.coordinator)
    page = client.get(f"/volunteering/contracts/{contract['id']}")
    assert page.status_code == 200 and b"/end" in page.data
    token = csrf_token(client, f"/volunteering/contracts/{contract['id']}")
    empty = client.post(
        f"/volunteering/contracts/{contract['id']}/end",
        data={"csrf_token": token, "reason": ""},
        headers={"Accept-Language": "fr"},
        follow_redirects=True,
    )
    assert b"pourquoi le contrat" in empty.data
    db.session.expire_all()
    assert db.session.get(Contract, contract["id"]).ended_at is None
    client.post(
        f"/volunteering/contracts/{contract['id']}/end",
        data={"csrf_token": token, "reason": "Le volontaire ne vient plus aux réunions"},
        headers={"Accept-Language": "fr"},
        follow_redirects=True,
    )
    db.session.expire_all()
    row = db.session.get(Contract, contract["id"])
    assert row.ended_side == "association" and row.ended_by_id == vol.coordinator.id
    assert row.status == "signed" and row.text_sha256
    assert db.session.get(Shift, shifts[0]).taken == 0
    shown = client.get(
        f"/volunteering/contracts/{contract['id']}", headers={"Accept-Language": "fr"}
    )
    assert b"Le volontaire ne vient plus" in shown.data
    assert f"/volunteering/contracts/{contract['id']}/end".encode() not in shown.data
    told = db.session.scalars(
        select(Notification.user_id).where(Notification.kind == "volunteer_contract_ended")
    ).all()
    assert told == [vol.volunteer.id]


def test_a_draft_contract_cannot_be_ended(api, vol, publish):
    _made, _app_id, contract = drafted(api, vol, publish)
    path = f"/api/v1/contracts/{contract['id']}"
    refused = api(vol.coordinator).post(f"{path}/end", json={"reason": "Plus besoin de vous"})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "not_signed"
    assert api(vol.volunteer).post(f"{path}/sign").status_code == 200
    half = api(vol.volunteer).post(f"{path}/end", json={"reason": "Je change d'avis"})
    assert half.status_code == 409
    db.session.expire_all()
    assert db.session.get(Contract, contract["id"]).ended_at is None
