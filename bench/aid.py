"""Aid benchmark (figures, not pass/fail): household registration with its duplicate check.

``--count`` households (100,000 by default) are bulk-loaded into one association, with their
keyed tokens computed by the functions registration uses (``app.privacy.phone_token``,
``national_id_token``, ``name_token``, ``name_tokens``) and their personal fields encrypted;
then ``--runs`` registrations go through ``aid.services.register_household`` (tokens, name
keys, the duplicate check, the duplicate cases, commit), a tenth of them duplicates of a
loaded household written in the other script. Printed: p50/p95/max of a registration, and the
query plans of the duplicate check's lookups (``EXPLAIN`` on PostgreSQL, ``EXPLAIN QUERY
PLAN`` on SQLite), to show they are indexed.

On SQLite in a temporary instance folder, or in a PostgreSQL schema of its own::

    .venv/bin/python -m bench.aid [--count 100000] [--runs 300]
    .venv/bin/python -m bench.aid --database-url postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, insert, select, text

from app import create_app
from app.config import Config
from app.db import db, utcnow
from bench.offers import drop_schema, line, postgres_schema

FIRST = [
    ("محمد", "Mohamed"),
    ("فاطمة", "Fatima"),
    ("يوسف", "Youssef"),
    ("خديجة", "Khadija"),
    ("عبد القادر", "Abdelkader"),
    ("ليلى", "Laila"),
    ("إبراهيم", "Brahim"),
    ("نور الدين", "Noureddine"),
    ("عائشة", "Aicha"),
    ("حسن", "Hassan"),
    ("مريم", "Meryem"),
    ("رشيد", "Rachid"),
]
FAMILY = [
    ("بناني", "Bennani"),
    ("العلوي", "Alaoui"),
    ("التازي", "Tazi"),
    ("العمراني", "Amrani"),
    ("الوزاني", "Ouazzani"),
    ("الإدريسي", "Idrissi"),
    ("بلحاج", "Belhaj"),
    ("المنصوري", "Mansouri"),
    ("أيت علي", "Ait Ali"),
    ("الناصري", "Naciri"),
]


def _person(rng: random.Random, n: int) -> dict[str, Any]:
    first, family = rng.choice(FIRST), rng.choice(FAMILY)
    script = rng.randrange(2)
    return {
        "head_name": f"{first[script]} {family[script]} {n}",
        "phone": f"06{n:08d}",
        "national_id": f"JB{n:07d}" if n % 2 else None,
        "birth_year": rng.randint(1940, 2004),
        "commune": f"Commune {n % 40}",
    }


def _world() -> tuple[Any, Any, int]:
    from app.accounts.models import User
    from directory import Association, Province, load_reference_data
    from directory.models import Membership
    from library import services as library_services

    load_reference_data()
    province = db.session.scalar(select(Province.id).order_by(Province.id).limit(1))
    user = User(
        username="bench_coordinator",
        email="bench@bench.ma",
        display_name="Bench",
        password_hash="x",
    )
    association = Association(name="Association Bench", slug="association-bench")
    association.status = "approved"
    db.session.add_all([user, association])
    db.session.flush()
    db.session.add(Membership(association_id=association.id, user_id=user.id, role="coordinator"))
    today = utcnow().date()
    library_services.create_authorization(
        association.id,
        {
            "kind": "data_protection",
            "authority": "CNDP",
            "reference": "BENCH",
            "valid_from": today.replace(year=today.year - 1),
            "valid_to": today.replace(year=today.year + 1),
        },
    )
    db.session.commit()
    return user, association, province


def load(association: Any, province: int, count: int, rng: random.Random) -> list[dict[str, Any]]:
    """Bulk-load ``count`` verified households (tokens and name keys as registration makes
    them); returns their people, for planting duplicates."""
    from aid.models import Household, MatchKey
    from aid.services import commune_key
    from app.privacy import (
        name_token,
        name_tokens,
        national_id_token,
        phone_near_tokens,
        phone_token,
    )

    people: list[dict[str, Any]] = []
    started = time.perf_counter()
    for start in range(0, count, 2000):
        batch = [_person(rng, n) for n in range(start, min(count, start + 2000))]
        rows = []
        for p in batch:
            commune = commune_key(p["commune"])
            rows.append(
                {
                    "association_id": association.id,
                    "origin": "assisted",
                    "status": "verified",
                    "province_id": province,
                    "commune": p["commune"],
                    "douar": "",
                    "size": 4,
                    "composition": {},
                    "vulnerabilities": [],
                    "registry_status": "unknown",
                    "consent_mode": "paper",
                    "consent_purposes": ["aid_delivery"],
                    "consent_language": "ar",
                    "consent_at": utcnow(),
                    "needs": [],
                    "birth_year": p["birth_year"],
                    "head_name": p["head_name"],
                    "phone": p["phone"],
                    "address": "Douar",
                    "phone_token": phone_token(p["phone"]),
                    "national_id_token": (
                        national_id_token(p["national_id"]) if p["national_id"] else None
                    ),
                    "name_token": name_token(p["head_name"], p["birth_year"], commune),
                    "person_token": name_token(p["head_name"], p["birth_year"], province),
                    "created_at": utcnow(),
                    "last_active_at": utcnow(),
                }
            )
        ids = db.session.scalars(insert(Household).returning(Household.id), rows).all()
        keys = [
            {"household_id": hid, "association_id": association.id, "kind": kind, "token": t}
            for hid, p in zip(ids, batch, strict=True)
            for kind, t in [
                *(
                    ("name", t)
                    for t in name_tokens(p["head_name"], p["birth_year"], commune_key(p["commune"]))
                ),
                *(("phone_near", t) for t in phone_near_tokens(p["phone"])),
            ]
        ]
        db.session.execute(insert(MatchKey), keys)
        db.session.commit()
        people.extend(batch)
    print(f"loaded {count} households in {time.perf_counter() - started:.1f} s")
    return people


def register(
    app: Any, user: Any, association: Any, province: int, people: list[dict[str, Any]], runs: int
) -> None:
    from aid.models import DuplicateCase
    from aid.services import register_household

    rng = random.Random(7)
    times: list[float] = []
    found = 0
    statements: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, params: Any, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and (
            "aid_households" in statement or "aid_match_keys" in statement
        ):
            statements.append((statement, params))

    for n in range(runs):
        duplicate = n % 10 == 0
        base = rng.choice(people) if duplicate else _person(rng, len(people) + n)
        body = {
            **base,
            "province_id": province,
            "address": "Douar",
            "size": 3,
            "consent": {"mode": "paper", "purposes": ["aid_delivery"], "language": "ar"},
        }
        if n == runs - 1:
            event.listen(db.engine, "before_cursor_execute", capture)
        with app.test_request_context():
            t0 = time.perf_counter()
            made = register_household(user, association, body, "assisted")
            db.session.commit()
            times.append(time.perf_counter() - t0)
            cases = db.session.scalar(
                select(func.count(DuplicateCase.id)).where(DuplicateCase.household_id == made.id)
            )
        found += bool(cases)
    event.remove(db.engine, "before_cursor_execute", capture)
    print(line("registration + duplicate check", times))
    print(f"  {found} of {runs} registrations had a possible duplicate ({runs // 10} planted)")
    explain(statements)


def explain(statements: list[tuple[str, Any]]) -> None:
    dialect = db.engine.dialect.name
    prefix = "EXPLAIN " if dialect == "postgresql" else "EXPLAIN QUERY PLAN "
    seen: set[str] = set()
    with db.engine.connect() as conn:
        for statement, params in statements:
            if statement in seen:
                continue
            seen.add(statement)
            print("query:", " ".join(statement.split())[:160], "...")
            plan = conn.exec_driver_sql(prefix + statement, params).all()
            for row in plan:
                print("   ", row[-1] if dialect != "postgresql" else row[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--database-url")
    parser.add_argument("--schema", default="jam3ia_bench_aid")
    opts = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="jam3ia-bench-aid-"))
    database_url = postgres_schema(opts.database_url, opts.schema) if opts.database_url else None
    try:
        app = create_app(
            Config(
                env="testing",
                instance_path=instance,
                secret_key="bench",
                database_url=database_url,
                ratelimit_enabled=False,
            )
        )
        with app.app_context():
            db.create_all()
            print(f"database: {db.engine.dialect.name}")
            user, association, province = _world()
            people = load(association, province, opts.count, random.Random(19))
            if db.engine.dialect.name == "postgresql":
                db.session.execute(text("ANALYZE"))
                db.session.commit()
            register(app, user, association, province, people, opts.runs)
    finally:
        shutil.rmtree(instance, ignore_errors=True)
        if opts.database_url:
            drop_schema(opts.database_url, opts.schema)


if __name__ == "__main__":
    main()
