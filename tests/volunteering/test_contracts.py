"""Contracts of contractual volunteering: drafted by a coordinator, signed in the app by both
sides, frozen (text and hash) at the first signature; a contractual opportunity confirms nobody
without the association's valid authorisation and a signed contract; the PDF in ar + fr."""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import select

from app.db import db
from tests.factories import UserFactory
from tests.volunteering.conftest import adult
from volunteering.models import Application, Contract

TERMS = {
    "tasks": "Accueil des patients et traduction tamazight-français",
    "expenses": "Transport et repas",
    "insurance_reference": "AXA-2026-778",
}


def authorise(api, vol, kind="contractual_volunteering", days=300):
    today = dt.datetime.now(dt.UTC).date()
    response = api(vol.admin).post(
        f"/api/v1/associations/{vol.association.id}/authorizations",
        json={
            "kind": kind,
            "authority": "Wilaya de Souss-Massa",
            "reference": "VC-2026-12",
            "valid_from": (today - dt.timedelta(days=10)).isoformat(),
            "valid_to": (today + dt.timedelta(days=days)).isoformat(),
        },
    )
    assert response.status_code == 201, response.get_json()


def applied(api, vol, publish, who=None):
    who = who or vol.volunteer
    made = publish(contractual=True)
    adult(api, who)
    response = api(who).post(f"/api/v1/opportunities/{made['id']}/applications", json={})
    assert response.status_code == 201, response.get_json()
    return made, response.get_json()["id"]


def drafted(api, vol, publish):
    made, app_id = applied(api, vol, publish)
    response = api(vol.coordinator).post(f"/api/v1/applications/{app_id}/contract", json=TERMS)
    assert response.status_code == 201, response.get_json()
    return made, app_id, response.get_json()


def _code(response):
    return response.get_json()["error"]["code"]


def test_a_contract_is_drafted_signed_by_both_and_then_confirms(api, vol, publish):
    authorise(api, vol)
    made, app_id, contract = drafted(api, vol, publish)
    assert contract["status"] == "draft" and contract["text_sha256"] is None
    assert "AXA-2026-778" in contract["text_fr"] and "AXA-2026-778" in contract["text_ar"]
    assert contract["period_start"] == made["starts_on"]
    # not confirmable yet: the contract is not signed
    refused = api(vol.coordinator).post(f"/api/v1/applications/{app_id}/accept")
    assert refused.status_code == 409 and _code(refused) == "contract_required"
    signed = api(vol.volunteer).post(f"/api/v1/contracts/{contract['id']}/sign")
    assert signed.status_code == 200, signed.get_json()
    body = signed.get_json()
    assert body["status"] == "draft" and body["volunteer_signed_at"]
    text = f"{body['text_ar']}\n\x00\n{body['text_fr']}"
    assert body["text_sha256"] == hashlib.sha256(text.encode()).hexdigest()
    assert api(vol.volunteer).post(f"/api/v1/contracts/{contract['id']}/sign").status_code == 409
    still = api(vol.coordinator).post(f"/api/v1/applications/{app_id}/accept")
    assert _code(still) == "contract_required"
    both = api(vol.coordinator).post(f"/api/v1/contracts/{contract['id']}/sign")
    assert both.status_code == 200 and both.get_json()["status"] == "signed"
    assert both.get_json()["text_sha256"] == body["text_sha256"]
    accepted = api(vol.coordinator).post(f"/api/v1/applications/{app_id}/accept")
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "accepted"
    shift = made["shifts"][0]["id"]
    assert api(vol.volunteer).post(f"/api/v1/shifts/{shift}/signups").status_code == 201


def test_a_signed_contract_never_changes(api, vol, publish):
    authorise(api, vol)
    _made, _app_id, contract = drafted(api, vol, publish)
    path = f"/api/v1/contracts/{contract['id']}"
    edited = api(vol.coordinator).patch(path, json={"tasks": "Accueil seulement"})
    assert edited.status_code == 200 and edited.get_json()["tasks"] == "Accueil seulement"
    assert api(vol.volunteer).post(f"{path}/sign").status_code == 200
    before = api(vol.volunteer).get(path).get_json()
    for change in ({"tasks": "Autre chose"}, {"insurance_reference": "X"}, {"expenses": ""}):
        refused = api(vol.coordinator).patch(path, json=change, headers={"Accept-Language": "fr"})
        assert refused.status_code == 409 and _code(refused) == "contract_signed"
        assert "signé" in refused.get_json()["error"]["message"]
    # the association renamed after the signature: the kept text is the one signed
    vol.association.name = "Nouveau nom"
    db.session.commit()
    after = api(vol.volunteer).get(path).get_json()
    assert after == before and "Nouveau nom" not in after["text_fr"]
    assert api(vol.coordinator).post(f"{path}/sign").get_json()["status"] == "signed"
    assert api(vol.coordinator).patch(path, json={"tasks": "Encore"}).status_code == 409


def test_only_its_volunteer_and_the_coordinators_see_and_sign_it(api, vol, publish):
    _made, app_id, contract = drafted(api, vol, publish)
    path = f"/api/v1/contracts/{contract['id']}"
    for stranger in (vol.outsider, vol.member):
        assert api(stranger).get(path).status_code == 404
        assert api(stranger).post(f"{path}/sign").status_code == 404
        assert api(stranger).patch(path, json={"tasks": "x"}).status_code == 404
    assert api(None).get(path).status_code == 401
    # the volunteer reads and signs but does not write the terms
    assert api(vol.volunteer).get(path).status_code == 200
    assert api(vol.volunteer).patch(path, json={"tasks": "moins"}).status_code == 403
    # drafting is the association's, and only for a contractual opportunity
    again = api(vol.volunteer).post(f"/api/v1/applications/{app_id}/contract", json=TERMS)
    assert again.status_code == 403
    twice = api(vol.coordinator).post(f"/api/v1/applications/{app_id}/contract", json=TERMS)
    assert twice.status_code == 409
    db.session.expire_all()
    assert db.session.get(Contract, contract["id"]).tasks == TERMS["tasks"]


def test_a_contract_is_only_for_a_contractual_opportunity_and_needs_its_terms(api, vol, publish):
    made = publish()
    adult(api, vol.volunteer)
    app_id = (
        api(vol.volunteer)
        .post(f"/api/v1/opportunities/{made['id']}/applications", json={})
        .get_json()["id"]
    )
    refused = api(vol.coordinator).post(f"/api/v1/applications/{app_id}/contract", json=TERMS)
    assert refused.status_code == 409 and _code(refused) == "not_contractual"
    _made, other_app, _c = drafted(api, vol, publish)
    assert other_app
    made2, app2 = applied(api, vol, publish, who=UserFactory())
    bad = api(vol.coordinator).post(
        f"/api/v1/applications/{app2}/contract",
        json={
            "tasks": "   ",
            "insurance_reference": "R",
            "period_start": made2["ends_on"],
            "period_end": made2["starts_on"],
        },
        headers={"Accept-Language": "fr"},
    )
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) >= {"tasks", "period_end"}
    drafts = select(Contract.id).where(Contract.opportunity_id == made2["id"])
    assert db.session.scalar(drafts) is None


def test_no_confirmation_without_a_valid_authorisation(api, vol, publish):
    made, app_id, contract = drafted(api, vol, publish)
    for who in (vol.volunteer, vol.coordinator):
        assert api(who).post(f"/api/v1/contracts/{contract['id']}/sign").status_code == 200
    refused = api(vol.coordinator).post(
        f"/api/v1/applications/{app_id}/accept", headers={"Accept-Language": "fr"}
    )
    assert refused.status_code == 409 and _code(refused) == "authorization_required"
    assert "autorisation" in refused.get_json()["error"]["message"]
    # another kind of authorisation is not enough
    authorise(api, vol, kind="distribution")
    assert _code(api(vol.coordinator).post(f"/api/v1/applications/{app_id}/accept")) == (
        "authorization_required"
    )
    authorise(api, vol)
    assert api(vol.coordinator).post(f"/api/v1/applications/{app_id}/accept").status_code == 200
    db.session.expire_all()
    assert db.session.get(Application, app_id).status == "accepted"
    assert made["contractual"]


def test_an_under_18_volunteer_is_refused_even_with_a_contract(api, vol, publish):
    authorise(api, vol)
    young = UserFactory()
    made = publish(contractual=True)
    adult(api, young, year=dt.datetime.now(dt.UTC).year - 17)
    applied_now = api(young).post(f"/api/v1/opportunities/{made['id']}/applications", json={})
    app_id = applied_now.get_json()["id"]
    contract = api(vol.coordinator).post(f"/api/v1/applications/{app_id}/contract", json=TERMS)
    cid = contract.get_json()["id"]
    assert api(young).post(f"/api/v1/contracts/{cid}/sign").status_code == 200
    assert api(vol.coordinator).post(f"/api/v1/contracts/{cid}/sign").status_code == 200
    refused = api(vol.coordinator).post(f"/api/v1/applications/{app_id}/accept")
    assert refused.status_code == 409 and _code(refused) == "under_age"


def test_the_contract_pdf_has_both_languages(app, api, vol, publish, client):
    from tests.conftest import login

    authorise(api, vol)
    _made, _app_id, contract = drafted(api, vol, publish)
    api(vol.volunteer).post(f"/api/v1/contracts/{contract['id']}/sign")
    login(client, vol.volunteer)
    response = client.get(f"/volunteering/contracts/{contract['id']}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    page = client.get(f"/volunteering/contracts/{contract['id']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "AXA-2026-778" in html
    client.get("/logout")
    login(client, vol.outsider)
    assert client.get(f"/volunteering/contracts/{contract['id']}.pdf").status_code == 404
    assert client.get(f"/volunteering/contracts/{contract['id']}").status_code == 404


def test_drafted_from_the_queue_and_signed_from_its_page(api, vol, publish, logged_in):
    from tests.conftest import csrf_token

    authorise(api, vol)
    _made, app_id = applied(api, vol, publish)
    coordinator = logged_in(vol.coordinator)
    queue = f"/volunteering/associations/{vol.association.id}/queue"
    html = coordinator.get(queue).get_data(as_text=True)
    assert f"/volunteering/applications/{app_id}/contract" in html
    token = csrf_token(coordinator, queue)
    empty = coordinator.post(
        f"/volunteering/applications/{app_id}/contract",
        data={"csrf_token": token, "tasks": "", "insurance_reference": ""},
    )
    assert empty.status_code == 302 and db.session.scalar(select(Contract.id)) is None
    drafted_now = coordinator.post(
        f"/volunteering/applications/{app_id}/contract", data=dict(TERMS, csrf_token=token)
    )
    assert drafted_now.status_code == 302
    row = db.session.scalar(select(Contract))
    assert drafted_now.headers["Location"].endswith(f"/volunteering/contracts/{row.id}")
    volunteer = logged_in(vol.volunteer)
    page = f"/volunteering/contracts/{row.id}"
    assert f'action="{page}/sign"' in volunteer.get(page).get_data(as_text=True)
    # the volunteer may not change the terms from the page
    refused = volunteer.post(
        page, data=dict(TERMS, tasks="Autre", csrf_token=csrf_token(volunteer, page))
    )
    assert refused.status_code == 302
    signed = volunteer.post(f"{page}/sign", data={"csrf_token": csrf_token(volunteer, page)})
    assert signed.status_code == 302
    db.session.expire_all()
    row = db.session.get(Contract, row.id)
    assert row.tasks == TERMS["tasks"] and row.volunteer_signed_at is not None
    # after a signature the coordinator's form is gone and a post is refused
    assert 'name="tasks"' not in coordinator.get(page).get_data(as_text=True)
    late = coordinator.post(
        page, data=dict(TERMS, tasks="Autre", csrf_token=csrf_token(coordinator, page))
    )
    assert late.status_code == 302
    db.session.expire_all()
    assert db.session.get(Contract, row.id).tasks == TERMS["tasks"]
