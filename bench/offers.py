"""Free-offers benchmark (figures, not pass/fail).

Two parts, on SQLite in a temporary instance folder (or in a PostgreSQL schema of its own with
``--database-url``):

- **submit**: posts go through the whole API (``POST /api/v1/offers``: schema, rules, trust,
  admission control, insert, search outbox, commit) as vouched people. First at the seed
  group's peak, 2,000 posts an hour (one every 1.8 s; ``--peak-posts`` of them), then a burst
  of ``--burst-rate`` posts a second for ``--burst-seconds`` from ``--threads`` threads.
  Printed: p50/p95/max latency, errors, and the share published at once (the rest waited in
  the review queue: admission control, never a locked wall).
- **feed**: ``--count`` live offers (generated, spread over every province, type and
  audience), indexed with ``jam3ia reindex``'s code path, then p50/p95 of the feed as the API
  serves it (``offers.queries.feed``: one page with the type, province and audience facet
  counts) for typical filters: none, place and type, city, audience, words, near me.

    .venv/bin/python -m bench.offers [--count 100000] [--runs 200]
    .venv/bin/python -m bench.offers --database-url postgresql://postgres@127.0.0.1:5432/test

Targets from the issue: feed p95 <= 50 ms, submit p95 <= 300 ms on this machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text

from app import create_app
from app.config import Config
from app.db import db, utcnow

WORDS_FR = [
    "cours",
    "soutien",
    "maths",
    "arabe",
    "anglais",
    "livres",
    "vêtements",
    "fauteuil",
    "couture",
    "atelier",
    "kiné",
]
WORDS_AR = ["دروس", "دعم", "كتب", "ملابس", "كرسي", "خياطة", "ورشة", "ترويض", "أطفال", "تلاميذ"]
WORDS_ZI = ["dourous", "fabor", "7wayj", "ktoub", "kursi", "9raya", "drari", "tlamid", "khiyata"]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def line(label: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"{label:34} p50 {statistics.median(ms):7.1f} ms  p95 {pct(ms, 0.95):7.1f} ms"
        f"  max {max(ms):7.1f} ms  (n={len(ms)})"
    )


def postgres_schema(url: str, schema: str) -> str:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options=-csearch_path%3D{schema}"


def drop_schema(url: str, schema: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def _people(count: int) -> list[Any]:
    """``count`` vouched people sharing one password hash; their bearer tokens."""
    from app.accounts.models import User
    from app.accounts.services import hash_password, issue_credential
    from offers.models import Standing

    shared = hash_password("bench password 1")
    people = [
        User(
            username=f"bench{i}",
            email=f"bench{i}@bench.ma",
            display_name=f"Bench {i}",
            password_hash=shared,
        )
        for i in range(count)
    ]
    db.session.add_all(people)
    db.session.flush()
    for person in people:
        db.session.add(
            Standing(
                user_id=person.id,
                vouched_by_id=person.id,
                published=1,
                strikes=0,
                no_shows=0,
                spammer=False,
            )
        )
    tokens = [issue_credential(p, "token", "bench")[0] for p in people]
    db.session.commit()  # services only flush: the tokens are kept here
    return tokens


def _body(rng: random.Random, cities: list[int], n: int) -> dict[str, Any]:
    from offers.models import AUDIENCES, SUPPORT_TYPES

    words = rng.choice((WORDS_FR, WORDS_AR, WORDS_ZI))
    return {
        "kind": "offer",
        "support_type": rng.choice(SUPPORT_TYPES),
        "city_id": rng.choice(cities),
        "capacity": rng.randint(1, 20),
        "conditions": {"audience": rng.sample(AUDIENCES, 2)},
        "free": True,
        "title": " ".join(rng.sample(words, 3)) + f" {n}",
        "body": " ".join(rng.choice(words) for _ in range(25)) + f" ref{n} gratuit",
    }


def submit(app: Any, opts: argparse.Namespace, cities: list[int]) -> None:
    tokens = _people(max(opts.threads, 1) * 40)
    rng = random.Random(7)
    client = app.test_client()
    counter = iter(range(10**9))
    lock = threading.Lock()

    def post(token: str) -> tuple[float, int, str]:
        with lock:
            n = next(counter)
            body = _body(rng, cities, n)
        started = time.perf_counter()
        response = client.post(
            "/api/v1/offers", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        took = time.perf_counter() - started
        status = (response.get_json(silent=True) or {}).get("status", "")
        return took, response.status_code, status

    print(f"\nsubmit at the seed's peak (2,000 posts an hour): {opts.peak_posts} posts")
    peak: list[float] = []
    for i in range(opts.peak_posts):
        took, code, _status = post(tokens[i % len(tokens)])
        assert code == 201, code
        peak.append(took)
        time.sleep(max(0.0, 1.8 - took) if opts.real_time else 0.0)
    print(line("submit (one at a time)", peak))

    print(
        f"\nburst: {opts.burst_rate} posts/s for {opts.burst_seconds} s from {opts.threads} threads"
    )
    results: list[tuple[float, int, str]] = []
    total = opts.burst_rate * opts.burst_seconds
    started = time.perf_counter()

    def worker(index: int) -> None:
        mine = range(index, total, opts.threads)
        for k in mine:
            due = started + k / opts.burst_rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            result = post(tokens[k % len(tokens)])
            with lock:
                results.append(result)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(opts.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    errors = [r for r in results if r[1] != 201]
    published = sum(1 for r in results if r[2] == "published")
    print(line("submit (burst)", [r[0] for r in results]))
    print(
        f"  sent {len(results)} in {elapsed:.1f} s ({len(results) / elapsed:.1f}/s),"
        f" errors {len(errors)}, published at once {published / max(len(results), 1):.0%},"
        f" queued {len(results) - published - len(errors)}"
    )


def feed(app: Any, opts: argparse.Namespace, cities: list[tuple[int, int]]) -> None:
    from app.search.framework import reindex
    from offers import queries
    from offers.models import AUDIENCES, SUPPORT_TYPES, Offer

    rng = random.Random(2026)
    author = db.session.scalar(text("SELECT id FROM users LIMIT 1"))
    now = utcnow()
    started = time.perf_counter()
    batch: list[dict[str, Any]] = []
    for n in range(opts.count):
        city, province = rng.choice(cities)
        words = rng.choice((WORDS_FR, WORDS_AR, WORDS_ZI))
        capacity = rng.randint(1, 20)
        batch.append(
            {
                "kind": "offer",
                "status": "published",
                "support_type": rng.choice(SUPPORT_TYPES),
                "city_id": city,
                "province_id": province,
                "area_hint": "",
                "capacity": capacity,
                "places_left": capacity,
                "audience": rng.sample(AUDIENCES, 2),
                "conditions_other": "",
                "delivery_mode": "pickup",
                "allocation": "choose",
                "title": " ".join(rng.sample(words, 3)),
                "body": " ".join(rng.choice(words) for _ in range(25)),
                "author_id": author,
                "facility": "",
                "rules_version": 1,
                "hits": [],
                "review_reason": "",
                "fingerprint": "",
                "hidden": False,
                "created_at": now - dt.timedelta(minutes=n),
                "published_at": now - dt.timedelta(minutes=n),
                "expires_at": now + dt.timedelta(days=30),
                "version": 1,
            }
        )
        if len(batch) == 5000:
            db.session.execute(insert(Offer), batch)
            batch = []
    if batch:
        db.session.execute(insert(Offer), batch)
    db.session.commit()
    print(f"\nfeed: {opts.count} live offers inserted in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    indexed = reindex("offers")
    print(f"  indexed {indexed} in {time.perf_counter() - started:.1f} s")
    provinces = sorted({p for _c, p in cities})
    queries_set = {
        "newest, no filter": lambda: {},
        "type + province": lambda: {
            "type": rng.choice(SUPPORT_TYPES),
            "province": rng.choice(provinces),
        },
        "city": lambda: {"city": rng.choice(cities)[0]},
        "audience + type": lambda: {
            "audience": rng.choice(AUDIENCES),
            "type": rng.choice(SUPPORT_TYPES),
        },
        "words": lambda: {"q": rng.choice(WORDS_FR + WORDS_AR + WORDS_ZI)},
        "near me, 30 km": lambda: {"near": "33.57,-7.59", "radius_km": 30.0},
    }
    with app.test_request_context():
        for label, make in queries_set.items():
            times: list[float] = []
            for _ in range(opts.runs):
                args = {"page": 1, **make()}
                t0 = time.perf_counter()
                page = queries.feed(args)
                times.append(time.perf_counter() - t0)
                db.session.rollback()
            print(line(f"feed: {label}", times) + f"  total {page['total']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--peak-posts", type=int, default=60)
    parser.add_argument("--real-time", action="store_true", help="pace the peak at 1.8 s/post")
    parser.add_argument("--burst-rate", type=int, default=50)
    parser.add_argument("--burst-seconds", type=int, default=60)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--database-url")
    parser.add_argument("--schema", default="jam3ia_bench_offers")
    parser.add_argument("--skip-submit", action="store_true")
    opts = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="jam3ia-bench-offers-"))
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
        from directory import City, load_reference_data

        with app.app_context():
            db.create_all()
            load_reference_data()
            rows = db.session.execute(select(City.id, City.province_id)).all()
            cities = [(c, p) for c, p in rows]
            print(f"database: {db.engine.dialect.name}")
            if not opts.skip_submit:
                submit(app, opts, [c for c, _p in cities])
            feed(app, opts, cities)
    finally:
        shutil.rmtree(instance, ignore_errors=True)
        if opts.database_url:
            drop_schema(opts.database_url, opts.schema)


if __name__ == "__main__":
    main()
