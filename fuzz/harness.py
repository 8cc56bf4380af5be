"""A running cxbot (real aiohttp app: Slack and Teams edges) on 127.0.0.1 for the HTTP fuzzers.

Two servers: the main one (Slack, and Teams without auth, so activities reach the bot) and
`auth_base`, Teams with Bot Framework auth on (MicrosoftAppId/MicrosoftAppPassword set). Both run in
one event loop thread; the fuzzers (hypothesis, synchronous) send requests
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
from bot.web.app import build_app

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from testkit.hostile import APP_ID, chunked  # noqa: E402
from testkit.slack_api import FakeSlackAPI  # noqa: E402
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
    auth_base: str = ""
    connector_url: str = ""
    others: list[Services] = field(default_factory=list)

    def request(self, method: str, path: str, body: bytes, headers: dict[str, str], *,
                stream: bool = False, base: str | None = None) -> int:
        """The status code, or -1 when the connection broke before an answer came."""

        async def go() -> int:
            data: Any = chunked(body) if stream else body
            try:
                async with self.session.request(method, (base or self.base) + path, data=data, headers=headers) as resp:
                    await resp.read()
                    return resp.status
            except aiohttp.ClientError:
                return -1

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
        for services in (self.services, *self.others):
            services.close()


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
        auth = settings.model_copy(update={
            "slack_bot_token": None, "slack_signing_secret": None, "database_url": f"sqlite:///{data / 'auth.db'}",
            "microsoft_app_id": APP_ID, "microsoft_app_password": SecretStr("fuzz-app-password")})
        auth_services = build_services(auth)
        auth_server = TestServer(build_app(auth_services), host="127.0.0.1")
        await auth_server.start_server()
        session = aiohttp.ClientSession()
        run = Running(loop, str(server.make_url("")).rstrip("/"), services, crashes, fake, session,
                      [server, connector, auth_server], str(auth_server.make_url("")).rstrip("/"),
                      str(connector.make_url("/")))
        run.others.append(auth_services)
        return run

    return asyncio.run_coroutine_threadsafe(boot(), loop).result(120)
