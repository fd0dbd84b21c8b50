"""The load benchmark in a bounded form (10 people, 10 s): no request may fail.

Only errors are asserted; its timings are figures for people (machines here are shared).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.faults.conftest import ROOT

pytestmark = pytest.mark.live


def test_bounded_load_run_has_no_errors(tmp_path):
    out = tmp_path / "load.json"
    run = subprocess.run(
        [sys.executable, "-m", "bench.load", "--users", "10", "--spawn-rate", "5",
         "--time", "10", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    summary = json.loads(out.read_text())
    assert summary["errors"] == 0, summary["error_details"]
    assert not summary.get("server_tracebacks"), run.stdout
    assert summary["actions"]["chat: connect"]["requests"] == 10
    assert summary["requests"] > 10
