"""Demo volunteering for ``jam3ia seed-demo``: calls for volunteers in Arabic and French from
demo associations (a school repair caravan near Taroudant, online tutoring from Casablanca, a
medical day in Asni), roles and shifts, applications in every state, and a volunteer with
verified hours and a certificate. Every text passes the volunteering rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from app.db import db, transaction, utcnow
from app.demo import demo_user
from directory import City, user_memberships
from volunteering import contracts, services
from volunteering.models import Hours, Opportunity, Role, Shift, Signup

# (demo administrator, city code or None for remote, fields); days count from today
CALLS: list[tuple[str, str | None, dict[str, Any]]] = [
    (
        "fatima",
        "taroudant",
        {
            "title": "قافلة ترميم مدرسة دوار أيت عبد الله",
            "description": "نبحث عن متطوعين لترميم أقسام مدرسة الدوار وصباغتها قبل الدخول "
            "المدرسي: إصلاح النوافذ، الصباغة، وتنظيم أنشطة للأطفال. "
            "النقل والأكل والمبيت على الجمعية، والمشاركة مجانية.",
            "skills": ["construction", "animation", "logistics"],
            "min_age": 18,
            "roles": [
                {"title": "صباغة وإصلاح", "quota": 8},
                {"title": "أنشطة الأطفال", "quota": 4},
            ],
            "days": (20, 22),
            "shifts": [(20, 8, 14, 12), (21, 8, 14, 12), (22, 8, 12, 12)],
        },
    ),
    (
        "youssef",
        None,
        {
            "title": "Soutien scolaire en ligne pour collégiens",
            "description": "Deux heures par semaine en visio pour accompagner des collégiens "
            "en mathématiques et en français. Nous fournissons les supports et un "
            "accompagnement des bénévoles.",
            "skills": ["teaching", "it"],
            "remote": True,
            "min_age": 18,
            "roles": [{"title": "Tuteur ou tutrice", "quota": 10}],
            "days": (7, 90),
            "shifts": [(9, 17, 19, 5), (16, 17, 19, 5)],
        },
    ),
    (
        "khadija",
        "asni",
        {
            "title": "Journée médicale au profit des habitants d'Imlil",
            "description": "Accueil des patients, orientation et traduction tamazight-français "
            "pour les médecins bénévoles de la journée. Une formation courte aux premiers "
            "secours est offerte aux bénévoles la veille.",
            "skills": ["health", "translation", "first_aid"],
            "min_age": 18,
            "contractual": True,
            "roles": [
                {"title": "Accueil et orientation", "quota": 6},
                {"title": "Traduction", "quota": 3},
            ],
            "days": (30, 30),
            "shifts": [(30, 8, 16, 9)],
        },
    ),
]


def _city_id(code: str) -> int:
    found = db.session.scalar(select(City.id).where(City.code == code))
    if found is None:
        raise LookupError(code)
    return found


def _run_by(name: str) -> int:
    return next(m.association_id for m in user_memberships(demo_user(name).id) if m.role == "admin")


def _payload(name: str, city: str | None, fields: dict[str, Any]) -> dict[str, Any]:
    today = utcnow().date()
    first, last = fields["days"]

    def at(day: int, hour: int) -> dt.datetime:
        return dt.datetime.combine(today + dt.timedelta(days=day), dt.time(hour), tzinfo=dt.UTC)

    return {
        "association_id": _run_by(name),
        "title": fields["title"],
        "description": fields["description"],
        "skills": fields["skills"],
        "city_id": _city_id(city) if city else None,
        "remote": fields.get("remote", False),
        "starts_on": today + dt.timedelta(days=first),
        "ends_on": today + dt.timedelta(days=last),
        "min_age": fields["min_age"],
        "contractual": fields.get("contractual", False),
        "roles": fields["roles"],
        "shifts": [
            {"starts_at": at(day, start), "ends_at": at(day, end), "capacity": capacity}
            for day, start, end, capacity in fields["shifts"]
        ],
    }


def load_demo_volunteering() -> None:
    """The calls, then applications, a sign-up and verified hours (run again: no-op)."""
    if db.session.scalar(select(func.count(Opportunity.id))):
        return
    with transaction():
        made = [services.publish(demo_user(n), _payload(n, c, f)) for n, c, f in CALLS]
    with transaction():
        _demo_people(made)


def _demo_people(made: list[Opportunity]) -> None:
    caravan, tutoring, medical = made
    hassan, salma, nadia = demo_user("hassan"), demo_user("salma"), demo_user("nadia")
    services.save_profile(
        hassan,
        {
            "skills": ["construction", "driving"],
            "languages": ["ar", "ary", "zgh"],
            "availability": "العطل المدرسية ونهاية الأسبوع",
            "visibility": "network",
            "birth_year": 1994,
            "emergency_contact": "Brahim (frère)",
        },
    )
    services.save_profile(
        salma,
        {"skills": ["animation", "teaching"], "languages": ["ar", "fr"], "adult_declared": True},
    )
    services.save_profile(
        nadia, {"skills": ["teaching"], "languages": ["fr", "ar"], "birth_year": 1988}
    )
    roles = {r.opportunity_id: r for r in db.session.scalars(select(Role).order_by(Role.id.desc()))}
    accepted = services.apply(
        hassan, caravan, {"role_id": roles[caravan.id].id, "message": "عندي تجربة في الصباغة"}
    )
    services.answer(demo_user("fatima"), accepted, caravan, "accept")
    services.apply(salma, caravan, {"message": "Je peux animer des ateliers de dessin."})
    services.apply(nadia, tutoring, {"message": "Professeure de français, disponible le mercredi."})
    medical_application = services.apply(salma, medical, {})
    # the medical day is contractual: its coordinator drafts Salma's contract, she signs it
    contract = contracts.create(
        demo_user("khadija"),
        medical_application,
        medical,
        {
            "tasks": "Accueil et orientation des patients, traduction tamazight-français",
            "expenses": "Transport depuis Marrakech et repas de la journée",
            "insurance_reference": "RC-ASSO-2026-0417",
        },
    )
    contracts.sign(salma, contract)
    first = db.session.scalars(
        select(Shift).where(Shift.opportunity_id == caravan.id).order_by(Shift.starts_at)
    ).first()
    assert first is not None
    services.sign_up(hassan, first, caravan)
    # a past day of the caravan's previous edition, checked out and verified
    day = utcnow() - dt.timedelta(days=40)
    past = Shift(
        opportunity_id=caravan.id,
        starts_at=day.replace(hour=8, minute=0, second=0, microsecond=0),
        ends_at=day.replace(hour=14, minute=0, second=0, microsecond=0),
        capacity=12,
        taken=1,
    )
    db.session.add(past)
    db.session.flush()
    signup = Signup(
        shift_id=past.id,
        volunteer_id=hassan.id,
        checked_in_at=past.starts_at,
        checked_out_at=past.ends_at,
    )
    db.session.add(signup)
    db.session.flush()
    hours = Hours(
        volunteer_id=hassan.id,
        association_id=caravan.association_id,
        opportunity_id=caravan.id,
        signup_id=signup.id,
        minutes=360,
        worked_on=past.starts_at.date(),
    )
    db.session.add(hours)
    db.session.flush()
    services.verify_hours(demo_user("fatima"), hours)
    services.issue_certificate(hassan, caravan.association_id)
