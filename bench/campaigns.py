"""Bank statement import benchmark (figures, not pass/fail).

A live campaign with ``--pledges`` pledges (bank transfers), then a bank statement CSV of
``--rows`` lines as a Moroccan bank exports it (``;``-separated, amounts ``1 234,50``): most
lines carry a pledge's reference and amount, some a reference with another amount (a partial
transfer), some no reference (cash deposits, other credits), some a reference used twice, and
debits (bank fees). The import runs through ``campaigns.statements.import_statement`` (parse,
match, confirm, receipt numbers, one transaction) and prints its time, rows per second and the
match rate (matched credits / credits; the rest waits for manual matching).

    .venv/bin/python -m bench.campaigns [--rows 10000] [--pledges 8000]
    .venv/bin/python -m bench.campaigns --database-url postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, text

from app import create_app
from app.config import Config
from app.db import db, utcnow


def postgres_schema(url: str, schema: str) -> str:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options=-csearch_path%3D{schema}"


def money(centimes: int) -> str:
    whole, cents = divmod(centimes, 100)
    return f"{whole:,}".replace(",", " ") + f",{cents:02d}"


def run(opts: argparse.Namespace) -> None:
    from campaigns import services, statements
    from campaigns.models import BudgetLine, Campaign, Contribution
    from tests.support import world as make

    rng = random.Random(20)
    treasurer = make.person("Trésorière")
    host = make.association("Association Tifawin", admin=treasurer)
    today = utcnow().date()
    row = Campaign(
        association_id=host.id,
        title="Paniers de Ramadan",
        story_fr="Bench",
        target_group="Familles",
        min_goal=1,
        optimum_goal=1,
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=30),
        model="keep",
        bank_reference="CIH",
        status="live",
        live_at=utcnow(),
        in_kind=[],
        needs_snapshot=[],
    )
    db.session.add(row)
    db.session.flush()
    db.session.add(BudgetLine(campaign_id=row.id, label="Paniers", amount=1_000_000_00))
    references = set()
    while len(references) < opts.pledges:
        references.add(services._new_reference())
    pledges = [
        (ref, rng.choice([50_00, 100_00, 200_00, 250_50, 500_00, 1_000_00])) for ref in references
    ]
    db.session.execute(
        insert(Contribution),
        [
            {
                "campaign_id": row.id,
                "association_id": host.id,
                "user_id": treasurer.id,
                "reference": ref,
                "amount": amount,
                "method": "transfer",
                "provider": "bank_transfer",
                "status": "pledged",
                "incognito": False,
                "created_at": utcnow(),
            }
            for ref, amount in pledges
        ],
    )
    db.session.commit()
    lines = ["Date opération;Date valeur;Libellé;Débit;Crédit;Montant"]
    kinds = {"match": 0, "other_amount": 0, "no_reference": 0, "reused": 0, "debit": 0}
    unused = list(pledges)
    rng.shuffle(unused)
    used: list[tuple[str, int]] = []
    for i in range(opts.rows):
        day = (today - dt.timedelta(days=rng.randint(0, 20))).strftime("%d/%m/%Y")
        roll = rng.random()
        if roll < 0.78 and unused:
            ref, amount = unused.pop()
            used.append((ref, amount))
            label, value, kind = f"VIR RECU DE M. X {ref} PANIER", amount, "match"
        elif roll < 0.84 and unused:
            ref, amount = unused.pop()
            label, value, kind = f"VIREMENT {ref.lower()}", amount // 2 or 1, "other_amount"
        elif roll < 0.90 and used:
            ref, amount = rng.choice(used)
            label, value, kind = f"VIR {ref} BIS", amount, "reused"
        elif roll < 0.96:
            label, value, kind = (
                f"VERSEMENT ESPECES AGENCE {i}",
                rng.randint(1, 900) * 100,
                "no_reference",
            )
        else:
            label, value, kind = "FRAIS TENUE DE COMPTE", -rng.randint(5, 40) * 100, "debit"
        kinds[kind] += 1
        debit = money(-value) if value < 0 else ""
        credit = money(value) if value > 0 else ""
        signed = money(value) if value > 0 else "-" + money(-value)
        lines.append(f"{day};{day};{label};{debit};{credit};{signed}")
    content = ("\n".join(lines) + "\n").encode("utf-8")
    mapping = {"date": "Date opération", "amount": "Montant", "label": "Libellé"}
    started = time.perf_counter()
    result = statements.import_statement(treasurer, row, content, mapping)
    db.session.commit()
    elapsed = time.perf_counter() - started
    confirmed = db.session.query(Contribution).filter_by(status="confirmed").count()
    print(
        f"database: {db.engine.dialect.name}; {opts.pledges} pledges; statement of "
        f"{opts.rows} lines ({len(content) / 1e6:.1f} MB)"
    )
    print(f"lines written: {kinds}")
    print(
        f"import: {elapsed:.2f} s ({opts.rows / elapsed:,.0f} rows/s); credits {result.credits}, "
        f"matched {result.matched}, left for manual matching {result.unmatched} "
        f"(reused references {result.reused})"
    )
    print(
        f"match rate: {result.matched / max(1, result.credits):.1%} of credits "
        f"(expected {kinds['match'] / max(1, result.credits):.1%}: the lines that carry a pledge's "
        f"reference and amount); contributions confirmed: {confirmed}"
    )
    assert result.matched == kinds["match"] == confirmed


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--pledges", type=int, default=9_000)
    parser.add_argument("--database-url")
    parser.add_argument("--schema", default="jam3ia_bench_campaigns")
    opts = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="jam3ia-bench-campaigns-"))
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
        with app.app_context(), app.test_request_context():
            db.create_all()
            from directory import load_reference_data

            load_reference_data()
            run(opts)
    finally:
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
