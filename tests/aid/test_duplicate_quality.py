"""How well the duplicate detection finds the same person registered twice, measured on a
synthetic population (``tests/aid/synthetic.py``): 10,000 households in 20 associations, 5 %
of them planted duplicates written in the other script, with the phone's other prefix or one
digit wrong, the national ID left out. Registration's own code runs: the households are stored
with its token functions and match keys (in bulk, for time), its duplicate check
(``find_duplicates``) runs for every household, and the network check for the duplicates
registered in another association. The figures are printed and held to their targets."""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import Any

import pytest
from sqlalchemy import select

from aid import services
from aid.models import Household
from app.db import db
from app.privacy import name_token, national_id_token, phone_token
from directory import Province, get_association, load_reference_data
from library import services as library_services
from tests.aid.synthetic import Planted, generate
from tests.conftest import TEST_DATABASE_URL
from tests.support import world as make

pytestmark = pytest.mark.skipif(
    bool(TEST_DATABASE_URL),
    reason="the same detector on either database: 10,000 households once, in the SQLite "
    "pass (190 s more on PostgreSQL)",
)


COUNT = int(os.environ.get("AID_SYNTHETIC_COUNT", "10000"))
ASSOCIATIONS = 20


def _world() -> tuple[list[int], dict[int, list[str]], int, dict[int, object]]:
    load_reference_data()
    province = db.session.scalar(select(Province.id).order_by(Province.id).limit(1))
    coordinators = make.people(*(f"coordinator_{n}" for n in range(ASSOCIATIONS)))
    associations, communes, actors = [], {}, {}
    today = dt.datetime.now(dt.UTC).date()
    for n, who in enumerate(coordinators.values()):
        made = make.association(f"Association {n}", coordinator=who)
        library_services.create_authorization(
            made.id,
            {
                "kind": "data_protection",
                "authority": "CNDP",
                "reference": f"D-{n}",
                "valid_from": today - dt.timedelta(days=1),
                "valid_to": today + dt.timedelta(days=300),
            },
        )
        associations.append(made.id)
        communes[made.id] = [f"Commune {n}-{k}" for k in range(3)]
        actors[made.id] = who
    db.session.commit()
    return associations, communes, province, actors


def _load(rows: list[Planted], actors: dict[int, Any]) -> list[int]:
    """Store the households as registration does (its token functions, its match keys), in
    bulk: the duplicate check then runs for each one."""
    ids: list[int] = []
    for start in range(0, len(rows), 1000):
        batch = []
        for row in rows[start : start + 1000]:
            data = row.data
            commune = services.commune_key(data["commune"])
            household = Household(
                association_id=row.association,
                origin="assisted",
                status="pending",
                registrar_id=actors[row.association].id,
                province_id=data["province_id"],
                commune=data["commune"],
                size=data["size"],
                consent_mode="paper",
                consent_purposes=["aid_delivery"],
                consent_language="ar",
                birth_year=data["birth_year"],
                head_name=data["head_name"],
                phone=data["phone"],
                phone_token=phone_token(data["phone"]) if data["phone"] else None,
                national_id_token=(
                    national_id_token(data["national_id"]) if data["national_id"] else None
                ),
                name_token=name_token(data["head_name"], data["birth_year"], commune),
                person_token=name_token(data["head_name"], data["birth_year"], data["province_id"]),
            )
            batch.append((household, data["head_name"], commune))
        db.session.add_all([h for h, _n, _c in batch])
        db.session.flush()
        for household, name, commune in batch:
            services.add_match_keys(household, name, commune)
            ids.append(household.id)
        db.session.commit()
    return ids


def test_duplicates_are_found_within_and_across_associations(app):
    associations, communes, province, actors = _world()
    population = generate(COUNT, associations, communes, province)
    rows = population.rows
    started = time.perf_counter()
    ids = _load(rows, actors)
    loaded = time.perf_counter() - started
    index = {household_id: n for n, household_id in enumerate(ids)}
    person = [n if row.of is None else row.of for n, row in enumerate(rows)]

    # ---- within an association: the duplicate check of registration, for every household
    started = time.perf_counter()
    flagged: set[tuple[int, int]] = set()
    for household in db.session.scalars(select(Household)):
        for other_id in services.find_duplicates(household):
            pair = sorted((index[household.id], index[other_id]))
            flagged.add((pair[0], pair[1]))
    checked = time.perf_counter() - started
    true_pairs = {(a, b) for a, b in flagged if person[a] == person[b]}
    expected = [
        n
        for n, row in enumerate(rows)
        if row.of is not None
        and any(
            person[m] == person[n] and rows[m].association == row.association
            for m in range(len(rows))
            if m != n
        )
    ]
    found = [
        n
        for n in expected
        if any(n in pair and person[pair[0]] == person[pair[1]] for pair in true_pairs)
    ]
    recall = len(found) / len(expected)
    precision = len(true_pairs) / len(flagged)
    missed_typo = sum(1 for n in expected if n not in set(found) and rows[n].phone_typo)

    # ---- across associations: the network check, every original having been served once
    for n, household_id in enumerate(ids):
        if rows[n].of is None:
            services.record_served(
                db.session.get(Household, household_id), "food_basket", dt.datetime.now(dt.UTC)
            )
    for association_id in associations:
        services.set_network(actors[association_id], get_association(association_id), True)
    db.session.commit()
    across = [
        n
        for n, row in enumerate(rows)
        if row.of is not None
        and row.association != rows[row.of].association
        and (row.data["phone"] or row.data["national_id"])
    ]
    answered = 0
    for n in across:
        household = db.session.get(Household, ids[n])
        if (
            services.network_check(actors[rows[n].association], household, "registration")["status"]
            == "served"
        ):
            answered += 1
    db.session.commit()
    recall_across = answered / len(across)
    print(
        f"\nduplicates: {len(population.duplicates)} planted of {COUNT}"
        f" ({loaded:.1f} s to store, {checked:.1f} s to check)"
        f"\nwithin an association: {len(expected)} expected, recall {recall:.3f}, "
        f"precision {precision:.3f} ({len(flagged)} cases, {len(flagged) - len(true_pairs)} wrong; "
        f"{missed_typo} missed had a phone typo)"
        f"\nacross associations (with a phone or ID): {len(across)}, recall {recall_across:.3f}"
    )
    assert recall >= 0.95
    assert precision >= 0.98
    assert recall_across >= 0.90
