"""Graceful shutdown: in-flight work finishes, new work is refused by readiness, the process exits 0."""

from __future__ import annotations

import asyncio
import os
import sys
import urllib.request
from pathlib import Path

from bot.ops.inflight import Inflight
from testkit.serve import Serve


async def test_drain_waits_for_work_in_flight() -> None:
    inflight = Inflight()
    done: list[str] = []

    async def answer() -> None:
        async with inflight.track():
            await asyncio.sleep(0.3)
            done.append("answer")

    task = asyncio.create_task(answer())
    await asyncio.sleep(0.05)
    assert inflight.count == 1
    assert await inflight.drain(5.0)
    assert done == ["answer"] and inflight.stopping
    await task


async def test_drain_gives_up_after_the_timeout() -> None:
    inflight = Inflight()
    gate = asyncio.Event()

    async def stuck() -> None:
        async with inflight.track():
            await gate.wait()

    task = asyncio.create_task(stuck())
    await asyncio.sleep(0.01)
    assert not await inflight.drain(0.1)
    gate.set()
    await task


def test_serve_without_platforms_serves_health_and_exits_cleanly_on_sigterm(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "Microsoft", "CXBOT_", "DATABASE"))}
    env.update(CXBOT_DATA_DIR=str(tmp_path / "data"))
    cxbot = Path(sys.executable).with_name("cxbot")
    server = Serve(env, tmp_path / "serve.log", cwd=tmp_path, argv=[str(cxbot), "serve"])
    server.start()
    try:
        server.wait_healthy(60)
        with urllib.request.urlopen(f"{server.url}/metrics", timeout=5) as resp:
            assert b"cxbot_requests" in resp.read()
        assert server.stop(30) == 0
    finally:
        server.kill()
    assert '"level"' in server.output()  # JSON lines
