"""Load benchmark (figures, not pass/fail): Locust, as a library, against a real server.

The script builds an instance in a temporary folder (SQLite, migrated, demo data, one account
and one token per simulated person, each person in a direct conversation with the next),
starts ``jam3ia serve --workers 1`` on a loopback port in production mode, and runs Locust
for a bounded time with a bounded number of people, each doing, with a pause of 1-3 s
between actions (so every person stays under the 30-a-minute posting limits):

- browsing: the directory page, an association page, a forum topic (API);
- searching the directory (API, words in Arabic, French and Arabizi);
- posting a forum reply (API);
- chatting: ``message_send`` over Socket.IO, timed until the server's ack.

It prints, per action: requests, failures, throughput, p50 and p95 latency; then the total
throughput and the error count (target 0), and with ``--json PATH`` writes the same figures.

    .venv/bin/python -m bench.load [--users 50] [--spawn-rate 10] [--time 60] [--json out.json]

Loopback only: the server is the one this script starts.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEARCH_WORDS = ["جمعية", "amal", "jam3iat", "association", "الأمل", "femmes", "تنمية", "sport"]
ACCOUNT_PASSWORD = "load-password-1"


# --- preparing the instance (a separate process: Locust monkey-patches with gevent) ----------


def prepare(instance: Path, users: int, out: Path) -> None:
    """Migrate, load the demo, add ``users`` people with tokens and conversations."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from app import create_app
    from app.accounts.services import issue_credential, register_user
    from app.config import Config
    from app.db import db
    from directory.models import Association
    from forums.models import Topic
    from messaging import services as chat

    app = create_app(
        Config(
            env="production",
            instance_path=instance,
            secret_key="load-bench",
            base_url="http://127.0.0.1",
            data_key="YmVuY2gtZGF0YS1rZXktMzItYnl0ZXMtbG9uZy0hISE=",
            token_key="bench-token-key-that-is-long-enough-0123456789",
        )
    )
    with app.app_context():
        upgrade()
        app.test_cli_runner().invoke(args=["seed-demo"], catch_exceptions=False)
        people = []
        for number in range(users):
            user = register_user(f"load{number:03d}", f"load{number:03d}@example.org",
                                 ACCOUNT_PASSWORD)  # fmt: skip
            secret, _credential = issue_credential(user, "token", "load bench")
            people.append({"id": user.id, "token": secret})
        db.session.commit()
        conversation_ids = []
        for number, person in enumerate(people):
            other = people[(number + 1) % len(people)] if len(people) > 1 else person
            me = _load_user(person["id"])
            conversation, _new = chat.start_conversation(me, [other["id"]])
            conversation_ids.append(conversation.id)
        for person, conversation_id in zip(people, conversation_ids, strict=True):
            person["conversation_id"] = conversation_id
        association_ids = list(
            db.session.scalars(
                select(Association.id).where(Association.status == "approved").limit(200)
            )
        )
        topic_ids = list(db.session.scalars(select(Topic.id).limit(50)))
        db.session.commit()
    out.write_text(
        json.dumps({"people": people, "associations": association_ids, "topics": topic_ids})
    )


def _load_user(user_id: int) -> Any:
    from app.accounts.models import User
    from app.db import db

    return db.session.get(User, user_id)


# --- the server -----------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(instance: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JAM3IA_", "DATABASE_URL"))}
    env.update(
        JAM3IA_ENV="production",
        JAM3IA_INSTANCE_PATH=str(instance),
        SECRET_KEY="load-bench",
        JAM3IA_BASE_URL=f"http://127.0.0.1:{port}",
        JAM3IA_DATA_KEY="YmVuY2gtZGF0YS1rZXktMzItYnl0ZXMtbG9uZy0hISE=",
        JAM3IA_TOKEN_KEY="bench-token-key-that-is-long-enough-0123456789",
    )
    env.pop("REDIS_URL", None)
    with log.open("ab") as out:
        process = subprocess.Popen(
            # keep-alive longer than a person's pause: with gunicorn's 2 s an idle connection
            # is closed as the client reuses it (ECONNRESET); nginx in front keeps 75 s
            [
                sys.executable,
                "-m",
                "app.cli",
                "serve",
                "--workers",
                "1",
                "--port",
                str(port),
                "--keep-alive",
                "10",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    import urllib.request

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return process
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not become healthy:\n{log.read_text()[-3000:]}")


# --- the load (imports Locust, which monkey-patches with gevent) ----------------------------


def run_load(url: str, data: dict[str, Any], users: int, spawn_rate: float, seconds: float) -> Any:
    import gevent
    import socketio
    from locust import HttpUser, between, events, task
    from locust.env import Environment

    people = list(data["people"])
    associations, topics = data["associations"], data["topics"]

    class Member(HttpUser):
        host = url
        wait_time = between(1, 3)

        def on_start(self) -> None:
            self.person = people.pop()
            self.client.headers["Authorization"] = f"Bearer {self.person['token']}"
            self.sent = 0
            self.sio = socketio.Client(reconnection=False)
            started = time.perf_counter()
            try:
                self.sio.connect(
                    url,
                    namespaces=["/chat"],
                    auth={"token": self.person["token"]},
                    transports=["websocket"],
                    wait_timeout=10,
                )
                failure = None
            except Exception as error:  # counted as a failed request, the run goes on
                failure = error
            self._fire("chat: connect", started, failure)

        def on_stop(self) -> None:
            if self.sio.connected:
                self.sio.disconnect()

        def _fire(self, name: str, started: float, failure: Exception | None) -> None:
            events.request.fire(
                request_type="WS",
                name=name,
                response_time=(time.perf_counter() - started) * 1000,
                response_length=0,
                exception=failure,
                context={},
            )

        @task(3)
        def browse_directory(self) -> None:
            self.client.get("/directory", name="browse: directory page")

        @task(3)
        def browse_association(self) -> None:
            self.client.get(
                f"/associations/{random.choice(associations)}", name="browse: association"
            )

        @task(2)
        def read_topic(self) -> None:
            self.client.get(f"/api/v1/topics/{random.choice(topics)}", name="browse: topic")

        @task(3)
        def search(self) -> None:
            self.client.get(
                "/api/v1/associations",
                params={"q": random.choice(SEARCH_WORDS)},
                name="search: directory",
            )

        @task(1)
        def post_reply(self) -> None:
            self.client.post(
                f"/api/v1/topics/{random.choice(topics)}/posts",
                json={"body": f"رد تجريبي **load** {random.randint(0, 10**9)}"},
                name="post: forum reply",
            )

        @task(2)
        def chat(self) -> None:
            started = time.perf_counter()
            failure: Exception | None = None
            try:
                ack = self.sio.call(
                    "message_send",
                    {
                        "conversation_id": self.person["conversation_id"],
                        "body": f"salam {self.sent} 👋",
                        "client_id": f"load-{self.person['id']}-{self.sent}",
                    },
                    namespace="/chat",
                    timeout=30,
                )
                self.sent += 1
                if not ack or not ack.get("ok"):
                    failure = RuntimeError(f"refused: {ack}")
            except Exception as error:
                failure = error
            self._fire("chat: send (ack)", started, failure)

    env = Environment(user_classes=[Member], events=events)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=spawn_rate)
    gevent.spawn_later(seconds, runner.quit)
    runner.greenlet.join()
    return env.stats


def summarize(stats: Any, seconds: float) -> dict[str, Any]:
    actions = {}
    for (name, method), entry in sorted(stats.entries.items()):
        actions[name] = {
            "method": method,
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "per_second": entry.num_requests / seconds,
            "p50_ms": entry.get_response_time_percentile(0.50) or 0,
            "p95_ms": entry.get_response_time_percentile(0.95) or 0,
        }
    total = stats.total
    return {
        "seconds": seconds,
        "requests": total.num_requests,
        "errors": total.num_failures,
        "per_second": total.num_requests / seconds,
        "actions": actions,
        "error_details": [
            {"name": e.name, "error": str(e.error), "count": e.occurrences}
            for e in stats.errors.values()
        ],
    }


def report(summary: dict[str, Any], users: int) -> None:
    print(f"\n{users} people for {summary['seconds']:.0f} s against jam3ia serve (1 worker)")
    print(f"{'action':<26}{'requests':>9}{'failures':>9}{'per s':>8}{'p50 ms':>8}{'p95 ms':>8}")
    for name, a in summary["actions"].items():
        print(
            f"{name:<26}{a['requests']:>9}{a['failures']:>9}{a['per_second']:>8.1f}"
            f"{a['p50_ms']:>8.0f}{a['p95_ms']:>8.0f}"
        )
    print(
        f"total: {summary['requests']} requests, {summary['per_second']:.1f}/s, "
        f"errors: {summary['errors']}"
    )
    for error in summary["error_details"]:
        print(f"  error x{error['count']} {error['name']}: {error['error']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--time", type=float, default=60, help="seconds of load")
    parser.add_argument("--instance", type=Path, help="instance folder (default: a temp one)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--prepare", type=Path, help=argparse.SUPPRESS)  # internal step
    args = parser.parse_args()
    if not 1 <= args.users <= 500 or not 1 <= args.time <= 900:
        raise SystemExit("--users must be 1..500 and --time 1..900 seconds (a bounded run)")

    if args.prepare:  # the child process that builds the instance
        prepare(args.instance, args.users, args.prepare)
        return
    # Locust runs on gevent: patch before anything imports ssl or sockets.
    from gevent import monkey

    monkey.patch_all()

    with tempfile.TemporaryDirectory(prefix="jam3ia-load-") as tmp:
        instance = args.instance or Path(tmp) / "instance"
        data_file = Path(tmp) / "people.json"
        print(f"preparing {instance} ({args.users} people, demo data) ...", flush=True)
        prepared = subprocess.run(
            [sys.executable, "-m", "bench.load", "--users", str(args.users),
             "--instance", str(instance), "--prepare", str(data_file)],
            cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if prepared.returncode != 0:
            raise SystemExit(f"preparing failed:\n{prepared.stdout}\n{prepared.stderr}")
        data = json.loads(data_file.read_text())
        port = free_port()
        log = Path(tmp) / "server.log"
        server = start_server(instance, port, log)
        try:
            stats = run_load(f"http://127.0.0.1:{port}", data, args.users, args.spawn_rate,
                             args.time)  # fmt: skip
        finally:
            os.killpg(server.pid, 15)
            server.wait(timeout=30)
        summary = summarize(stats, args.time)
        report(summary, args.users)
        if "Traceback" in log.read_text(errors="replace"):
            print("\nthe server logged a traceback:\n" + log.read_text()[-3000:])
            summary["server_tracebacks"] = True
        if args.json:
            args.json.write_text(json.dumps(summary, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
