"""The production topology from real processes on loopback: `chroma run`, PostgreSQL, `cxbot serve`.

Used by the scale-out test and by `bench/scaleout_throughput.py`. Every process gets its own port and
data dir; replicas share nothing but the Chroma server and the PostgreSQL database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from testkit.serve import Proc, Serve, free_port, wait_until

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN = os.environ.get("CXBOT_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def http(method: str, url: str, body: Any = None, timeout: float = 30.0) -> tuple[int, Any]:
    """One JSON request; returns (status, parsed body or text). Never raises for HTTP errors."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw, status = resp.read(), resp.status
    except urllib.error.HTTPError as exc:
        raw, status = exc.read(), exc.code
    text = raw.decode("utf-8", "replace")
    try:
        return status, json.loads(text) if text else None
    except json.JSONDecodeError:
        return status, text


class Chroma(Proc):
    """`chroma run` from the chromadb package, on 127.0.0.1."""

    def __init__(self, path: Path, log: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        env = dict(os.environ, ANONYMIZED_TELEMETRY="False")
        argv = [str(BIN / "chroma"), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(self.port)]
        super().__init__("chroma", argv, env, log, path.parent)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start_and_wait(self, timeout: float = 30.0) -> None:
        self.start()
        wait_until("chroma", lambda: http("GET", f"{self.url}/api/v2/heartbeat", timeout=2)[0] == 200,
                   timeout, self.proc, self.log)


def create_database(prefix: str = "cxbot_scaleout", admin_url: str = PG_ADMIN) -> str:
    """A fresh, dedicated database on the server of `admin_url` (parallel runs cannot collide); its URL."""
    import sqlalchemy

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    engine = sqlalchemy.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name


def drop_database(url: str, admin_url: str = PG_ADMIN) -> None:
    import sqlalchemy

    name = url.rsplit("/", 1)[1]
    engine = sqlalchemy.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def cxbot_env(data_dir: Path, chroma_url: str, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of one replica (or of `cxbot ingest` run against the same services)."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SSL_CERT_FILE")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        HOST="127.0.0.1", CHROMA_URL=chroma_url, DATABASE_URL=database_url, CXBOT_DATA_DIR=str(data_dir),
        CXBOT_KNOWLEDGE_DIR=str(ROOT / "knowledge"), CXBOT_HASH_KEY="scale-out-test-key",
        CXBOT_EMBED_CACHE=str(ROOT / ".cxbot" / "test-embeddings.sqlite"), CXBOT_SHUTDOWN_TIMEOUT="20",
        CHROMA_TIMEOUT="5", ANONYMIZED_TELEMETRY="False",
    )
    env.update(extra)
    return env


class Replica(Serve):
    """One `cxbot serve` process (it reads no `.env` but its own log folder's)."""

    def __init__(self, name: str, env: dict[str, str], log: Path) -> None:
        super().__init__(env, log, name=name, cwd=log.parent)


def ingest(env: dict[str, str], cwd: Path, paths: list[Path] | None = None) -> dict[str, Any]:
    """`cxbot ingest --json` with a replica's environment."""
    argv = [str(BIN / "cxbot"), "ingest", "--json", *(str(p) for p in paths or [])]
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"cxbot ingest failed ({done.returncode}):\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@dataclass
class Connector:
    """A fake Bot Connector (Teams' serviceUrl) in a thread: records every activity the bots send."""

    calls: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0
    delay: float = 0.0
    _server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        rec = self

        class Handler(BaseHTTPRequestHandler):
            def _record(self) -> None:
                size = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(size) or b"{}")
                if rec.delay:
                    time.sleep(rec.delay)
                with rec.lock:
                    rec.calls.append((self.command, self.path, body))
                    n = len(rec.calls)
                out = json.dumps({"id": f"act-{n}"}).encode()
                self.send_response(201 if self.command == "POST" else 200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_POST = do_PUT = _record

            def log_message(self, *_args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def messages(self, conversation: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            return [b for m, _p, b in self.calls if m == "POST" and b.get("type") == "message"
                    and (conversation is None or b.get("conversation", {}).get("id") == conversation)]


def texts(node: Any) -> list[str]:
    """Every "text" string in an activity or card, in order (what a person reads)."""
    out: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                out.append(value)
            elif key not in ("data", "value"):
                out.extend(texts(value))
    elif isinstance(node, list):
        for item in node:
            out.extend(texts(item))
    return out


def activity(service_url: str, text: str = "", *, user: str = "29:user-1", conversation: str = "a:conv-1",
             channel: bool = False, value: dict[str, Any] | None = None, expect_replies: bool = False) -> dict[str, Any]:
    """A Teams message activity as the Bot Framework would deliver it."""
    act: dict[str, Any] = {
        "type": "message", "id": uuid.uuid4().hex[:16], "channelId": "msteams", "serviceUrl": service_url,
        "timestamp": "2026-01-01T00:00:00.000Z", "text": text, "textFormat": "plain",
        "from": {"id": user, "name": user, "aadObjectId": str(uuid.uuid5(uuid.NAMESPACE_URL, user))},
        "recipient": {"id": "28:cxbot", "name": "cxbot"},
        "conversation": {"id": conversation, "conversationType": "channel" if channel else "personal",
                         "tenantId": "tenant-1", **({"isGroup": True} if channel else {})},
        "channelData": {"tenant": {"id": "tenant-1"}},
        "locale": "en-US",
    }
    if channel:
        act["channelData"].update(channel={"id": conversation.split(";")[0]}, team={"id": "19:team@thread.skype"})
    if value is not None:
        act["value"] = value
    if expect_replies:
        act["deliveryMode"] = "expectReplies"
    return act


def execute(service_url: str, data: dict[str, Any], **kw: Any) -> dict[str, Any]:
    """The `adaptiveCard/action` invoke Teams sends when someone clicks an Action.Execute button."""
    act = activity(service_url, **kw)
    act.update(type="invoke", name="adaptiveCard/action", text="", value={
        "action": {"type": "Action.Execute", "verb": data.get("action"), "data": data}, "trigger": "manual",
    })
    return act


class SlackAPI:
    """testkit.slack_api's recording Slack Web API, served from a thread of its own."""

    def __init__(self) -> None:
        import asyncio

        from testkit.slack_api import FakeSlackAPI

        self.loop = asyncio.new_event_loop()
        self.fake = FakeSlackAPI()
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(self.loop)
            self.loop.run_until_complete(self.fake.start())
            ready.set()
            self.loop.run_forever()

        threading.Thread(target=run, daemon=True).start()
        ready.wait(10)
        self.url = self.fake.url

    def posts(self, channel: str) -> list[dict[str, Any]]:
        return [c.args for c in list(self.fake.calls) if c.method == "chat.postMessage" and c.args.get("channel") == channel]

    def stop(self) -> None:
        import asyncio

        asyncio.run_coroutine_threadsafe(self.fake.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)


def slack_event(text: str, channel: str, user: str = "W222") -> dict[str, Any]:
    """A Slack Events API direct message, as Slack delivers it."""
    ts = f"{time.time():.6f}"
    return {
        "token": "verification_token", "team_id": "T111", "api_app_id": "A111", "type": "event_callback",
        "event_id": f"Ev{uuid.uuid4().hex[:10]}", "event_time": int(time.time()),
        "event": {"user": user, "type": "message", "ts": ts, "text": text, "channel": channel,
                  "event_ts": ts, "channel_type": "im"},
        "authorizations": [{"team_id": "T111", "user_id": "W111", "is_bot": True}],
    }


def signed_post(url: str, body: dict[str, Any], secret: str) -> int:
    """POST a Slack request signed with the signing secret (v0 HMAC-SHA256); the status code."""
    from testkit.slack_signing import slack_headers

    raw = json.dumps(body).encode()
    req = urllib.request.Request(url, data=raw, method="POST", headers={
        "Content-Type": "application/json", **slack_headers(raw, secret)})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
