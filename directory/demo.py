"""A deterministic generator of a realistic directory: Arabic and French names, every region,
varied fields and sizes. Used by ``jam3ia seed-demo`` and by ``bench/search.py``."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select

from app.db import db
from directory.models import Association, City, Field, Membership, Province, association_fields

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
    from directory.reference import load_reference_data

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
        from app.search.framework import reindex

        reindex("associations")
    return ids


def load_demo_directory() -> None:
    """``jam3ia seed-demo``: reference data, 300 associations, demo people as members."""
    from app.demo import demo_user
    from directory.reference import load_reference_data

    load_reference_data()
    if db.session.scalar(select(func.count()).select_from(Association)):
        return
    ids = insert_generated(300, seed=2026, index=False)
    people = ["fatima", "youssef", "khadija", "omar", "salma", "hassan", "nadia"]
    rng = random.Random(7)
    for position, username in enumerate(people):
        try:
            user = demo_user(username)
        except LookupError:
            continue
        for k, assoc_id in enumerate(rng.sample(ids, 3)):
            role = "admin" if k == 0 else ("coordinator" if k == 1 else "member")
            db.session.add(
                Membership(association_id=assoc_id, user_id=user.id, role=role, status="approved")
            )
        del position
    db.session.commit()
    from app.search.framework import reindex

    reindex("associations")
