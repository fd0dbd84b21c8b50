"""A caravan of three associations, five roles and 60 volunteers, driven to "ready" and then
"done" in the browser by the lead's coordinator: the plan, the volunteers' sign-ups and their
hours are made through the services (60 clicks would prove nothing more); marking ready, setting
off, marking done, verifying the hours, issuing the certificates and the showcase are clicked."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect
from sqlalchemy import func, select

from app.db import db, transaction
from directory import load_reference_data
from tests.factories import UserFactory
from tests.support import world as make
from volunteering import caravans, services
from volunteering.models import Certificate, Opportunity, VolunteerProfile

#: (association, component kind, title, day, roles with their quotas): 5 roles, 60 places
PLAN = [
    ("lead", "school_repair", "Réfection de l'école", 0, [("Peinture", 15), ("Menuiserie", 10)]),
    ("partner", "medical", "Journée médicale", 1, [("Accueil", 12), ("Traduction", 8)]),
    ("third", "children", "Ateliers pour les enfants", 1, [("Animation", 15)]),
]


def test_a_caravan_of_three_associations_and_60_volunteers_ready_then_done(
    new_page, api, monkeypatch
):
    load_reference_data()
    start = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=20)
    coords = {key: make.person(f"Coordination {key}") for key in ("lead", "partner", "third")}
    partner_admin = make.person("Admin partenaire")
    associations = {
        "lead": make.association("Qafilati Souss", coordinator=coords["lead"]),
        "partner": make.association(
            "Atlas Imlil", coordinator=coords["partner"], admin=partner_admin
        ),
        "third": make.association("Alpha Casa", coordinator=coords["third"]),
    }
    authorised = api(partner_admin).post(
        f"/api/v1/associations/{associations['partner'].id}/authorizations",
        json={
            "kind": "medical_campaign",
            "authority": "Délégation de la santé de Taroudant",
            "reference": "CM-2026-31",
            "valid_from": dt.datetime.now(dt.UTC).date().isoformat(),
            "valid_to": (start + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert authorised.status_code == 201, authorised.get_json()
    with transaction():
        row = caravans.create(
            coords["lead"],
            {
                "lead_association_id": associations["lead"].id,
                "title": "Qafilat Souss-Massa",
                "city_id": make.city_id("taroudant"),
                "douar": "Douar Aït Iazza",
                "starts_on": start,
                "ends_on": start + dt.timedelta(days=1),
            },
        )
        for key in ("partner", "third"):
            caravans.invite(coords["lead"], row, associations[key].id)
            caravans.answer_invitation(coords[key], row, associations[key].id, True)
        components = []
        for key, kind, title, day, roles in PLAN:
            components.append(
                caravans.add_component(
                    coords[key],
                    row,
                    {
                        "association_id": associations[key].id,
                        "kind": kind,
                        "title": title,
                        "day": start + dt.timedelta(days=day),
                        "start_time": "09:00",
                        "end_time": "15:00",
                        "roles": [{"title": t, "quota": q} for t, q in roles],
                    },
                )
            )
        caravans.move(coords["lead"], row, "planning")
        # 60 volunteers apply for a role; the component's coordinators accept them
        who_where = []
        for (key, _k, _t, _d, _r), component in zip(PLAN, components, strict=True):
            opportunity = db.session.get(Opportunity, component.opportunity_id)
            for role in caravans.roles_of([component])[component.id]:
                for _i in range(role.quota):
                    volunteer = UserFactory()
                    db.session.add(VolunteerProfile(user_id=volunteer.id, birth_year=1995))
                    application = services.apply(volunteer, opportunity, {"role_id": role.id})
                    services.answer(coords[key], application, opportunity, "accept")
                    who_where.append((volunteer, key, opportunity))
    assert len(who_where) == 60
    caravan_id = row.id

    page = new_page(coords["lead"], locale="fr-FR")
    page.goto(f"/volunteering/caravans/{caravan_id}")
    status = page.locator("#caravan-status")
    expect(status).to_have_text("En préparation")
    expect(page.locator(".car-role")).to_have_count(5)
    page.get_by_role("button", name="Marquer prête").click()
    expect(status).to_have_text("Prête")

    # the first day comes: the caravan sets off
    first = dt.datetime.combine(start, dt.time(7), dt.UTC)
    last = dt.datetime.combine(start + dt.timedelta(days=1), dt.time(19), dt.UTC)
    monkeypatch.setattr(caravans, "utcnow", lambda: first)
    page.get_by_role("button", name="Partir").click()
    expect(status).to_have_text("En cours")
    # the last day: each coordinator records the hours of their own volunteers
    monkeypatch.setattr(services, "utcnow", lambda: last)
    monkeypatch.setattr(caravans, "utcnow", lambda: last)
    with transaction():
        for volunteer, key, opportunity in who_where:
            services.enter_hours(
                coords[key],
                opportunity,
                {"volunteer_id": volunteer.id, "minutes": 300, "worked_on": opportunity.starts_on},
            )
    page.get_by_role("button", name="Marquer terminée").click()
    expect(status).to_have_text("Terminé")
    # the lead verifies its own components' hours here; the partners theirs
    page.get_by_role("button", name="Vérifier les heures de la caravane").click()
    expect(page.locator(".flash").first).to_contain_text("25 relevés d’heures vérifiés")
    with transaction():
        for key in ("partner", "third"):
            caravans.verify_hours(coords[key], caravans.get_caravan(caravan_id, coords[key]))
    page.get_by_role("button", name="Délivrer les attestations").click()
    expect(page.locator(".flash").first).to_contain_text("60 attestations délivrées")
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Certificate.id))) == 60

    # the showcase, for anyone: the figures, no names
    visitor = new_page(locale="fr-FR")
    visitor.goto(f"/volunteering/caravans/{caravan_id}/showcase")
    figures = visitor.locator(".car-figures")
    expect(figures).to_contain_text(re.compile(r"60\s*bénévoles"))
    expect(figures).to_contain_text(re.compile(r"3\s*associations"))
    expect(figures).to_contain_text(re.compile(r"300\s*heures données"))
    assert who_where[0][0].display_name not in visitor.content()
