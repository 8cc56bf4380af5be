"""A running cxbot (real aiohttp app: Slack and Teams edges) on 127.0.0.1 for the HTTP fuzzers.

The server runs in its own event loop thread; the fuzzers (hypothesis, synchronous) send requests
through `Running.request`. Every ERROR log record with an exception from `bot.*` counts as a crash.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
from pydantic import SecretStr

from bot.app import Services, build_services
from bot.settings import Settings
from bot.slack.fake_api import FakeSlackAPI
from bot.web.app import build_app

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from testkit.slack_signing import slack_headers  # noqa: E402

FIXTURES = ROOT.parent / "shared" / "fixtures"
SECRET = "fuzz-signing-secret"


class Crashes(logging.Handler):
    """Collects exceptions logged by cxbot (a handler failing after the HTTP answer is still a crash)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("bot") and record.exc_info:
            self.records.append(f"{record.name}: {record.getMessage()}: {record.exc_info[1]!r}")


def slack_signed(body: bytes, secret: str = SECRET) -> dict[str, str]:
    return slack_headers(body, secret)


@dataclass
class Running:
    loop: asyncio.AbstractEventLoop
    base: str
    services: Services
    crashes: Crashes
    fake: FakeSlackAPI
    session: aiohttp.ClientSession
    stop: list[Any] = field(default_factory=list)

    def request(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> int:
        async def go() -> int:
            async with self.session.request(method, self.base + path, data=body, headers=headers) as resp:
                await resp.read()
                return resp.status

        return asyncio.run_coroutine_threadsafe(go(), self.loop).result(60)

    def drain(self) -> None:
        """Wait until queued Slack work and background Teams turns are done."""
        from bot.slack.edge import SLACK_EDGE
        from bot.teams.edge import TEAMS_BOT

        async def go() -> None:
            app = self.stop[0].app
            if SLACK_EDGE in app:
                await app[SLACK_EDGE].queue.join()
            if TEAMS_BOT in app:
                await app[TEAMS_BOT].drain()

        asyncio.run_coroutine_threadsafe(go(), self.loop).result(300)

    def close(self) -> None:
        async def go() -> None:
            await self.session.close()
            for s in self.stop:
                await s.close()
            await self.fake.stop()

        asyncio.run_coroutine_threadsafe(go(), self.loop).result(60)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.services.close()


def start(data_dir: Path | None = None, index: bool = True, **update: Any) -> Running:
    """Start the Slack fake, a Teams connector sink and cxbot; returns when all listen."""
    data = data_dir or Path(tempfile.mkdtemp(prefix="cxbot-fuzz-"))
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()
    crashes = Crashes()
    logging.getLogger().addHandler(crashes)

    async def boot() -> Running:
        fake = FakeSlackAPI()
        await fake.start()
        sink = web.Application()
        sink.router.add_route("*", "/{tail:.*}", lambda r: web.json_response({"id": "1"}, status=201))
        connector = TestServer(sink, host="127.0.0.1")
        await connector.start_server()
        settings = Settings(_env_file=None, CXBOT_DATA_DIR=data, CXBOT_KNOWLEDGE_DIR=ROOT / "knowledge",  # type: ignore[call-arg]
                            CXBOT_EMBED_CACHE=ROOT / ".cxbot" / "test-embeddings.sqlite")
        settings = settings.model_copy(update={
            "slack_bot_token": SecretStr("xoxb-fuzz"), "slack_signing_secret": SecretStr(SECRET),
            "slack_api_url": fake.url, "evangelists": "W111", "ask_rate_limit": 0, **update})
        if index:
            from bot.knowledge import Knowledge

            await asyncio.to_thread(Knowledge(settings).indexer().run, [ROOT / "knowledge"])
        services = build_services(settings)
        server = TestServer(build_app(services), host="127.0.0.1")
        await server.start_server()
        session = aiohttp.ClientSession()
        run = Running(loop, str(server.make_url("")).rstrip("/"), services, crashes, fake, session, [server, connector])
        run.connector_url = str(connector.make_url("/"))  # type: ignore[attr-defined]
        return run

    return asyncio.run_coroutine_threadsafe(boot(), loop).result(120)
