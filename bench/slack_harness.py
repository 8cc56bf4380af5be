"""Shared by the Slack benches: a real `cxbot serve` process wired to the fake Slack Web API."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from testkit.serve import Serve  # noqa: E402
from testkit.slack_signing import slack_headers  # noqa: E402

FIXTURES = ROOT.parent / "shared" / "fixtures" / "slack"
CORPUS = [ROOT.parent / "shared" / "corpus" / "trends", ROOT.parent / "shared" / "corpus" / "playbooks"]
SECRET = "bench-signing-secret"


def signed(body: str | bytes, ts: int | None = None, secret: str | None = None) -> dict[str, str]:
    return slack_headers(body, secret or SECRET, ts=ts)


def index_knowledge(data_dir: Path, paths: list[Path] | None = None) -> int:
    """`cxbot ingest` of `paths` (default: the sample `knowledge/`) into `data_dir`; the number of chunks."""
    env = {**os.environ, "CXBOT_DATA_DIR": str(data_dir), "CXBOT_KNOWLEDGE_DIR": str(ROOT / "knowledge"),
           "CXBOT_EMBED_CACHE": str(ROOT / ".cxbot" / "test-embeddings.sqlite")}
    done = subprocess.run([sys.executable, "-m", "bot", "ingest", "--json", *(str(p) for p in paths or [])],
                          env=env, check=True, cwd=ROOT, capture_output=True, text=True)
    return int(json.loads(done.stdout)["chunks"])


class Server:
    """`cxbot serve` in a child process (`testkit.serve.Serve`); its output kept in a file so crashes can be counted."""

    def __init__(self, api_url: str, data_dir: Path, database_url: str | None = None,
                 extra_env: dict[str, str] | None = None) -> None:
        log = Path(tempfile.mkstemp(prefix="cxbot-serve-", suffix=".log")[1])
        env = {**os.environ, "CXBOT_DATA_DIR": str(data_dir), "CXBOT_KNOWLEDGE_DIR": str(ROOT / "knowledge"),
               "SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": api_url,
               "LOG_LEVEL": "WARNING"}
        env.pop("SLACK_APP_TOKEN", None)
        if database_url:
            env["DATABASE_URL"] = database_url
        env.update(extra_env or {})
        self.serve = Serve(env, log)
        self.serve.start()
        self.port, self.url = self.serve.port, self.serve.url

    @property
    def proc(self) -> subprocess.Popen[bytes] | None:
        return self.serve.proc

    async def wait_ready(self, timeout: float = 60.0) -> None:
        await self.serve.wait_healthy_async(timeout)

    def stop(self) -> str:
        """Stop the server (SIGINT, like Ctrl-C) and return its log."""
        self.serve.stop(15, signal.SIGINT)
        return self.serve.output()
