"""With CI set, a PostgreSQL test without PostgreSQL is red, not skipped (elsewhere it skips).

The check runs a real PostgreSQL-gated test in a child pytest pointed at a closed port.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GATED = "tests/teams/test_teams_store.py"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # nobody listens once the socket is closed


def run_gated(ci: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["CXBOT_TEST_PG"] = f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/nothing"
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "postgres", GATED],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )


def test_in_ci_a_missing_postgresql_fails_the_run() -> None:
    done = run_gated("true")
    assert done.returncode == 1, done.stdout[-2000:]
    assert "with CI set, PostgreSQL tests must run, not skip" in done.stdout
    summary = done.stdout.strip().splitlines()[-1]  # e.g. "3 deselected, 3 errors in 2.61s": a fixture failed
    assert ("error" in summary or "failed" in summary) and "skipped" not in summary and "passed" not in summary


def test_outside_ci_a_missing_postgresql_skips() -> None:
    done = run_gated(None)
    assert done.returncode == 0, done.stdout[-2000:]
    summary = done.stdout.strip().splitlines()[-1]
    assert "skipped" in summary and "error" not in summary and "failed" not in summary
