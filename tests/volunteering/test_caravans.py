"""Caravans through the API: the plan of three associations, the invitations, each
association's own components, the readiness rules (80 % of every role's quota, the
authorisations of medical days and distributions), the states with a jumping clock, the hours
verified and the certificates issued at once, and what visitors may read (no names)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.db import db
from directory import Association
from tests.support import world as make
from tests.volunteering.conftest import Vol, adult
from volunteering import caravans as caravan_services
from volunteering import services
from volunteering.models import Certificate, Hours

TODAY = dt.datetime.now(dt.UTC).date()
START = TODAY + dt.timedelta(days=20)


@dataclass
class Trio:
    lead: Vol
    partner: Association
    partner_coord: User
    third: Association
    third_coord: User


@pytest.fixture
def trio(vol: Vol) -> Trio:
    partner_coord, third_coord = make.person("Salma partner"), make.person("Ali third")
    partner = make.association("Tanmia Taroudant", coordinator=partner_coord)
    third = make.association("Amal Sebt Guerdane", coordinator=third_coord)
    db.session.commit()
    return Trio(vol, partner, partner_coord, third, third_coord)


def authorise(api: Any, admin: User, association_id: int, kind: str) -> None:
    response = api(admin).post(
        f"/api/v1/associations/{association_id}/authorizations",
        json={
            "kind": kind,
            "authority": "Délégation de la santé de Taroudant",
            "reference": f"{kind}-2026",
            "valid_from": (TODAY - dt.timedelta(days=5)).isoformat(),
            "valid_to": (TODAY + dt.timedelta(days=200)).isoformat(),
        },
    )
    assert response.status_code == 201, response.get_json()


def new_caravan(api: Any, trio: Trio, **changes: Any) -> dict[str, Any]:
    body = {
        "lead_association_id": trio.lead.association.id,
        "title": "Qafilat Souss-Massa",
        "description": "Journée médicale, réfection de l'école et activités pour les enfants.",
        "city_id": trio.lead.city_id,
        "douar": "Douar Aït Iazza",
        "starts_on": START.isoformat(),
        "ends_on": (START + dt.timedelta(days=2)).isoformat(),
        "campaign_id": 7,
    } | changes
    response = api(trio.lead.coordinator).post("/api/v1/caravans", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def component(api: Any, who: User, caravan_id: int, **changes: Any) -> Any:
    body = {
        "kind": "school_repair",
        "title": "Réfection de l'école",
        "day": START.isoformat(),
        "start_time": "09:00",
        "end_time": "13:00",
        "place": "École primaire du douar",
        "roles": [{"title": "Peinture", "quota": 5}],
    } | changes
    return api(who).post(f"/api/v1/caravans/{caravan_id}/components", json=body)


def join_partners(api: Any, trio: Trio, caravan_id: int) -> None:
    for association, coord in ((trio.partner, trio.partner_coord), (trio.third, trio.third_coord)):
        invited = api(trio.lead.coordinator).post(
            f"/api/v1/caravans/{caravan_id}/partners", json={"association_id": association.id}
        )
        assert invited.status_code == 201, invited.get_json()
        accepted = api(coord).post(
            f"/api/v1/caravans/{caravan_id}/partners/{association.id}/accept"
        )
        assert accepted.status_code == 200, accepted.get_json()


def confirm(api: Any, coordinator: User, opportunity_id: int, role_id: int, n: int) -> list[User]:
    people = []
    for _i in range(n):
        who = make.person()
        adult(api, who)
        applied = api(who).post(
            f"/api/v1/opportunities/{opportunity_id}/applications", json={"role_id": role_id}
        )
        assert applied.status_code == 201, applied.get_json()
        answer = api(coordinator).post(f"/api/v1/applications/{applied.get_json()['id']}/accept")
        assert answer.status_code == 200, answer.get_json()
        people.append(who)
    return people


def test_a_caravan_of_three_associations_is_ready_only_with_80_percent_and_authorisations(
    api, trio, monkeypatch
):
    caravan = new_caravan(api, trio)
    cid = caravan["id"]
    assert caravan["status"] == "draft" and caravan["campaign_id"] == 7
    # a partner not yet invited cannot add a component; an outsider does not even see the draft
    refused = component(api, trio.partner_coord, cid)
    assert refused.status_code == 404
    join_partners(api, trio, cid)
    # each association adds its own component
    repair = component(api, trio.lead.coordinator, cid)
    assert repair.status_code == 201, repair.get_json()
    medical = component(
        api,
        trio.partner_coord,
        cid,
        association_id=trio.partner.id,
        kind="medical",
        title="Journée médicale",
        day=(START + dt.timedelta(days=1)).isoformat(),
        roles=[{"title": "Médecins", "quota": 3}, {"title": "Accueil", "quota": 5}],
    )
    assert medical.status_code == 201, medical.get_json()
    kids = component(
        api,
        trio.third_coord,
        cid,
        association_id=trio.third.id,
        kind="children",
        title="Ateliers pour les enfants",
        roles=[{"title": "Animation", "quota": 2}],
    )
    assert kids.status_code == 201, kids.get_json()
    # a partner's coordinator cannot edit the lead's component, nor add one for another
    medical_id, repair_id = medical.get_json()["id"], repair.get_json()["id"]
    other = api(trio.partner_coord).patch(
        f"/api/v1/caravans/{cid}/components/{repair_id}", json={"title": "Pris !"}
    )
    assert other.status_code == 403
    assert component(api, trio.partner_coord, cid, association_id=trio.third.id).status_code == 403
    own = api(trio.partner_coord).patch(
        f"/api/v1/caravans/{cid}/components/{medical_id}", json={"place": "Dispensaire"}
    )
    assert own.status_code == 200 and own.get_json()["place"] == "Dispensaire"
    # the load: an aid distribution by id
    load = api(trio.partner_coord).post(
        f"/api/v1/caravans/{cid}/loads",
        json={
            "kind": "distribution",
            "ref_id": 42,
            "label": "Paniers d'hiver",
            "quantity": 120,
            "component_id": medical_id,
        },
    )
    assert load.status_code == 201, load.get_json()
    assert api(trio.lead.coordinator).post(f"/api/v1/caravans/{cid}/planning").status_code == 200

    # volunteers sign up through the opportunities; 80 % of each quota, except one role
    detail = api(trio.lead.coordinator).get(f"/api/v1/caravans/{cid}").get_json()
    by_title = {c["title"]: c for c in detail["components"]}
    coords = {
        "Réfection de l'école": trio.lead.coordinator,
        "Journée médicale": trio.partner_coord,
        "Ateliers pour les enfants": trio.third_coord,
    }
    for title, comp in by_title.items():
        for role in comp["roles"]:
            n = role["needed"] - (1 if role["title"] == "Accueil" else 0)
            confirm(api, coords[title], comp["opportunity_id"], role["id"], n)
    # each missing condition, translated in the reader's language
    api(trio.lead.coordinator).patch("/api/v1/me", json={"locale": "fr"})
    refused = api(trio.lead.coordinator).post(f"/api/v1/caravans/{cid}/ready")
    assert refused.status_code == 409, refused.get_json()
    error = refused.get_json()["error"]
    assert error["code"] == "not_ready"
    assert sorted(error["fields"]["codes"]) == ["authorization", "quota"]
    assert any(
        "« Accueil »" in c and "3 bénévoles confirmés sur 5" in c and "4 requis" in c
        for c in error["fields"]["checks"]
    ), error
    assert any("campagne médicale gratuite" in c for c in error["fields"]["checks"])
    api(trio.lead.coordinator).patch("/api/v1/me", json={"locale": "ar"})
    arabic = api(trio.lead.coordinator).post(f"/api/v1/caravans/{cid}/ready").get_json()
    assert "القافلة ليست جاهزة بعد" in arabic["error"]["message"]
    assert "Accueil" in arabic["error"]["message"]

    accueil = next(r for r in by_title["Journée médicale"]["roles"] if r["title"] == "Accueil")
    confirm(
        api, trio.partner_coord, by_title["Journée médicale"]["opportunity_id"], accueil["id"], 1
    )
    still = api(trio.lead.coordinator).post(f"/api/v1/caravans/{cid}/ready").get_json()
    assert still["error"]["fields"]["codes"] == ["authorization"]
    # the lead's authorisation does not count for the partner's medical day
    authorise(api, trio.lead.admin, trio.lead.association.id, "medical_campaign")
    assert api(trio.lead.coordinator).post(f"/api/v1/caravans/{cid}/ready").status_code == 409
    partner_admin = make.person("Partner admin")
    make.join(trio.partner, partner_admin, "admin")
    authorise(api, partner_admin, trio.partner.id, "medical_campaign")
    # only the lead marks it ready
    assert api(trio.partner_coord).post(f"/api/v1/caravans/{cid}/ready").status_code == 403
    ready = api(trio.lead.coordinator).post(f"/api/v1/caravans/{cid}/ready")
    assert ready.status_code == 200 and ready.get_json()["status"] == "ready"
    # the plan no longer changes
    late = component(api, trio.lead.coordinator, cid)
    assert late.status_code == 409

    # under way from the first day only, done from the last: the clock jumps
    assert api(trio.lead.coordinator).post(f"/api/v1/caravans/{cid}/under-way").status_code == 409
    day = lambda n: dt.datetime.combine(START + dt.timedelta(days=n), dt.time(18), dt.UTC)  # noqa: E731
    monkeypatch.setattr(caravan_services, "utcnow", lambda: day(0))
    assert api(trio.lead.coordinator).post(f"/api/v1/caravans/{cid}/under-way").status_code == 200
    assert api(trio.lead.coordinator).post(f"/api/v1/caravans/{cid}/done").status_code == 409
    # hours of the caravan's days, entered by the coordinators, then verified at once
    monkeypatch.setattr(services, "utcnow", lambda: day(2))
    monkeypatch.setattr(caravan_services, "utcnow", lambda: day(2))
    volunteers = []
    for title, comp in by_title.items():
        rows = (
            api(coords[title])
            .get(f"/api/v1/opportunities/{comp['opportunity_id']}/applications")
            .get_json()["items"]
        )
        for row in rows:
            made = api(coords[title]).post(
                f"/api/v1/opportunities/{comp['opportunity_id']}/hours",
                json={
                    "volunteer_id": row["volunteer_id"],
                    "minutes": 240,
                    "worked_on": comp["day"],
                },
            )
            assert made.status_code == 201, made.get_json()
            volunteers.append(row["volunteer_id"])
    # certificates only once done, and only by the lead
    assert (
        api(trio.lead.coordinator).post(f"/api/v1/caravans/{cid}/certificates").status_code == 409
    )
    assert api(trio.lead.coordinator).post(f"/api/v1/caravans/{cid}/done").status_code == 200
    assert api(trio.partner_coord).post(f"/api/v1/caravans/{cid}/certificates").status_code == 403
    verified = [
        api(who).post(f"/api/v1/caravans/{cid}/hours/verify").get_json()["count"]
        for who in (trio.lead.coordinator, trio.partner_coord, trio.third_coord)
    ]
    assert sum(verified) == len(volunteers) and all(verified)
    assert db.session.scalar(select(func.count(Hours.id)).where(Hours.status == "pending")) == 0
    issued = api(trio.lead.coordinator).post(f"/api/v1/caravans/{cid}/certificates")
    assert issued.status_code == 201 and issued.get_json()["count"] == len(set(volunteers))
    again = api(trio.lead.coordinator).post(f"/api/v1/caravans/{cid}/certificates")
    assert again.get_json()["count"] == 0  # one per volunteer, whatever the clicks
    cert = db.session.scalar(select(Certificate).where(Certificate.caravan_id == cid).limit(1))
    assert cert.minutes == 240 and "Tanmia Taroudant" in cert.association_name
    check = api(None).get(f"/api/v1/certificates/verify/{cert.code}").get_json()
    assert check["hours"] == 4.0

    # the showcase: the lead types the people reached and the story; anyone reads the figures
    api(trio.lead.coordinator).patch(
        f"/api/v1/caravans/{cid}",
        json={"people_reached": 640, "story_ar": "قافلة ناجحة", "story_fr": "Une belle caravane"},
    )
    shown = api(None).get(f"/api/v1/caravans/{cid}/showcase")
    assert shown.status_code == 200, shown.get_json()
    figures = shown.get_json()
    assert figures["volunteers"] == len(set(volunteers)) and figures["association_count"] == 3
    assert figures["components"] == 3 and figures["people_reached"] == 640
    assert figures["certificates"] == len(set(volunteers))


def test_visitors_read_the_schedule_without_names_and_drafts_stay_private(api, trio):
    caravan = new_caravan(api, trio)
    cid = caravan["id"]
    made = component(api, trio.lead.coordinator, cid, roles=[{"title": "Peinture", "quota": 2}])
    comp = made.get_json()
    volunteer = confirm(
        api, trio.lead.coordinator, comp["opportunity_id"], comp["roles"][0]["id"], 1
    )[0]
    # a draft: not public, and hidden from people outside its associations
    assert api(None).get(f"/api/v1/caravans/{cid}/schedule").status_code == 404
    assert api(trio.lead.outsider).get(f"/api/v1/caravans/{cid}").status_code == 404
    assert api(None).get(f"/api/v1/caravans/{cid}").status_code == 401
    assert api(trio.lead.coordinator).post(f"/api/v1/caravans/{cid}/planning").status_code == 200
    schedule = api(None).get(f"/api/v1/caravans/{cid}/schedule")
    assert schedule.status_code == 200
    text = str(schedule.get_json())
    assert "Réfection de l'école" in text and "09:00" in text
    assert volunteer.display_name not in text
    # signed-in people see the plan; names only for the component's association
    seen = api(trio.lead.outsider).get(f"/api/v1/caravans/{cid}").get_json()
    assert seen["components"][0]["roles"][0]["volunteers"] == []
    managers = api(trio.lead.coordinator).get(f"/api/v1/caravans/{cid}").get_json()
    assert managers["components"][0]["roles"][0]["volunteers"] == [volunteer.display_name]
    page = api(None).get(f"/volunteering/caravans/{cid}/schedule")
    assert page.status_code == 200 and volunteer.display_name not in page.get_data(as_text=True)
    # not done: no showcase yet; the plan's pages need a sign-in
    assert api(None).get(f"/api/v1/caravans/{cid}/showcase").status_code == 404
    assert api(None).get(f"/volunteering/caravans/{cid}").status_code == 302
    # an outsider cannot move it, invite or edit it
    assert api(trio.lead.outsider).post(f"/api/v1/caravans/{cid}/cancel").status_code == 403
    assert (
        api(trio.lead.outsider)
        .patch(f"/api/v1/caravans/{cid}", json={"title": "Autre"})
        .status_code
        == 403
    )
    # refused inputs: a day outside the caravan, times backwards, an unknown commune
    bad = component(
        api,
        trio.lead.coordinator,
        cid,
        day=(START + dt.timedelta(days=9)).isoformat(),
        start_time="14:00",
        end_time="10:00",
    )
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) == {"day", "end_time"}
    wrong = api(trio.lead.coordinator).post(
        "/api/v1/caravans",
        json={
            "lead_association_id": trio.lead.association.id,
            "title": "X",
            "city_id": 999999,
            "douar": "Y",
            "starts_on": START.isoformat(),
            "ends_on": (START - dt.timedelta(days=1)).isoformat(),
        },
    )
    assert wrong.status_code == 422
    assert set(wrong.get_json()["error"]["fields"]) == {"city_id", "ends_on"}
    cancelled = api(trio.lead.coordinator).post(f"/api/v1/caravans/{cid}/cancel")
    assert cancelled.get_json()["status"] == "cancelled"
    assert api(None).get(f"/api/v1/caravans/{cid}/schedule").status_code == 404


def test_readiness_rules():
    assert [caravan_services.needed(q) for q in (1, 4, 5, 10, 3)] == [1, 4, 4, 8, 3]
