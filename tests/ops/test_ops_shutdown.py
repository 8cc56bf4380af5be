"""Graceful shutdown: in-flight work finishes, new work is refused by readiness, the process exits 0."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bot.ops.inflight import Inflight


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
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "Microsoft", "CXBOT_", "DATABASE"))}
    env.update(PORT=str(port), HOST="127.0.0.1", CXBOT_DATA_DIR=str(tmp_path / "data"))
    cxbot = Path(sys.executable).with_name("cxbot")
    proc = subprocess.Popen([str(cxbot), "serve"], cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as resp:
                    assert resp.status == 200
                    break
            except OSError:
                assert proc.poll() is None, "cxbot serve exited"
                assert time.monotonic() < deadline, "cxbot serve did not come up"
                time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as resp:
            assert b"cxbot_requests" in resp.read()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.stderr is not None
    log = proc.stderr.read()
    assert '"level"' in log  # JSON lines
