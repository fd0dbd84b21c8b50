"""Forums benchmark (prints figures; not a test).

Builds a SQLite instance in a temporary folder with a 10,000-post topic (replies by 50 people,
reactions, quotes, mentions) and 24 forums with a few topics each, serves it production-style
(gunicorn, one gevent worker) with one extra bare Flask route on the *same* app and server,
then hammers each path for a few seconds from several client processes over keep-alive
connections and prints requests/second and the ratio to the bare route:

- ``/bench/bare``: a bare Flask route (no database, no template) on the same server;
- ``/forums``: the forum index page;
- ``/topics/<id>``: the first page of the 10,000-post topic, and its page 250 and last page;
- ``/api/v1/topics/<id>?page=500``: the same topic's last page as JSON.

    .venv/bin/python bench/forums.py [--seconds 5] [--clients 4] [--posts 10000]
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    # Run as a script: this file must not shadow the ``forums`` package.
    sys.path[0] = str(ROOT)


def application() -> Any:
    """The jam3ia app plus a bare route, for gunicorn (``bench.forums:application()``)."""
    if os.environ.get("JAM3IA_ASYNC_MODE") == "gevent":
        from gevent import monkey

        monkey.patch_all()
    from app import create_app

    app = create_app()

    def bare() -> tuple[str, int, dict[str, str]]:
        return "<!doctype html><p>bare</p>", 200, {"Content-Type": "text/html; charset=utf-8"}

    app.add_url_rule("/bench/bare", "bench_bare", bare)
    return app


def prepare(instance: Path, posts: int) -> int:
    """Create the data; returns the big topic's id."""
    from sqlalchemy import insert

    from app import create_app
    from app.config import Config
    from app.db import db, utcnow
    from app.demo import DEMO_PASSWORD
    from app.security import hash_password
    from forums import services
    from forums.models import Forum, Post, Reaction, Topic
    from forums.text import render_post

    app = create_app(Config(env="testing", instance_path=instance, secret_key="bench"))
    with app.app_context():
        db.create_all()
        from app.accounts.models import User

        password = hash_password(DEMO_PASSWORD)
        people = []
        for i in range(50):
            user = User(
                username=f"member{i}",
                email=f"member{i}@bench.example",
                display_name=f"عضو {i} Member",
                password_hash=password,
            )
            db.session.add(user)
            people.append(user)
        db.session.flush()
        forums = []
        for i in range(24):
            forum = Forum(
                name_ar=f"منتدى {i}", name_fr=f"Forum {i}", name_en=f"Forum {i}", position=i
            )
            db.session.add(forum)
            forums.append(forum)
        db.session.flush()
        for i, forum in enumerate(forums):
            for j in range(5):
                services.create_topic(
                    people[(i + j) % 50], forum, f"Sujet {i}-{j} : l’eau", "Bonjour **à tous**"
                )
        topic, first = services.create_topic(
            people[0], forums[0], "Grand débat : le bénévolat au Maroc", "Ouvrons la discussion."
        )
        db.session.commit()
        bodies = [
            "Je suis d’accord avec @member{m}, voici **mon avis** : "
            "le *bénévolat* demande du temps.",
            "أتفق مع هذا الرأي، العمل التطوعي يحتاج إلى **تنظيم** ووقت. شكراً @member{m}",
            "Salam, 3andna nafs l'mochkil f jam3iya dyalna, khassna tanzim.",
        ]
        rendered = {}
        for k, template in enumerate(bodies):
            for m in range(50):
                text = template.format(m=m)
                users = {f"member{m}": (people[m].id, f"member{m}")}
                rendered[(k, m)] = (text, str(render_post(text, users)))
        now = utcnow()
        batch: list[dict[str, Any]] = []
        for n in range(2, posts + 1):
            text, html = rendered[(n % 3, n % 50)]
            batch.append(
                {
                    "topic_id": topic.id,
                    "number": n,
                    "author_id": people[n % 50].id,
                    "body": text,
                    "body_html": html,
                    "quote_post_id": first.id if n % 10 == 0 else None,
                    "created_at": now,
                    "edit_count": 0,
                    "hidden": False,
                    "pending": False,
                    "flag_count": 0,
                }
            )
            if len(batch) == 2000:
                db.session.execute(insert(Post), batch)
                batch = []
        if batch:
            db.session.execute(insert(Post), batch)
        db.session.flush()
        from sqlalchemy import select

        ids = list(db.session.scalars(select(Post.id).where(Post.topic_id == topic.id)))
        reactions = [
            {"post_id": pid, "user_id": people[(pid + r) % 50].id, "kind": kind, "created_at": now}
            for pid in ids
            for r, kind in enumerate(("like", "thanks"))
            if pid % 2 == 0
        ]
        for start in range(0, len(reactions), 5000):
            db.session.execute(insert(Reaction), reactions[start : start + 5000])
        big = db.session.get(Topic, topic.id)
        assert big is not None
        big.last_number = posts
        services.refresh_counters(big)
        db.session.commit()
        return int(big.id)


def _hammer(args: tuple[int, str, float]) -> int:
    port, path, seconds = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    done = 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        conn.request("GET", path, headers={"Accept-Language": "fr"})
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{path}: HTTP {response.status}")
        done += 1
    conn.close()
    return done


def measure(port: int, path: str, seconds: float, clients: int) -> float:
    _hammer((port, path, 0.5))  # warm up
    with multiprocessing.Pool(clients) as pool:
        counts = pool.map(_hammer, [(port, path, seconds)] * clients)
    return sum(counts) / seconds


def wait_healthy(port: int, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("server did not become healthy")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    instance = Path(tempfile.mkdtemp(prefix="jam3ia-bench-forums-"))
    started = time.perf_counter()
    topic_id = prepare(instance, args.posts)
    print(
        f"data: {args.posts} posts in topic {topic_id}, 24 forums "
        f"({time.perf_counter() - started:.1f} s)"
    )
    env = dict(
        os.environ,
        JAM3IA_INSTANCE_PATH=str(instance),
        JAM3IA_ASYNC_MODE="gevent",
        JAM3IA_ENV="development",
        SECRET_KEY="bench-secret",
    )
    env.pop("DATABASE_URL", None)
    log = instance / "server.log"
    cmd = [
        PYTHON, "-m", "gunicorn", "-k", "gevent", "--workers", "1",
        "--worker-connections", "1000", "--bind", f"127.0.0.1:{args.port}",
        "bench.forums:application()",
    ]  # fmt: skip
    with log.open("wb") as out:
        server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_healthy(args.port, server)
        last_page = (args.posts + 19) // 20
        paths = [
            ("bare Flask route", "/bench/bare"),
            ("forum index /forums", "/forums"),
            (f"topic page 1 ({args.posts} posts)", f"/topics/{topic_id}"),
            ("topic page 250", f"/topics/{topic_id}?page=250"),
            (f"topic last page ({last_page})", f"/topics/{topic_id}?page={last_page}"),
            ("API topic last page", f"/api/v1/topics/{topic_id}?page={last_page}"),
        ]
        print(
            f"gunicorn, 1 gevent worker, SQLite; {args.clients} keep-alive clients, "
            f"{args.seconds:.0f} s per path"
        )
        print(f"{'path':38} {'req/s':>9} {'ratio to bare':>14}")
        bare = 0.0
        for label, path in paths:
            rps = measure(args.port, path, args.seconds, args.clients)
            bare = bare or rps
            print(f"{label:38} {rps:9.1f} {rps / bare:14.3f}", flush=True)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
