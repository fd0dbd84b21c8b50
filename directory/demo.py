"""Demo directory data.

``jam3ia seed-demo`` loads the hand-written associations of :mod:`directory.demo_associations`
and gives them members; the deterministic generator below (Arabic and French names, every
region, varied fields and sizes) makes large directories for ``jam3ia directory generate N``
and ``bench/search.py``."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select

from app.accounts.models import User
from app.db import db, utcnow
from app.demo import MORE_PEOPLE
from app.search.framework import reindex
from directory.demo_associations import ASSOCIATIONS
from directory.models import Association, City, Field, Membership, Province, association_fields
from directory.reference import load_reference_data

# (Arabic word with article, Latin transliterations)
NAME_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("الأمل", ("Al Amal", "El Amal")),
    ("النور", ("Annour", "Ennour", "An-Nour")),
    ("الوفاء", ("Al Wafae", "El Wafa")),
    ("الخير", ("Al Khair", "El Kheir")),
    ("السلام", ("Assalam", "Essalam")),
    ("الفتح", ("Al Fath", "El Fath")),
    ("النجاح", ("Annajah", "En-Najah")),
    ("التضامن", ("Attadamoun", "Ettadamoun")),
    ("المستقبل", ("Al Moustakbal", "El Mostakbal")),
    ("الرحمة", ("Arrahma", "Errahma")),
    ("الإحسان", ("Al Ihsane", "El Ihssane")),
    ("الفجر", ("Al Fajr", "El Fajr")),
    ("الياسمين", ("Al Yasmine", "Yasmine")),
    ("الزيتون", ("Azzaitoune", "Ezzitoune")),
    ("الأطلس", ("Al Atlas", "Atlas")),
    ("الواحة", ("Al Waha", "El Ouaha")),
    ("البركة", ("Al Baraka", "El Baraka")),
    ("الهدى", ("Al Houda", "El Houda")),
    ("الانطلاقة", ("Al Intilaka", "El Intilaka")),
    ("التحدي", ("Attahadi", "Ettahaddi")),
    ("الكرامة", ("Al Karama", "El Karama")),
    ("الصفاء", ("Assafae", "Essafa")),
    ("البسمة", ("Al Basma", "El Basma")),
    ("الغد", ("Al Ghad", "El Ghad")),
    ("الشروق", ("Achourouk", "Echourouk")),
    ("الربيع", ("Arrabie", "Errabii")),
    ("الريحان", ("Arrayhane", "Errihane")),
    ("الأرز", ("Al Arz", "El Arz")),
    ("تيفاوين", ("Tifawin", "Tifaouine")),
    ("أمودو", ("Amoudou", "Amoudou")),
    ("تودرت", ("Toudert", "Toudert")),
    ("أزير", ("Azir", "Azir")),
]

# field code -> (Arabic purpose, French purpose, description words fr, ar)
PURPOSES: dict[str, tuple[str, str, str, str]] = {
    "education": (
        "للتربية والتعليم",
        "pour l'éducation",
        "soutien scolaire et éducatif pour les enfants",
        "دعم مدرسي وتربوي للأطفال",
    ),
    "literacy": (
        "لمحو الأمية",
        "d'alphabétisation",
        "cours d'alphabétisation pour adultes",
        "دروس محو الأمية للكبار",
    ),
    "health": (
        "للصحة",
        "pour la santé",
        "caravanes médicales et sensibilisation à la santé",
        "قوافل طبية وتوعية صحية",
    ),
    "women": (
        "للمرأة",
        "des femmes",
        "autonomisation économique des femmes et coopératives",
        "التمكين الاقتصادي للنساء والتعاونيات",
    ),
    "youth": (
        "للشباب",
        "des jeunes",
        "activités culturelles et formation des jeunes",
        "أنشطة ثقافية وتكوين الشباب",
    ),
    "disability": (
        "للأشخاص في وضعية إعاقة",
        "des personnes handicapées",
        "inclusion des personnes en situation de handicap",
        "إدماج الأشخاص في وضعية إعاقة",
    ),
    "environment": (
        "للبيئة",
        "pour l'environnement",
        "protection de l'environnement et reboisement",
        "حماية البيئة والتشجير",
    ),
    "culture": (
        "للثقافة والفنون",
        "culturelle et artistique",
        "festival, théâtre et patrimoine local",
        "مهرجان ومسرح وتراث محلي",
    ),
    "sport": (
        "للرياضة",
        "sportive",
        "football, athlétisme et sport pour tous",
        "كرة القدم وألعاب القوى والرياضة للجميع",
    ),
    "human-rights": (
        "لحقوق الإنسان",
        "des droits humains",
        "défense des droits et accès à la justice",
        "الدفاع عن الحقوق والولوج إلى العدالة",
    ),
    "local-development": (
        "للتنمية المحلية",
        "pour le développement local",
        "développement local, eau potable et pistes rurales",
        "التنمية المحلية والماء الصالح للشرب والمسالك القروية",
    ),
}

SIZE_WEIGHTS = ((1, 19, 55), (20, 99, 33), (100, 2500, 12))


@dataclass
class _Ref:
    fields: list[Field]
    cities: list[City]
    provinces: dict[int, Province]


def _reference() -> _Ref:
    fields = list(db.session.scalars(select(Field).order_by(Field.position)))
    cities = list(db.session.scalars(select(City).order_by(City.id)))
    provinces = {p.id: p for p in db.session.scalars(select(Province))}
    return _Ref(fields, cities, provinces)


def generate(count: int, seed: int = 2026, start_index: int = 0) -> Iterator[dict[str, Any]]:
    """Rows for ``associations`` (plus ``field_ids``), deterministic for a seed.

    Needs the reference data loaded."""
    ref = _reference()
    rng = random.Random(seed)
    by_code = {f.code: f for f in ref.fields}
    purpose_codes = [c for c in PURPOSES if c in by_code]
    other_fields = [f for f in ref.fields if f.code not in PURPOSES]
    base = dt.datetime(2016, 1, 1, tzinfo=dt.UTC)
    for n in range(start_index, start_index + count):
        city = ref.cities[n % len(ref.cities)] if n < len(ref.cities) else rng.choice(ref.cities)
        province = ref.provinces[city.province_id]
        word_ar, latin = rng.choice(NAME_WORDS)
        word_lat = rng.choice(latin)
        main = by_code[rng.choice(purpose_codes)]
        field_ids = [main.id]
        if rng.random() < 0.45:
            extra = rng.choice(ref.fields)
            if extra.id not in field_ids:
                field_ids.append(extra.id)
        if rng.random() < 0.1 and other_fields:
            extra = rng.choice(other_fields)
            if extra.id not in field_ids:
                field_ids.append(extra.id)
        p_ar, p_fr, d_fr, d_ar = PURPOSES[main.code]
        style = rng.random()
        if style < 0.4:
            name = f"جمعية {word_ar} {p_ar}"
            alt = f"Association {word_lat} {p_fr}"
        elif style < 0.55:
            name = f"جمعية {word_ar} {p_ar} ب{city.name_ar}"
            alt = ""
        elif style < 0.85:
            name = f"Association {word_lat} {p_fr}"
            alt = f"جمعية {word_ar}"
        else:
            topic = p_fr.removeprefix("pour ").removeprefix("des ").capitalize()
            name = f"Association {topic} de {city.name_fr}"
            alt = f"جمعية {city.name_ar} {p_ar}"
        if n >= 50:
            name = f"{name} {n}" if rng.random() < 0.02 else name
        low, high, _w = rng.choices(SIZE_WEIGHTS, weights=[w for *_r, w in SIZE_WEIGHTS])[0]
        members = rng.randint(low, high)
        founded = rng.randint(1975, 2025)
        description = (
            f"{d_ar} في {city.name_ar}. "
            f"Notre association mène des actions de {d_fr} à {city.name_fr} ({province.name_fr})."
        )
        yield {
            "name": name,
            "name_alt": alt,
            "slug": f"demo-{seed}-{n}",
            "description": description,
            "status": "approved" if rng.random() > 0.03 else "pending",
            "region_id": province.region_id,
            "province_id": province.id,
            "city_id": city.id,
            "address": "",
            "member_count": members,
            "founded_year": founded,
            "email": f"contact{n}@example.ma",
            "phone": f"+212 5{rng.randint(20, 39)} {rng.randint(100000, 999999)}",
            "website": "",
            "created_at": base + dt.timedelta(minutes=n * 37 + rng.randint(0, 30)),
            "updated_at": base + dt.timedelta(minutes=n * 37 + 31),
            "field_ids": field_ids,
        }


def insert_generated(
    count: int, seed: int = 2026, batch: int = 2000, index: bool = True
) -> list[int]:
    """Insert ``count`` generated associations with bulk SQL (the outbox is bypassed: call
    ``jam3ia reindex`` or pass ``index=True`` to reindex). Returns the new ids."""

    if db.session.scalar(select(func.count()).select_from(Field)) == 0:
        load_reference_data()
    ids: list[int] = []
    rows: list[dict[str, Any]] = []

    def flush() -> None:
        field_lists = [row.pop("field_ids") for row in rows]
        new_ids = db.session.scalars(
            insert(Association).returning(Association.id, sort_by_parameter_order=True), rows
        ).all()
        ids.extend(new_ids)
        links = [
            {"association_id": new_id, "field_id": f}
            for new_id, field_ids in zip(new_ids, field_lists, strict=True)
            for f in field_ids
        ]
        if links:
            db.session.execute(insert(association_fields), links)
        db.session.commit()
        rows.clear()

    for row in generate(count, seed):
        rows.append(row)
        if len(rows) >= batch:
            flush()
    if rows:
        flush()
    if index:
        reindex("associations")
    return ids


#: demo person -> (association slug, role, status); amine is the newcomer who asked to join
DEMO_MEMBERSHIPS: dict[str, list[tuple[str, str, str]]] = {
    "fatima": [
        ("amal-taroudant", "admin", "approved"),
        ("chifae-taza", "coordinator", "approved"),
        ("tifawin-tafraout", "member", "approved"),
    ],
    "youssef": [
        ("alpha-casa", "admin", "approved"),
        ("reseau-marrakech", "coordinator", "approved"),
        ("droits-rabat", "member", "approved"),
    ],
    "khadija": [("atlas-imlil", "admin", "approved"), ("ennour-sale", "coordinator", "approved")],
    "omar": [("oasis-zagora", "admin", "approved"), ("fajr-errachidia", "member", "approved")],
    "salma": [("sourire-kenitra", "member", "approved"), ("chifae-taza", "member", "approved")],
    "hassan": [("ighrem-tata", "member", "approved"), ("amal-taroudant", "member", "approved")],
    "nadia": [
        ("femmes-settat", "coordinator", "approved"),
        ("tadamoun-tinghir", "admin", "approved"),
    ],
    "amine": [("numerique-agadir", "member", "pending")],
}


def load_demo_directory() -> None:
    """``jam3ia seed-demo``: reference data, 60 hand-written associations and their members."""

    load_reference_data()
    if db.session.scalar(select(func.count()).select_from(Association)):
        return
    rng = random.Random(2026)
    now = utcnow()
    cities = {c.code: c for c in db.session.scalars(select(City))}
    provinces = {p.id: p for p in db.session.scalars(select(Province))}
    fields = {f.code: f for f in db.session.scalars(select(Field))}
    by_slug: dict[str, Association] = {}
    for slug, name, alt, city_code, codes, founded, members, description in ASSOCIATIONS:
        city = cities[city_code]
        created = now - dt.timedelta(days=rng.randint(60, 95), minutes=rng.randint(0, 900))
        association = Association(
            name=name,
            name_alt=alt,
            slug=slug,
            description=description,
            status="approved",
            region_id=provinces[city.province_id].region_id,
            province_id=city.province_id,
            city_id=city.id,
            member_count=members,
            founded_year=founded,
            email=f"contact@{slug}.ma",
            phone=f"+212 5{rng.randint(20, 39)} {rng.randint(100000, 999999)}",
            created_at=created,
            updated_at=created + dt.timedelta(days=rng.randint(0, 40)),
        )
        association.fields = [fields[code] for code in codes]
        db.session.add(association)
        by_slug[slug] = association
    db.session.flush()
    _demo_members(by_slug, rng)
    db.session.commit()

    reindex("associations")


def _demo_members(by_slug: dict[str, Association], rng: random.Random) -> None:
    """The demo accounts' roles, then 1-4 more people on most associations (one admin each)."""

    users = {u.username: u for u in db.session.scalars(select(User))}
    taken: set[tuple[int, int]] = set()

    def join(association: Association, user: User, role: str, status: str) -> None:
        if (association.id, user.id) in taken:
            return
        taken.add((association.id, user.id))
        asked = association.created_at + dt.timedelta(
            days=rng.randint(1, 50), hours=rng.randint(0, 20)
        )
        db.session.add(
            Membership(
                association_id=association.id,
                user_id=user.id,
                role=role,
                status=status,
                message="Bonjour, je souhaite rejoindre l'association en tant que bénévole."
                if status == "pending"
                else "",
                created_at=asked,
                decided_at=asked + dt.timedelta(hours=rng.randint(2, 72))
                if status == "approved"
                else None,
            )
        )

    has_admin: set[int] = set()
    for username, rows in DEMO_MEMBERSHIPS.items():
        if username not in users:
            continue
        for slug, role, status in rows:
            join(by_slug[slug], users[username], role, status)
            if role == "admin":
                has_admin.add(by_slug[slug].id)
    pool = [users[u] for u, _n, _l in MORE_PEOPLE if u in users]
    if not pool:
        return
    for position, association in enumerate(by_slug.values()):
        if position % 6 == 5:  # a few associations have no member on the platform yet
            continue
        for k, person in enumerate(rng.sample(pool, rng.randint(1, 4))):
            if k == 0 and association.id not in has_admin:
                role = "admin"
            else:
                role = rng.choice(("member", "member", "coordinator"))
            join(association, person, role, "approved")
