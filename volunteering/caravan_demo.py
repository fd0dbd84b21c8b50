"""Demo caravans for ``jam3ia seed-demo``: Qafilat Souss-Massa, done six weeks ago in a douar
of Taroudant by three associations (a medical day, a school repair, children's workshops), with
its showcase and every volunteer's certificate; and the next one, in planning near Tata, close
to ready (one role short of its 80 % and the medical day's authorisation missing)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from app.db import db, transaction, utcnow
from app.demo import demo_user
from directory import Association, City
from volunteering import caravans, services
from volunteering.models import Caravan, Hours, Opportunity

#: The 20 demo people who volunteer, then hassan, salma and nadia.
VOLUNTEERS = (
    "meryem.alaoui",
    "abdellah.ouchen",
    "zineb.bennani",
    "rachid.amrani",
    "houda.elfassi",
    "mustapha.ait",
    "loubna.skalli",
    "brahim.oubella",
    "sanae.berrada",
    "mohamed.zerouali",
    "imane.kettani",
    "aicha.boutaleb",
    "karim.benjelloun",
    "latifa.ouazzani",
    "hamza.tahiri",
    "souad.lamrani",
    "driss.maaroufi",
    "ghita.sebti",
    "said.agouram",
    "najat.rifi",
    "hassan",
    "salma",
    "nadia",
)


def _association(slug: str) -> int:
    found = db.session.scalar(select(Association.id).where(Association.slug == slug))
    if found is None:
        raise LookupError(slug)
    return found


def _city(code: str) -> int:
    found = db.session.scalar(select(City.id).where(City.code == code))
    if found is None:
        raise LookupError(code)
    return found


def _component(who: str, row: Caravan, association: int, offset: int, **fields: Any) -> Any:
    return caravans.add_component(
        demo_user(who),
        row,
        {"association_id": association, "day": row.starts_on + dt.timedelta(days=offset)} | fields,
    )


def _fill(coordinator: str, component: Any, counts: list[int], people: list[Any]) -> list[Any]:
    """Accept ``counts[i]`` volunteers on the component's i-th role (through the applications);
    returns who was accepted."""
    opportunity = db.session.get(Opportunity, component.opportunity_id)
    assert opportunity is not None
    roles = caravans.roles_of([component])[component.id]
    accepted = []
    for role, count in zip(roles, counts, strict=True):
        for _i in range(count):
            who = people.pop(0)
            application = services.apply(who, opportunity, {"role_id": role.id})
            services.answer(demo_user(coordinator), application, opportunity, "accept")
            accepted.append(who)
    return accepted


def load_demo_caravans() -> None:
    """The two caravans (run again: no-op)."""
    if db.session.scalar(select(func.count(Caravan.id))):
        return
    people = [demo_user(name) for name in VOLUNTEERS]
    with transaction():
        for n, who in enumerate(people):
            services.save_profile(who, {"birth_year": 1986 + n % 12})
    with transaction():
        _past(list(people))
    with transaction():
        _next(list(reversed(people)))


def _past(people: list[Any]) -> None:
    amal, imlil, casa = (
        _association("amal-taroudant"),
        _association("atlas-imlil"),
        _association("alpha-casa"),
    )
    today = utcnow().date()
    row = caravans.create(
        demo_user("fatima"),
        {
            "lead_association_id": amal,
            "title": "قافلة سوس ماسة التضامنية · Qafilat Souss-Massa",
            "description": "ثلاث جمعيات، ثلاثة أيام في دوار أيت إعزة: يوم طبي مجاني، ترميم "
            "المدرسة الابتدائية وورشات للأطفال.\nTrois associations, trois jours au douar "
            "Aït Iazza : journée médicale gratuite, réfection de l'école et ateliers pour enfants.",
            "city_id": _city("taroudant"),
            "douar": "دوار أيت إعزة · Douar Aït Iazza",
            "starts_on": today + dt.timedelta(days=1),
            "ends_on": today + dt.timedelta(days=3),
        },
    )
    for slug, admin in ((imlil, "khadija"), (casa, "youssef")):
        caravans.invite(demo_user("fatima"), row, slug)
        caravans.answer_invitation(demo_user(admin), row, slug, True)
    medical = _component(
        "khadija",
        row,
        imlil,
        0,
        kind="medical",
        title="اليوم الطبي المجاني · Journée médicale",
        start_time="08:30",
        end_time="16:00",
        place="المستوصف القروي · Dispensaire rural",
        roles=[
            {"title": "Accueil et orientation", "quota": 5},
            {"title": "ترجمة أمازيغية", "quota": 2},
        ],
    )
    school = _component(
        "fatima",
        row,
        amal,
        1,
        kind="school_repair",
        title="ترميم المدرسة · Réfection de l'école",
        start_time="08:00",
        end_time="14:00",
        place="مدرسة أيت إعزة الابتدائية",
        roles=[{"title": "صباغة وإصلاح", "quota": 6}],
    )
    kids = _component(
        "youssef",
        row,
        casa,
        2,
        kind="children",
        title="Ateliers pour les enfants · ورشات الأطفال",
        start_time="10:00",
        end_time="13:00",
        place="Cour de l'école",
        roles=[{"title": "Animation", "quota": 4}],
    )
    caravans.add_load(
        demo_user("fatima"),
        row,
        {"kind": "aid_kit", "ref_id": 1, "label": "Kits scolaires · محافظ مدرسية", "quantity": 140},
    )
    worked = [
        (medical, _fill("khadija", medical, [5, 2], people), "khadija", 420),
        (school, _fill("fatima", school, [6], people), "fatima", 360),
        (kids, _fill("youssef", kids, [4], people), "youssef", 180),
    ]
    # six weeks later: the caravan took place, its hours are verified
    shift = dt.timedelta(days=(row.starts_on - today).days + 43)
    row.starts_on -= shift
    row.ends_on -= shift
    for component, volunteers, coordinator, minutes in worked:
        component.day -= shift
        opportunity = db.session.get(Opportunity, component.opportunity_id)
        assert opportunity is not None
        opportunity.starts_on = opportunity.ends_on = component.day
        for who in volunteers:
            db.session.add(
                Hours(
                    volunteer_id=who.id,
                    association_id=component.association_id,
                    opportunity_id=component.opportunity_id,
                    minutes=minutes,
                    worked_on=component.day,
                    entered_by_id=demo_user(coordinator).id,
                )
            )
    db.session.flush()
    now = utcnow()
    row.status, row.ready_at = "done", now - dt.timedelta(days=50)
    row.started_at, row.done_at = now - shift, now - shift + dt.timedelta(days=2)
    for coordinator in ("khadija", "fatima", "youssef"):
        caravans.verify_hours(demo_user(coordinator), row)
    row.people_reached = 640
    row.story_ar = (
        "في ثلاثة أيام، فحص الأطباء المتطوعون 312 شخصًا من الدوار والدواوير المجاورة، وأعاد "
        "الشباب صباغة أربعة أقسام وإصلاح نوافذها، واستفاد 140 طفلًا من المحافظ وورشات الرسم "
        "والمسرح. شكرًا لكل من شارك."
    )
    row.story_fr = (
        "En trois jours, les médecins bénévoles ont consulté 312 personnes du douar et des "
        "douars voisins, les jeunes ont repeint quatre classes et réparé leurs fenêtres, et 140 "
        "enfants ont reçu un cartable et participé aux ateliers de dessin et de théâtre. Merci à "
        "toutes et à tous."
    )
    db.session.flush()
    caravans.issue_certificates(demo_user("fatima"), row)


def _next(people: list[Any]) -> None:
    amal, imlil, casa = (
        _association("amal-taroudant"),
        _association("atlas-imlil"),
        _association("alpha-casa"),
    )
    today = utcnow().date()
    row = caravans.create(
        demo_user("fatima"),
        {
            "lead_association_id": amal,
            "title": "قافلة طاطا الطبية · Caravane médicale de Tata",
            "description": "Deuxième édition : journée médicale et réfection de la salle de "
            "classe du douar, avec l'association Atlas Imlil.",
            "city_id": _city("tata"),
            "douar": "دوار تكموت · Douar Tagmout",
            "starts_on": today + dt.timedelta(days=25),
            "ends_on": today + dt.timedelta(days=26),
        },
    )
    caravans.invite(demo_user("fatima"), row, imlil)
    caravans.answer_invitation(demo_user("khadija"), row, imlil, True)
    caravans.invite(demo_user("fatima"), row, casa)
    medical = _component(
        "khadija",
        row,
        imlil,
        0,
        kind="medical",
        title="Journée médicale · اليوم الطبي",
        start_time="08:30",
        end_time="16:00",
        place="Dispensaire de Tagmout",
        roles=[{"title": "Médecins et infirmiers", "quota": 4}, {"title": "Accueil", "quota": 6}],
    )
    school = _component(
        "fatima",
        row,
        amal,
        1,
        kind="school_repair",
        title="ترميم القسم · Réfection de la classe",
        start_time="08:00",
        end_time="13:00",
        place="مدرسة تكموت",
        roles=[{"title": "صباغة وإصلاح", "quota": 5}],
    )
    _fill("khadija", medical, [3, 5], people)
    _fill("fatima", school, [4], people)
    caravans.add_load(
        demo_user("fatima"),
        row,
        {"kind": "distribution", "ref_id": 1, "label": "Paniers alimentaires", "quantity": 80},
    )
    caravans.move(demo_user("fatima"), row, "planning")
