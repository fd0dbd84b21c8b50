"""Directory search benchmark (figures, not pass/fail).

Builds 100,000 generated associations (directory.demo's generator) in a SQLite database in a
temporary instance folder (or in a PostgreSQL schema of its own with ``--database-url``),
indexes them with ``jam3ia reindex``'s code path, and prints: index build time and size, then
p50/p95 latency of typical queries through the service layer
(``directory.search.search_associations``: text, text + two facets with all five facet counts,
prefix, near-me) and of the same queries as plain SQL ``LIKE`` over the same rows.

The backend follows the database (Whoosh on SQLite, the PostgreSQL full-text backend on
PostgreSQL) unless ``--backend`` says otherwise.

    .venv/bin/python -m bench.search [--count 100000] [--runs 200] [--instance /tmp/x]
    .venv/bin/python -m bench.search --database-url postgresql://postgres@127.0.0.1:5432/test \
        [--backend postgres|whoosh] [--schema jam3ia_bench_search] [--keep] [--reuse]

The query set is drawn from the generated rows (350 distinct words, 275 prefixes, every field x
region pair, very common words); the warm-up pass prints first-sight figures beside the warm
ones, and the worker's memory is printed at the end. A temporary instance folder is removed at
the end, and so is the PostgreSQL schema unless ``--keep`` (build once with ``--keep``, then
``--reuse --keep``; an ``--instance`` folder is kept for ``--reuse``).
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

from app import create_app
from app.config import Config
from app.db import db


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def rss_mb() -> float:
    """Resident memory of this process now."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def postgres_schema(url: str, schema: str, fresh: bool) -> str:
    """``url`` with ``search_path`` set to ``schema`` (created, or recreated when ``fresh``)."""
    from sqlalchemy import create_engine

    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    admin = create_engine(url)
    with admin.begin() as conn:
        if fresh:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    admin.dispose()
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options=-csearch_path%3D{schema}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--instance", default=None)
    parser.add_argument("--reuse", action="store_true", help="keep a database built before")
    parser.add_argument("--database-url", default=None, help="PostgreSQL (default: SQLite)")
    parser.add_argument("--schema", default="jam3ia_bench_search", help="PostgreSQL schema")
    parser.add_argument("--backend", choices=("whoosh", "postgres"), default=None)
    parser.add_argument(
        "--keep", action="store_true", help="keep the PostgreSQL schema (for --reuse later)"
    )
    opts = parser.parse_args()
    temporary = opts.instance is None
    instance = Path(opts.instance or tempfile.mkdtemp(prefix="jam3ia-bench-"))
    try:
        run(opts, instance)
    finally:
        if temporary:  # nothing left behind (a PostgreSQL schema stays only with --keep)
            shutil.rmtree(instance, ignore_errors=True)
        if opts.database_url and not opts.keep:
            drop_schema(opts.database_url, opts.schema)


def drop_schema(url: str, schema: str) -> None:
    from sqlalchemy import create_engine

    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


def run(opts: argparse.Namespace, instance: Path) -> None:
    if not opts.reuse:
        shutil.rmtree(instance, ignore_errors=True)
    database_url = None
    if opts.database_url:
        database_url = postgres_schema(opts.database_url, opts.schema, fresh=not opts.reuse)
    app = create_app(
        Config(
            env="testing",
            instance_path=instance,
            secret_key="bench",
            database_url=database_url,
            search_backend=opts.backend,
        )
    )
    from app.search import framework
    from app.search.framework import reindex, service
    from directory.demo import insert_generated
    from directory.reference import load_reference_data
    from directory.search import search_associations

    with app.app_context():
        index_dir = instance / "search" / "whoosh" / "associations"
        if not opts.reuse:
            db.create_all()
            load_reference_data()
            started = time.perf_counter()
            insert_generated(opts.count, seed=2026, index=False)
            print(f"rows inserted: {opts.count} in {time.perf_counter() - started:.1f} s")
            started, cpu_started = time.perf_counter(), time.process_time()
            indexed = reindex("associations")
            build = time.perf_counter() - started
            # the CPU time of this process too: on a shared machine the wall time is noisy
            cpu = time.process_time() - cpu_started
            print(
                f"index build: {indexed} documents in {build:.1f} s ({indexed / build:.0f} doc/s,"
                f" {cpu:.1f} s CPU)"
            )
        backend = type(service().backend).__name__
        if backend == "PostgresBackend":
            size = db.session.scalar(
                text(
                    "SELECT CAST((SELECT sum(pg_total_relation_size(relid))"
                    " FROM pg_partition_tree('search_document')) AS bigint)"
                    " + pg_total_relation_size('search_term')"
                )
            )
            db.session.commit()
            print(f"index size (tables and indexes): {size / 1e6:.1f} MB")
        else:
            print(f"index size: {dir_size(index_dir) / 1e6:.1f} MB")
        if hasattr(framework, "warm"):  # as app.wsgi does at worker start
            started = time.perf_counter()
            framework.warm(app)
            print(
                f"worker start, index view loaded: {(time.perf_counter() - started) * 1000:.0f} ms"
            )
        started = time.perf_counter()
        search_associations({"q": "", "page": 1, "per_page": 20})
        first = (time.perf_counter() - started) * 1000
        print(f"first query: {first:.0f} ms; worker memory {rss_mb():.0f} MB")

        rng = random.Random(1)
        cities = db.session.execute(text("SELECT code, lat, lng FROM cities")).all()
        # a varied query set drawn from the rows themselves: hundreds of distinct words and
        # prefixes (so the warm figures are not a handful of cached terms), every field x
        # region pair, and the words nearly every association holds
        sample = db.session.execute(
            text("SELECT name, description FROM associations ORDER BY id LIMIT 3000")
        ).all()
        db.session.commit()
        vocabulary = sorted(
            {
                w.strip(".,;:!?()\"'")
                for name, description in sample
                for w in f"{name} {description or ''}".split()
            }
            - {""}
        )
        vocabulary = [w for w in vocabulary if len(w) >= 3]
        rng.shuffle(vocabulary)
        words = vocabulary[:350]
        prefixes = sorted({w[: rng.randint(3, 5)] for w in vocabulary[350:700] or words})[:275]
        fields = [r[0] for r in db.session.execute(text("SELECT code FROM fields")).all()]
        regions = [r[0] for r in db.session.execute(text("SELECT code FROM regions")).all()]
        db.session.commit()
        facet_sets = [(f, r) for f in fields for r in regions]
        common = ["association", "جمعية", "education", "Association", "الجمعية"]
        print(
            f"query set: {len(words)} words, {len(prefixes)} prefixes,"
            f" {len(facet_sets)} field x region pairs, {len(common)} very common words"
        )

        def sql_words(q: str) -> str:
            return f"%{q}%"

        cases: dict[str, tuple[Any, Any]] = {}

        def text_q() -> tuple[dict[str, Any], str]:
            q = rng.choice(words)
            return {"q": q, "page": 1, "per_page": 20}, q

        def facets_q() -> tuple[dict[str, Any], str]:
            q = rng.choice(words)
            field, region = rng.choice(facet_sets)
            return {"q": q, "field": [field], "region": [region], "page": 1, "per_page": 20}, q

        def prefix_q() -> tuple[dict[str, Any], str]:
            q = rng.choice(prefixes)
            return {"q": q, "page": 1, "per_page": 20}, q

        def near_q() -> tuple[dict[str, Any], str]:
            _code, lat, lng = rng.choice(cities)
            return {
                "near": f"{lat},{lng}",
                "radius_km": 25,
                "sort": "distance",
                "page": 1,
                "per_page": 20,
            }, ""

        def common_q() -> tuple[dict[str, Any], str]:
            q = rng.choice(common)
            return {"q": q, "page": 1, "per_page": 20}, q

        cases = {
            "text": text_q,
            "very common word": common_q,
            "text + 2 facets (+5 facet counts)": facets_q,
            "prefix": prefix_q,
            "near-me (25 km, by distance)": near_q,
        }

        # SQLite's LIKE ignores ASCII case, PostgreSQL's ILIKE does
        like_op = "ILIKE" if db.engine.dialect.name == "postgresql" else "LIKE"

        def run_sql(kind: str, args: dict[str, Any], q: str) -> None:
            conn = db.session.connection()
            like = sql_words(q)
            if kind == "prefix":
                where = f"(a.name {like_op} :p OR a.name_alt {like_op} :p)"
                params = {"p": f"{q}%"}
            elif kind.startswith("near"):
                lat, lng = (float(x) for x in args["near"].split(","))
                where = "a.city_id IN (SELECT id FROM cities WHERE lat BETWEEN :la0 AND :la1 AND lng BETWEEN :lo0 AND :lo1)"  # noqa: E501
                params = {
                    "la0": lat - 0.23,
                    "la1": lat + 0.23,
                    "lo0": lng - 0.28,
                    "lo1": lng + 0.28,
                }
            else:
                where = (
                    f"(a.name {like_op} :l OR a.name_alt {like_op} :l"
                    f" OR a.description {like_op} :l)"
                )
                params = {"l": like}
            where += " AND a.status = 'approved'"
            if "field" in args:
                where += (
                    " AND a.id IN (SELECT af.association_id FROM association_fields af JOIN fields f"  # noqa: E501
                    " ON f.id = af.field_id WHERE f.code = :fc)"
                    " AND a.region_id = (SELECT id FROM regions WHERE code = :rc)"
                )
                params.update(fc=args["field"][0], rc=args["region"][0])
            conn.execute(
                text(f"SELECT a.id FROM associations a WHERE {where} ORDER BY a.name LIMIT 20"),
                params,
            ).all()
            conn.execute(text(f"SELECT count(*) FROM associations a WHERE {where}"), params).all()
            if "field" in args:
                for col in ("region_id", "province_id", "city_id"):
                    conn.execute(
                        text(
                            f"SELECT a.{col}, count(*) FROM associations a WHERE {where} GROUP BY a.{col}"  # noqa: E501
                        ),
                        params,
                    ).all()
                conn.execute(
                    text(
                        f"SELECT af.field_id, count(*) FROM associations a JOIN association_fields af ON af.association_id = a.id WHERE {where} GROUP BY af.field_id"  # noqa: E501
                    ),
                    params,
                ).all()

        print(
            f"\n{'query':40} {'p50 ms':>8} {'p95 ms':>8} | {'LIKE p50':>9} {'LIKE p95':>9} | {'p95 ratio LIKE/index':>20}"  # noqa: E501
        )
        cold: dict[str, list[float]] = {}
        searches = 0
        for kind, make in cases.items():
            # first pass: each distinct query once, with the term caches cold
            cold[kind] = []
            for _ in range(opts.runs // 4):
                args, _q = make()
                started = time.perf_counter()
                search_associations(dict(args))
                searches += 1
                cold[kind].append((time.perf_counter() - started) * 1000)
        for kind, make in cases.items():
            ours: list[float] = []
            theirs: list[float] = []
            for _ in range(opts.runs):
                args, q = make()
                started = time.perf_counter()
                search_associations(dict(args))
                searches += 1
                ours.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                run_sql(kind, args, q)
                theirs.append((time.perf_counter() - started) * 1000)
            print(
                f"{kind:40} {statistics.median(ours):8.1f} {pct(ours, 0.95):8.1f} | "
                f"{statistics.median(theirs):9.1f} {pct(theirs, 0.95):9.1f} | "
                f"{pct(theirs, 0.95) / pct(ours, 0.95):20.1f}"
            )
        print("\nwarm-up pass (first sight of each query's terms):")
        for kind, values in cold.items():
            print(
                f"  {kind:40} p50 {statistics.median(values):6.1f} ms  p95 {pct(values, 0.95):6.1f} ms"  # noqa: E501
            )
        print(
            f"\nworker memory after {searches} searches:"
            f" {rss_mb():.0f} MB (peak {peak_mb():.0f} MB)"
        )
        where = f"schema {opts.schema}" if opts.database_url else f"instance {instance}"
        print(f"\nsearch backend: {backend}; {where}")


if __name__ == "__main__":
    main()
