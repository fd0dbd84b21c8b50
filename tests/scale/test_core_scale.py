"""Core behaviour across two worker processes: shared rate limits, shared sessions, queue."""

from __future__ import annotations

import subprocess
import sys

import requests

from tests.scale.conftest import ROOT
from tests.support.auth import bearer


def test_login_rate_limit_counts_across_workers(cluster):
    cluster.register("limited", with_token=False)
    statuses = []
    for attempt in range(11):
        worker = cluster.a if attempt % 2 == 0 else cluster.b
        response = requests.post(
            f"{worker.url}/api/v1/auth/tokens",
            json={"login": "limited", "password": "wrong password"},
            timeout=10,
        )
        statuses.append(response.status_code)
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429


def test_token_from_one_worker_is_revoked_on_the_other(cluster):
    user = cluster.register("roaming")
    headers = bearer(user["token"])
    assert requests.get(f"{cluster.b.url}/api/v1/me", headers=headers, timeout=10).ok
    revoked = requests.delete(
        f"{cluster.a.url}/api/v1/auth/tokens/current", headers=headers, timeout=10
    )
    assert revoked.status_code == 204
    assert (
        requests.get(f"{cluster.b.url}/api/v1/me", headers=headers, timeout=10).status_code == 401
    )


def test_unreachable_redis_is_a_clear_error(cluster, tmp_path):
    env = dict(cluster.a.env, REDIS_URL="redis://127.0.0.1:1/0", JAM3IA_INSTANCE_PATH=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "db", "current"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr + result.stdout
