"""Demo experts for ``jam3ia seed-demo``: five specialists across domains (Arabic and French
names and bios) and requests in every state: one offered and waiting for an answer, one taken
with its conversation open, one answered (the association agreed to publish it), one
answered, rated with an endorsement and published in the library as a redacted question and
answer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from app.accounts.models import User
from app.db import db, transaction, utcnow
from app.demo import demo_user
from directory import Region, user_memberships
from experts import publishing, services, sessions
from experts.models import Consultation, ExpertProfile
from experts.queries import history
from experts.sessions import LENGTH

# username: profile fields (regions by code)
EXPERTS: dict[str, dict[str, Any]] = {
    "salma": {
        "headline": "Avocate au barreau de Rabat, droit des associations",
        "bio": "Statuts, déclaration et renouvellement du bureau, contrats de travail et de "
        "bénévolat (loi 06-18), conventions de partenariat. Je réponds en français, en arabe "
        "et en anglais.",
        "domains": ["legal"],
        "languages": ["fr", "ar", "en"],
        "modes": ["question", "session"],
        "regions": ["rabat-sale-kenitra"],
        "monthly_capacity": 3,
        "weekly_slots": [
            {"weekday": 1, "start": "18:00", "end": "20:00"},
            {"weekday": 3, "start": "18:00", "end": "20:00"},
        ],
        "conflicts": "",
    },
    "youssef": {
        "headline": "Expert-comptable, comptes des associations et rapports aux bailleurs",
        "bio": "Tenue de la comptabilité associative, budget prévisionnel, rapport financier "
        "pour l'assemblée générale et pour les bailleurs, suivi et évaluation des projets.",
        "domains": ["accounting", "monitoring_evaluation"],
        "languages": ["fr", "ar"],
        "modes": ["question", "session", "project"],
        "regions": ["casablanca-settat", "marrakech-safi"],
        "monthly_capacity": 2,
        "weekly_slots": [
            {"weekday": 0, "start": "17:00", "end": "20:00"},
            {"weekday": 2, "start": "17:00", "end": "20:00"},
            {"weekday": 5, "start": "10:00", "end": "13:00"},
        ],
        "conflicts": "Trésorier bénévole de l'association Alpha (Casablanca).",
    },
    "rachid.amrani": {
        "headline": "أخصائي نفسي اجتماعي، مواكبة الأطفال والأسر في وضعية هشاشة",
        "bio": "أشتغل منذ عشر سنوات مع الجمعيات في الإنصات والدعم النفسي الاجتماعي، وتكوين "
        "المتطوعين على الإسعافات النفسية الأولية بعد الكوارث.",
        "domains": ["psychosocial"],
        "languages": ["ar", "zgh", "fr"],
        "modes": ["question", "session", "project"],
        "regions": ["souss-massa", "marrakech-safi"],
        "monthly_capacity": 4,
        "weekly_slots": [{"weekday": 5, "start": "09:00", "end": "12:00"}],
        "conflicts": "",
    },
    "loubna.skalli": {
        "headline": "Chargée de mobilisation de ressources et de communication",
        "bio": "Appels à projets, dossiers de financement, plan de communication, campagnes "
        "de dons en ligne ; gestion de projet pour les petites associations.",
        "domains": ["fundraising", "communication", "project_management"],
        "languages": ["fr", "ar", "en"],
        "modes": ["question", "session", "project"],
        "regions": ["casablanca-settat"],
        "monthly_capacity": 3,
        "weekly_slots": [{"weekday": 4, "start": "14:00", "end": "17:00"}],
        "conflicts": "",
    },
    "omar": {
        "headline": "Développeur web : sites, formulaires et outils numériques",
        "bio": "Site de l'association, formulaires d'adhésion, messagerie et partage de "
        "documents en sécurité ; je forme aussi les bénévoles aux outils.",
        "domains": ["it", "communication"],
        "languages": ["fr", "ar"],
        "modes": ["question", "session"],
        "regions": ["casablanca-settat"],
        "monthly_capacity": 2,
        "weekly_slots": [{"weekday": 2, "start": "19:00", "end": "21:00"}],
        "conflicts": "",
    },
}

# (asker, the role whose association asks, fields, what happens)
REQUESTS: list[tuple[str, str, dict[str, Any], str]] = [
    (
        "fatima",
        "admin",
        {
            "domain": "legal",
            "mode": "question",
            "language": "fr",
            "title": "Renouvellement du bureau : quels documents déposer ?",
            "question": "Notre assemblée générale a élu un nouveau bureau. Quels documents "
            "faut-il déposer auprès de l'autorité locale, et dans quel délai ?",
        },
        "offered",
    ),
    (
        "khadija",
        "admin",
        {
            "domain": "accounting",
            "mode": "session",
            "language": "ar",
            "title": "كيف نعد التقرير المالي للجمع العام؟",
            "question": "نحن جمعية صغيرة بإمليل، نحتاج إلى مساعدة لإعداد التقرير المالي السنوي "
            "وعرضه على الجمع العام، مع الوثائق المطلوبة من الممولين.",
        },
        "accepted",
    ),
    (
        "fatima",
        "admin",
        {
            "domain": "psychosocial",
            "mode": "question",
            "language": "ar",
            "title": "مواكبة الأطفال بعد الزلزال",
            "question": "نستقبل أطفالا من دواوير متضررة من الزلزال في أنشطة أسبوعية. كيف ندرب "
            "المتطوعين على الإنصات والتعامل مع علامات الصدمة؟",
        },
        "closed",
    ),
    (
        "nadia",
        "coordinator",
        {
            "domain": "fundraising",
            "mode": "question",
            "language": "fr",
            "title": "Monter un dossier pour un appel à projets",
            "question": "Nous voulons répondre à un appel à projets pour des ateliers de "
            "lecture. Comment présenter le budget et les indicateurs ?",
        },
        "rated",
    ),
    (
        "khadija",
        "admin",
        {
            "domain": "legal",
            "mode": "session",
            "language": "fr",
            "title": "Relire notre convention de partenariat avec la commune",
            "question": "La commune nous propose une convention pour gérer la maison des jeunes. "
            "Pouvons-nous la relire ensemble avant la signature ?",
        },
        "held",
    ),
]

ANSWERS = {
    "closed": "ابدأوا بتكوين قصير في الإسعافات النفسية الأولية: الإنصات دون استجواب، وتوفير "
    "الأمان، وإحالة الحالات الصعبة إلى مختص. أرسلت لكم دليلا مبسطا في المحادثة.",
    "held": "Nous avons relu la convention article par article : préciser la durée, les "
    "charges d'entretien et la clause de résiliation avant de signer.",
    "rated": "Partez des résultats attendus (nombre d'enfants, séances, progrès en lecture), "
    "puis un budget par activité avec les apports en nature valorisés. Je vous ai envoyé un "
    "modèle de cadre logique.",
}


def load_demo_experts() -> None:
    """The experts, then their requests (run again: no-op)."""
    regions = {r.code: r.id for r in db.session.scalars(select(Region))}
    if not db.session.scalar(select(func.count(ExpertProfile.id))):
        with transaction():
            for username, fields in EXPERTS.items():
                data = {k: v for k, v in fields.items() if k != "regions"}
                data["region_ids"] = [regions[c] for c in fields["regions"] if c in regions]
                services.create_profile(demo_user(username), {**data, "no_fee": True})
    if not db.session.scalar(select(func.count(Consultation.id))):
        with transaction():
            _demo_requests()


def _association(username: str, role: str) -> int | None:
    for m in user_memberships(demo_user(username).id):
        if m.role == role:
            return m.association_id
    return None


def _demo_requests() -> None:
    now = utcnow()
    for index, (asker, role, fields, state) in enumerate(REQUESTS):
        association_id = _association(asker, role)
        if association_id is None:
            continue
        when = now - dt.timedelta(days=2 * (len(REQUESTS) - index), hours=3)
        if state == "held":  # asked twelve days ago, its session took place since
            when = now - dt.timedelta(days=12)
        row = services.ask(demo_user(asker), {**fields, "association_id": association_id}, when)
        if state == "offered" or row.status != "offered":
            continue
        offer = next(o for o in history(row.id) if o.status == "open")
        expert = db.session.get(ExpertProfile, offer.expert_id)
        person = db.session.get(User, expert.user_id) if expert is not None else None
        if person is None:
            continue
        services.accept(person, offer, when + dt.timedelta(hours=5))
        if state == "accepted":  # messaging builds the chat's address: a request context
            with current_app.test_request_context():
                services.conversation(demo_user(asker), row)
            if row.mode == "session" and expert is not None:  # booked on a free hour
                free = sessions.free_hours(expert, now)
                if free:
                    sessions.book(demo_user(asker), row, free[0], now)
        if state == "held" and expert is not None:  # booked last week, held
            booked_on = when + dt.timedelta(hours=6)
            free = sessions.free_hours(expert, booked_on, days=14)
            past = [h for h in free if h < now - dt.timedelta(hours=2)]
            if past:
                session = sessions.book(demo_user(asker), row, past[0], booked_on)
                sessions.mark_held(person, session, ANSWERS[state], past[0] + LENGTH)
        if state in ("closed", "rated"):
            services.close(person, row, ANSWERS[state])
        if state == "rated":
            services.rate(
                demo_user(asker),
                row,
                5,
                "Réponse claire et rapide, le modèle nous a beaucoup aidés. Merci !",
                True,
            )
            # both sides agreed: the redacted question and answer help the next association
            publishing.consent(demo_user(asker), row)
            publishing.consent(person, row)
            publishing.publish(person, row, {})
        if state == "closed":  # the association agreed to publish; the expert has not yet
            publishing.consent(demo_user(asker), row)
