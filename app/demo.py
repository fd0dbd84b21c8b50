"""Demo people for ``jam3ia seed-demo``: an administrator and a few members.

Every demo account's password is ``demo-password`` (README says so); features add their own
demo data after these people exist.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from app.accounts.models import User
from app.accounts.services import register_user
from app.db import db
from app.security import hash_password
from app.signals import user_created

DEMO_PASSWORD = "demo-password"  # noqa: S105 - documented demo credential

DEMO_PEOPLE = [
    ("admin", "Admin jam3ia", "ar", True),
    ("fatima", "فاطمة الزهراء", "ar", False),
    ("youssef", "Youssef Benali", "fr", False),
    ("khadija", "خديجة أمزيان", "ar", False),
    ("omar", "Omar El Idrissi", "fr", False),
    ("salma", "Salma Tazi", "en", False),
    ("hassan", "حسن أوعلي", "ar", False),
    ("nadia", "Nadia Chraibi", "fr", False),
    ("amine", "Amine Lahlou", "en", False),  # the newcomer: no association yet
]

#: What the demo people say of themselves and can do for an association (username: bio, skills).
DEMO_PROFILES = {
    "fatima": (
        "منسقة مشاريع في جمعية بفاس، أشتغل على محو الأمية ودعم النساء في الأحياء الشعبية.",
        ["تنسيق المشاريع", "محو الأمية", "كتابة طلبات الدعم"],
    ),
    "youssef": (
        "Trésorier bénévole, expert-comptable de métier. J'aide les associations à tenir "
        "leurs comptes et à préparer l'assemblée générale.",
        ["Comptabilité", "Rapport financier", "Assemblée générale"],
    ),
    "khadija": (
        "ممرضة متطوعة في القوافل الطبية بإقليم الحوز.",
        ["إسعافات أولية", "قوافل طبية", "توعية صحية"],
    ),
    "omar": (
        "Développeur web à Casablanca, je fais des sites et des formulaires pour les "
        "associations du quartier.",
        ["Développement web", "Réseaux sociaux", "Design"],
    ),
    "salma": (
        "Lawyer in Rabat; I answer associations' questions on statutes and declarations.",
        ["Law", "Statutes", "Translation"],
    ),
    "hassan": (
        "فاعل جمعوي في سوس، مهتم بالماء الصالح للشرب والطاقة الشمسية.",
        ["الطاقة الشمسية", "البناء"],
    ),
    "nadia": (
        "Enseignante, animatrice d'ateliers de lecture pour enfants.",
        ["Animation", "Lecture", "Soutien scolaire"],
    ),
}

#: More members for the demo associations (realistic names, none twice; locale ar or fr).
MORE_PEOPLE = [
    ("meryem.alaoui", "مريم العلوي", "ar"),
    ("abdellah.ouchen", "عبد الله أوشن", "ar"),
    ("zineb.bennani", "Zineb Bennani", "fr"),
    ("rachid.amrani", "رشيد العمراني", "ar"),
    ("houda.elfassi", "Houda El Fassi", "fr"),
    ("mustapha.ait", "مصطفى آيت باها", "ar"),
    ("loubna.skalli", "Loubna Skalli", "fr"),
    ("brahim.oubella", "إبراهيم أوبلا", "ar"),
    ("sanae.berrada", "Sanae Berrada", "fr"),
    ("mohamed.zerouali", "محمد الزروالي", "ar"),
    ("imane.kettani", "Imane Kettani", "fr"),
    ("aicha.boutaleb", "عائشة بوطالب", "ar"),
    ("karim.benjelloun", "Karim Benjelloun", "fr"),
    ("latifa.ouazzani", "لطيفة الوزاني", "ar"),
    ("hamza.tahiri", "Hamza Tahiri", "fr"),
    ("souad.lamrani", "سعاد اللمراني", "ar"),
    ("driss.maaroufi", "إدريس المعروفي", "ar"),
    ("ghita.sebti", "Ghita Sebti", "fr"),
    ("said.agouram", "سعيد أكورام", "ar"),
    ("najat.rifi", "نجاة الريفي", "ar"),
]


def load_demo_users() -> None:
    for username, name, locale, is_admin in DEMO_PEOPLE:
        if db.session.scalar(select(User.id).where(User.username == username)):
            continue
        register_user(
            username,
            f"{username}@demo.jam3ia.ma",
            DEMO_PASSWORD,
            display_name=name,
            locale=locale,
            is_admin=is_admin,
        )
    for username, (bio, skills) in DEMO_PROFILES.items():
        person = db.session.scalar(select(User).where(User.username == username))
        if person is not None and not person.bio:
            person.bio, person.skills = bio, skills
    db.session.commit()
    _load_more_people()


def _load_more_people() -> None:
    """The extra members share one password hash: hashing is deliberately slow, and twenty
    hashes of the same demo password would double the time ``seed-demo`` takes."""
    existing = set(db.session.scalars(select(User.username)))
    missing = [row for row in MORE_PEOPLE if row[0] not in existing]
    if not missing:
        return
    shared = hash_password(DEMO_PASSWORD)
    people = [
        User(
            username=username,
            email=f"{username}@demo.jam3ia.ma",
            display_name=name,
            password_hash=shared,
            locale=locale,
        )
        for username, name, locale in missing
    ]
    db.session.add_all(people)
    db.session.flush()
    for person in people:  # in the transaction, as register_user sends it
        user_created.send(current_app._get_current_object(), user_id=person.id)  # type: ignore[attr-defined]
    db.session.commit()


def demo_user(username: str) -> User:
    """A demo person by username (for features' demo loaders)."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise LookupError(f"demo user {username!r} is not loaded")
    return user
