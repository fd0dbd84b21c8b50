"""Chat benchmark (prints figures; not a test).

Starts jam3ia production-style (``jam3ia serve``: gunicorn + gevent workers), connects N
python-socketio clients (100, 500, 1,000 by default) spread over several client processes on
127.0.0.1, and has every client post into its group conversation at a steady pace for a
bounded time. Then it runs the same load against a bare python-socketio broadcast server
(gevent, no database, no auth) and prints, for both: messages sent (acknowledged), deliveries
expected and delivered, lost, deliveries per second, p50/p99 delivery latency (send ->
``message_new`` at another member), server CPU per message, and the ratio of deliveries.

It does so for each ``--workers`` count (1 and 2 by default); above one process the workers
share Socket.IO's message queue on a private Redis, as in production.

    .venv/bin/python -m bench.chat                      # 100, 500, 1000 clients; 1 and 2 workers
    .venv/bin/python -m bench.chat --workers 2 --database-url postgresql://postgres@127.0.0.1/test
    .venv/bin/python -m bench.chat --clients 1000 --interval 2.5 --servers jam3ia   # saturate

Each client sends one message every ``--interval`` seconds (default 10 s: six a minute, a very
busy chat; 1,000 clients then send 100 messages a second); a group of ``--group`` people gets
every message delivered to the other ``group - 1`` members' sockets. SQLite holds the data
unless ``--database-url`` names a PostgreSQL database (a fresh schema is made and dropped).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from a checkout: use that checkout's code
    sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
NS = "/chat"
#: the keys of the server's production settings: the tokens made while preparing are keyed
#: with the same token key, or the server knows none of them
KEYS = {
    "JAM3IA_DATA_KEY": "YmVuY2gtZGF0YS1rZXktMzItYnl0ZXMtbG9uZy0hISE=",
    "JAM3IA_TOKEN_KEY": "bench-token-key-that-is-long-enough-0123456789",
}


# -- the bare server (gunicorn -k gevent 'bench.chat:bare_application()') -----------------


def bare_application() -> Any:
    """A python-socketio broadcast server with no database: the baseline."""
    import socketio

    redis_url = os.environ.get("REDIS_URL")
    manager = socketio.RedisManager(redis_url) if redis_url else None
    sio = socketio.Server(async_mode="gevent", cors_allowed_origins="*", client_manager=manager)
    state = {"next_id": 0, "process": os.getpid() % 1000}

    def healthz(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'{"status": "ok"}']

    @sio.on("connect", namespace=NS)
    def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        for room in (auth or {}).get("rooms", []):
            sio.enter_room(sid, f"conv:{int(room)}", namespace=NS)
        sio.save_session(sid, {"user_id": (auth or {}).get("user_id")}, namespace=NS)

    @sio.on("message_send", namespace=NS)
    def message_send(sid: str, data: dict[str, Any]) -> dict[str, Any]:
        user = sio.get_session(sid, namespace=NS)["user_id"]
        state["next_id"] += 1
        message = {
            "id": state["next_id"] * 1000 + state["process"],
            "conversation_id": data["conversation_id"],
            "sender_id": user,
            "body": data["body"],
            "body_html": f"<p>{data['body']}</p>",
            "client_id": data["client_id"],
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
        }
        sio.emit(
            "message_new", {"message": message}, to=f"conv:{data['conversation_id']}", namespace=NS
        )
        return {"ok": True, "message": message}

    return socketio.WSGIApp(sio, healthz)


# -- client worker process -------------------------------------------------------------------


def worker(spec_path: str, out_path: str) -> None:
    """One client process: gevent greenlets drive many python-socketio clients."""
    from gevent import monkey

    monkey.patch_all()
    import logging

    import gevent
    import socketio
    from gevent.pool import Pool

    logging.getLogger("engineio.client").setLevel(logging.CRITICAL)  # noisy at disconnect
    spec = json.loads(Path(spec_path).read_text())
    latencies: list[float] = []
    acks: list[float] = []
    counts = {"sent": 0, "acked": 0, "errors": 0, "delivered": 0, "connect_failed": 0}
    error_codes: dict[str, int] = {}
    clients: list[tuple[socketio.Client, dict[str, Any]]] = []

    def make(entry: dict[str, Any]) -> None:
        sio = socketio.Client(reconnection=False)
        me = entry["user_id"]

        @sio.on("message_new", namespace=NS)
        def on_message(data: dict[str, Any]) -> None:
            body = data["message"]["body"]
            parts = body.split("|")
            if len(parts) == 4 and parts[0] == "bench" and int(parts[1]) != me:
                counts["delivered"] += 1
                latencies.append(time.time() - float(parts[3]))

        try:
            sio.connect(
                spec["url"],
                namespaces=[NS],
                auth=entry["auth"],
                transports=["websocket"],
                wait_timeout=30,
            )
        except Exception:
            counts["connect_failed"] += 1
            return
        clients.append((sio, entry))

    pool = Pool(50)
    for entry in spec["clients"]:
        pool.spawn(make, entry)
    pool.join()
    Path(out_path + ".ready").write_text("1")
    go = Path(out_path + ".go")
    while not go.exists():  # the orchestrator says when every process is connected
        gevent.sleep(0.05)
    spec.update(json.loads(go.read_text()))
    while time.time() < spec["start_at"]:
        gevent.sleep(0.01)

    def sender(sio: socketio.Client, entry: dict[str, Any]) -> None:
        gevent.sleep(random.uniform(0, spec["interval"]))
        seq = 0
        while time.time() < spec["end_at"]:
            seq += 1
            start = time.time()
            body = f"bench|{entry['user_id']}|{seq}|{start:.6f}"
            payload = {
                "conversation_id": entry["conversation_id"],
                "body": body,
                "client_id": f"b{spec['run']}-{entry['user_id']}-{seq}",
            }
            counts["sent"] += 1
            try:
                ack = sio.call("message_send", payload, namespace=NS, timeout=15)
            except Exception:
                counts["errors"] += 1
                error_codes["timeout"] = error_codes.get("timeout", 0) + 1
            else:
                if ack and ack.get("ok"):
                    counts["acked"] += 1
                    acks.append(time.time() - start)
                else:
                    counts["errors"] += 1
                    code = (ack or {}).get("error", {}).get("code", "?")
                    error_codes[code] = error_codes.get(code, 0) + 1
            elapsed = time.time() - start
            gevent.sleep(max(0.0, spec["interval"] - elapsed))

    senders = [gevent.spawn(sender, sio, entry) for sio, entry in clients]
    gevent.joinall(senders)
    gevent.sleep(spec["drain"])
    result = dict(counts, latencies=latencies, acks=acks, error_codes=error_codes)
    Path(out_path).write_text(json.dumps(result))
    for sio, _entry in clients:
        gevent.spawn(sio.disconnect)
    gevent.sleep(1)
    os._exit(0)


# -- orchestration ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("server did not become healthy")


def prepare_database(instance: Path, total: int, group: int, sizes: list[int]) -> dict[str, Any]:
    """Users with API tokens and, per run size, group conversations of ``group`` people."""
    os.environ["JAM3IA_INSTANCE_PATH"] = str(instance)
    os.environ.update(KEYS)
    from app import create_app
    from app.accounts.models import User
    from app.accounts.services import issue_credential
    from app.db import db
    from app.security import hash_password
    from messaging import services

    app = create_app({"secret_key": "bench-secret", "instance_path": instance})
    with app.app_context():
        db.create_all()
        pw = hash_password("bench-password")
        users = [
            User(username=f"bench{i}", email=f"bench{i}@example.org", display_name=f"Bench {i}",
                 password_hash=pw)
            for i in range(total)
        ]  # fmt: skip
        db.session.add_all(users)
        db.session.commit()
        tokens = {u.id: issue_credential(u, "token", "bench")[0] for u in users}
        plans: dict[str, Any] = {}
        for size in sizes:
            entries = []
            members = users[:size]
            for start in range(0, size, group):
                block = members[start : start + group]
                if len(block) < 2:
                    block = members[start - group + 1 : start + 1]
                conversation, _new = services.start_conversation(
                    block[0], [u.id for u in block[1:]], f"bench {size}/{start}"
                )
                for u in members[start : start + group]:
                    entries.append(
                        {
                            "user_id": u.id,
                            "conversation_id": conversation.id,
                            "token": tokens[u.id],
                        }
                    )
            plans[str(size)] = entries
        db.session.commit()  # services only flush: the tokens and conversations are kept here
        db.session.remove()
        db.engine.dispose()
    return plans


def start_server(
    kind: str, instance: Path, port: int, log: Path, workers: int, redis_url: str | None
) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ,
        JAM3IA_INSTANCE_PATH=str(instance),
        SECRET_KEY="bench-secret",
        JAM3IA_ENV="production",
        JAM3IA_BASE_URL="http://127.0.0.1",
        **KEYS,
        PYTHONPATH=str(ROOT),
        # every benchmark client connects from the loopback address
        JAM3IA_MAX_SOCKETS_PER_ADDRESS="100000",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    if kind == "jam3ia":
        jam3ia = str(Path(PYTHON).with_name("jam3ia"))
        cmd = [jam3ia, "serve", "--port", str(port), "--workers", str(workers),
               "--worker-connections", "10000", "--log-level", "warning"]  # fmt: skip
    else:
        env["JAM3IA_ASYNC_MODE"] = "gevent"
        cmd = [PYTHON, "-m", "gunicorn", "-k", "gevent", "--workers", str(workers),
               "--worker-connections", "10000", "--bind", f"127.0.0.1:{port}",
               "--log-level", "warning", "bench.chat:bare_application()"]  # fmt: skip
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)


def run_load(
    kind: str,
    url: str,
    entries: list[dict[str, Any]],
    args: argparse.Namespace,
    tmp: Path,
    run: str,
    server_pid: int,
) -> dict[str, Any]:
    procs = max(1, min(args.processes, len(entries)))
    chunks = [entries[i::procs] for i in range(procs)]
    outs = []
    children = []
    for index, chunk in enumerate(chunks):
        clients = []
        for e in chunk:
            rooms = [e["conversation_id"]]
            auth = (
                {"token": e["token"]}
                if kind == "jam3ia"
                else {"user_id": e["user_id"], "rooms": rooms}
            )
            clients.append(
                {"user_id": e["user_id"], "conversation_id": e["conversation_id"], "auth": auth}
            )
        spec_path = tmp / f"{run}-{index}.json"
        out = tmp / f"{run}-{index}.out"
        spec = {
            "url": url,
            "clients": clients,
            "interval": args.interval,
            "drain": args.drain,
            "run": run,
        }
        spec_path.write_text(json.dumps(spec))
        outs.append(out)
        children.append((spec_path, out))
    began = time.time()
    popen = [
        subprocess.Popen([PYTHON, __file__, "--worker", str(s), str(o)], cwd=ROOT)
        for s, o in children
    ]
    # Every client connects first; then all start sending together.
    while not all(Path(str(o) + ".ready").exists() for o in outs):
        if time.time() > began + 300:
            raise RuntimeError("clients did not connect in time")
        time.sleep(0.2)
    connect_seconds = time.time() - began
    cpu_before = process_tree_cpu(server_pid)
    start_at = time.time() + 1
    for out in outs:
        Path(str(out) + ".go").write_text(
            json.dumps({"start_at": start_at, "end_at": start_at + args.seconds})
        )
    for p in popen:
        p.wait(timeout=args.seconds + args.drain + 180)
    server_cpu = process_tree_cpu(server_pid) - cpu_before
    total: dict[str, Any] = {"sent": 0, "acked": 0, "errors": 0, "delivered": 0}
    total.update(connect_failed=0, latencies=[], acks=[], error_codes={})
    for out in outs:
        data = json.loads(out.read_text())
        for key in ("sent", "acked", "errors", "delivered", "connect_failed"):
            total[key] += data[key]
        total["latencies"] += data["latencies"]
        total["acks"] += data["acks"]
        for code, n in data["error_codes"].items():
            total["error_codes"][code] = total["error_codes"].get(code, 0) + n
    sizes: dict[int, int] = {}
    for e in entries:
        sizes[e["conversation_id"]] = sizes.get(e["conversation_id"], 0) + 1
    # deliveries expected: each acknowledged message reaches every other member of its group
    per_sender = {e["user_id"]: sizes[e["conversation_id"]] - 1 for e in entries}
    total["expected"] = round(total["acked"] * statistics.mean(per_sender.values()))
    total["seconds"] = args.seconds
    total["connect_seconds"] = connect_seconds
    total["server_cpu"] = server_cpu
    return total


def process_tree_cpu(root_pid: int) -> float:
    """CPU seconds (user + system) used so far by ``root_pid`` and its descendants."""
    ticks = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    stats: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        stats[int(entry.name)] = (int(fields[11]) + int(fields[12])) / ticks
    total, todo = 0.0, [root_pid]
    while todo:
        pid = todo.pop()
        total += stats.get(pid, 0.0)
        todo.extend(children.get(pid, []))
    return total


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def report(label: str, n: int, r: dict[str, Any]) -> float:
    rate = r["delivered"] / r["seconds"]
    print(
        f"  {label:7} clients={n:5} sent={r['acked']:6} (errors {r['errors']}"
        f"{' ' + json.dumps(r['error_codes']) if r['error_codes'] else ''}, "
        f"connect failures {r['connect_failed']}) expected={r['expected']:7} "
        f"delivered={r['delivered']:7} lost={r['expected'] - r['delivered']:5} "
        f"msgs/s={r['acked'] / r['seconds']:7.1f} deliveries/s={rate:8.1f} "
        f"p50={pct(r['latencies'], 0.50):6.1f} ms p99={pct(r['latencies'], 0.99):6.1f} ms "
        f"ack p99={pct(r['acks'], 0.99):6.1f} ms (connecting took {r['connect_seconds']:.1f} s, "
        f"server CPU while sending {r['server_cpu']:.1f} s = "
        f"{1000 * r['server_cpu'] / max(1, r['acked']):.1f} ms per message, "
        f"load average {os.getloadavg()[0]:.1f})",
        flush=True,
    )
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--clients", type=int, nargs="+", default=[100, 500, 1000])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument(
        "--interval", type=float, default=10.0, help="seconds between two sends of one client"
    )
    parser.add_argument("--group", type=int, default=10, help="people per group conversation")
    parser.add_argument("--processes", type=int, default=4, help="client processes")
    parser.add_argument("--drain", type=float, default=5.0)
    parser.add_argument(
        "--workers", type=int, nargs="+", default=[1, 2],
        help="server process counts to run, one after the other (above 1: a private Redis)",
    )  # fmt: skip
    parser.add_argument(
        "--servers", nargs="+", choices=("jam3ia", "bare"), default=["jam3ia", "bare"],
        help="which servers to load (both by default, for the ratio)",
    )  # fmt: skip
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL URL: runs use a fresh schema in it (SQLite in a temporary folder "
        "otherwise; several worker processes in production mean PostgreSQL)",
    )
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return

    tmp = Path(tempfile.mkdtemp(prefix="jam3ia-bench-"))
    instance = tmp / "instance"
    instance.mkdir()
    schema = None
    if args.database_url:
        schema, os.environ["DATABASE_URL"] = fresh_schema(args.database_url)
    where = os.environ["DATABASE_URL"] if schema else instance
    print(f"preparing {max(args.clients)} users in {where} ...", flush=True)
    try:
        plans = prepare_database(instance, max(args.clients), args.group, args.clients)
        run_all(args, tmp, instance, plans)
    finally:
        if schema and args.database_url:
            drop_schema(args.database_url, schema)


def _engine(url: str) -> Any:
    from sqlalchemy import create_engine

    return create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))


def fresh_schema(url: str) -> tuple[str, str]:
    """A new schema in the PostgreSQL database at ``url``, and the URL that uses it."""
    from sqlalchemy import text

    schema = f"bench_{os.getpid()}_{int(time.time())}"
    engine = _engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return schema, f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


def drop_schema(url: str, schema: str) -> None:
    from sqlalchemy import text

    engine = _engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def run_all(args: argparse.Namespace, tmp: Path, instance: Path, plans: dict[str, Any]) -> None:
    #: (server kind, worker processes, clients) -> deliveries per second
    results: dict[tuple[str, int, int], float] = {}
    for workers in args.workers:
        redis = None
        redis_url = None
        if workers > 1:  # processes share Socket.IO's message queue on a private Redis
            redis_port = free_port()
            redis = subprocess.Popen(
                ["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no"],
                stdout=subprocess.DEVNULL,
            )
            redis_url = f"redis://127.0.0.1:{redis_port}/0"
            time.sleep(1)
        print(
            f"{workers} server process(es); each client sends every {args.interval} s into "
            f"a group of {args.group}; {args.seconds} s per run; "
            f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
            flush=True,
        )
        try:
            for kind in args.servers:
                port = free_port()
                url = f"http://127.0.0.1:{port}"
                log = tmp / f"{kind}-{workers}.log"
                server = start_server(kind, instance, port, log, workers, redis_url)
                try:
                    wait_healthy(url, server)
                    print(f"{kind}: server up on {url} (log {log})", flush=True)
                    for n in args.clients:
                        run = f"{kind}{workers}w{n}"
                        r = run_load(kind, url, plans[str(n)], args, tmp, run, server.pid)
                        results[kind, workers, n] = report(kind, n, r)
                finally:
                    server.send_signal(signal.SIGTERM)
                    try:
                        server.wait(timeout=20)
                    except subprocess.TimeoutExpired:
                        server.kill()
        finally:
            if redis is not None:
                redis.terminate()
                redis.wait(timeout=10)
    print("ratio jam3ia / bare (deliveries per second):")
    nan = float("nan")
    for workers in args.workers:
        for n in args.clients:
            jam3ia, bare = (
                results.get(("jam3ia", workers, n), nan),
                results.get(("bare", workers, n)),
            )
            ratio = jam3ia / (bare or nan)
            print(f"  workers={workers} clients={n:5} ratio={ratio:5.2f}")


if __name__ == "__main__":
    main()
