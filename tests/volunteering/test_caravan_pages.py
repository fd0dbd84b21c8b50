"""The caravan pages: the form, the plan with its checks and each association's actions
(invitation, component, sign-up), the refusal to be ready listed, the public schedule and the
showcase without any volunteer's name."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.db import db
from tests.conftest import csrf_token
from tests.volunteering.conftest import adult
from tests.volunteering.test_caravans import START, trio  # noqa: F401  (the fixture)
from volunteering.models import Application, Caravan, CaravanComponent


def test_a_caravan_planned_from_the_pages(api, trio, logged_in):  # noqa: F811
    lead = logged_in(trio.lead.coordinator)
    form = lead.get("/volunteering/caravans/new", headers={"Accept-Language": "fr"})
    assert form.status_code == 200 and "Nouvelle caravane" in form.get_data(as_text=True)
    token = csrf_token(lead, "/volunteering/caravans/new")
    body = {
        "csrf_token": token,
        "lead_association_id": trio.lead.association.id,
        "title": "Qafilat Souss-Massa",
        "city_id": trio.lead.city_id,
        "douar": "Douar Aït Iazza",
        "starts_on": START.isoformat(),
        "ends_on": (START - dt.timedelta(days=1)).isoformat(),
    }
    refused = lead.post("/volunteering/caravans/new", data=body)
    assert refused.status_code == 422 and "Douar Aït Iazza" in refused.get_data(as_text=True)
    body["ends_on"] = (START + dt.timedelta(days=1)).isoformat()
    made = lead.post("/volunteering/caravans/new", data=body)
    assert made.status_code == 303
    row = db.session.scalar(select(Caravan))
    path = f"/volunteering/caravans/{row.id}"
    lead.post(f"{path}/partners", data={"csrf_token": token, "association_id": trio.partner.id})
    partner = logged_in(trio.partner_coord)
    page = partner.get(path).get_data(as_text=True)
    assert "Participer" in page or "المشاركة" in page
    ptoken = csrf_token(partner, path)
    answered = partner.post(
        f"{path}/partners/{trio.partner.id}/accept", data={"csrf_token": ptoken}
    )
    assert answered.status_code == 303
    added = partner.post(
        f"{path}/components",
        data={
            "csrf_token": ptoken,
            "association_id": trio.partner.id,
            "kind": "medical",
            "title": "Journée médicale",
            "day": START.isoformat(),
            "start_time": "09:00",
            "end_time": "13:00",
            "place": "Dispensaire",
            "role_title": ["Médecins", ""],
            "role_quota": ["2", ""],
        },
    )
    assert added.status_code == 303
    component = db.session.scalar(select(CaravanComponent))
    assert component.association_id == trio.partner.id
    lead.post(f"{path}/planning", data={"csrf_token": token})
    # a volunteer signs up from the plan (the opportunity's application, with the role)
    adult(api, trio.lead.volunteer)
    volunteer = logged_in(trio.lead.volunteer)
    plan = volunteer.get(path).get_data(as_text=True)
    assert f"/volunteering/{component.opportunity_id}/apply" in plan
    vtoken = csrf_token(volunteer, path)
    role_id = int(plan.split('name="role_id" value="')[1].split('"')[0])
    volunteer.post(
        f"/volunteering/{component.opportunity_id}/apply",
        data={"csrf_token": vtoken, "role_id": role_id},
    )
    application = db.session.scalar(select(Application))
    assert application.role_id == role_id
    api(trio.partner_coord).post(f"/api/v1/applications/{application.id}/accept")
    # the lead asks for ready: every missing condition is listed on the page, in French
    lead.get("/", headers={"Accept-Language": "fr"})
    api(trio.lead.coordinator).patch("/api/v1/me", json={"locale": "fr"})
    refused = lead.post(f"{path}/ready", data={"csrf_token": token}, follow_redirects=True)
    html = refused.get_data(as_text=True)
    assert "campagne médicale gratuite" in html and "« Médecins »" in html
    assert db.session.get(Caravan, row.id).status == "planning"
    # the partner sees its volunteer's name; another volunteer and visitors never do
    assert trio.lead.volunteer.display_name in partner.get(path).get_data(as_text=True)
    outsider = logged_in(trio.lead.outsider).get(path).get_data(as_text=True)
    assert trio.lead.volunteer.display_name not in outsider
    schedule = api(None).get(f"{path}/schedule")
    text = schedule.get_data(as_text=True)
    assert schedule.status_code == 200 and "Journée médicale" in text and "09:00" in text
    assert trio.lead.volunteer.display_name not in text
    # the list, the edit form, and no showcase before the end
    assert "Qafilat Souss-Massa" in lead.get("/volunteering/caravans").get_data(as_text=True)
    assert lead.get(f"{path}/edit").status_code == 200
    assert partner.get(f"{path}/edit").status_code == 403
    assert api(None).get(f"{path}/showcase").status_code == 404
    row.status, row.people_reached, row.story_fr = "done", 300, "Une belle journée."
    db.session.commit()
    showcase = api(None).get(f"{path}/showcase").get_data(as_text=True)
    assert "300" in showcase and "Une belle journée." in showcase
    assert trio.lead.volunteer.display_name not in showcase
