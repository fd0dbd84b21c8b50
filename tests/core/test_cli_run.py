"""``jam3ia run`` (what ``make run`` ends with), started as a newcomer starts it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import free_port, wait_healthy

ROOT = Path(__file__).resolve().parents[2]


def test_jam3ia_run_serves_and_says_what_it_is_for(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JAM3IA_", "DATABASE_URL"))}
    env.update(JAM3IA_INSTANCE_PATH=str(tmp_path / "instance"), JAM3IA_ENV="development")
    log = tmp_path / "run.log"
    subprocess.run(
        [sys.executable, "-m", "app.cli", "db", "upgrade"], cwd=ROOT, env=env, check=True,
        capture_output=True, timeout=300,
    )  # fmt: skip
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "run", "--port", str(port)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_healthy(f"http://127.0.0.1:{port}", server, log.read_text, 60)
        finally:
            server.terminate()
            server.wait(30)
    text = log.read_text()
    # Werkzeug's red "do not use it in a production deployment" alarmed newcomers running the
    # documented command; ours says what the command is for and names the production one.
    assert "Do not use it in a production deployment" not in text
    assert "appears to be used in a production deployment" not in text
    assert f"jam3ia on http://127.0.0.1:{port}" in text
    assert "jam3ia serve" in text
