"""Exactly once on PostgreSQL: 3 replica processes, 4 subscriptions, 6 accelerated weeks, one SIGKILL."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "digest_exactly_once.py"


@pytest.mark.slow
async def test_three_replicas_post_each_digest_once_despite_a_kill(pg_url: str) -> None:
    spec = importlib.util.spec_from_file_location("digest_exactly_once", BENCH)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = await bench.run(subs=4, weeks=6, replicas=3, week_seconds=4.0, kills=1, admin_url=pg_url,
                             warmup=20.0,
                             log=lambda *_: None)
    assert result["missing"] == 0, result
    assert result["duplicates"] == 0, result
    assert result["delivered"] == result["expected"] == 24
