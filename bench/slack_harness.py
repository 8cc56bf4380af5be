"""Shared by the Slack benches: a real `cxbot serve` process wired to the fake Slack Web API."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from testkit.slack_signing import slack_headers  # noqa: E402

FIXTURES = ROOT.parent / "shared" / "fixtures" / "slack"
SECRET = "bench-signing-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def signed(body: str | bytes, ts: int | None = None, secret: str | None = None) -> dict[str, str]:
    return slack_headers(body, secret or SECRET, ts=ts)


def index_knowledge(data_dir: Path) -> None:
    env = {**os.environ, "CXBOT_DATA_DIR": str(data_dir), "CXBOT_KNOWLEDGE_DIR": str(ROOT / "knowledge"),
           "CXBOT_EMBED_CACHE": str(ROOT / ".cxbot" / "test-embeddings.sqlite")}
    subprocess.run([sys.executable, "-m", "bot", "ingest"], env=env, check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)


class Server:
    """`cxbot serve` in a child process; stderr kept in a file so crashes can be counted."""

    def __init__(self, api_url: str, data_dir: Path, database_url: str | None = None,
                 extra_env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile("w+", prefix="cxbot-serve-", suffix=".log", delete=False)  # noqa: SIM115
        env = {**os.environ, "PORT": str(self.port), "HOST": "127.0.0.1", "CXBOT_DATA_DIR": str(data_dir),
               "CXBOT_KNOWLEDGE_DIR": str(ROOT / "knowledge"), "SLACK_BOT_TOKEN": "xoxb-bench",
               "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": api_url, "LOG_LEVEL": "WARNING"}
        env.pop("SLACK_APP_TOKEN", None)
        if database_url:
            env["DATABASE_URL"] = database_url
        env.update(extra_env or {})
        self.proc = subprocess.Popen([sys.executable, "-m", "bot", "serve"], env=env, cwd=ROOT,
                                     stdout=self.log, stderr=subprocess.STDOUT)

    async def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession() as http:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"cxbot serve exited: {Path(self.log.name).read_text()[-2000:]}")
                try:
                    async with http.get(self.url + "/healthz") as resp:
                        if resp.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.2)
        raise TimeoutError("cxbot serve did not come up")

    def stop(self) -> str:
        """Stop the server (SIGINT, like Ctrl-C) and return its log."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        return Path(self.log.name).read_text(encoding="utf-8", errors="replace")
