"""Helpers for the Slack tests: signed requests from the recorded fixtures, and a running bot to send them to."""

from __future__ import annotations

import contextlib
import json
import urllib.parse
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import ClientResponse, ClientSession
from aiohttp.test_utils import TestServer
from pydantic import SecretStr

from bot.app import Services, build_services
from bot.settings import Settings
from bot.slack.edge import SLACK_EDGE, SlackEdge
from bot.web.app import build_app
from testkit.slack_api import FakeSlackAPI
from testkit.slack_signing import slack_headers

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "slack"
SECRET = "test-signing-secret"
QUESTION = "How fast must we acknowledge a customer complaint?"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def sign(body: str | bytes, *, ts: int | None = None, secret: str = SECRET) -> dict[str, str]:
    return slack_headers(body, secret, ts=ts)


def mention(text: str = QUESTION, *, event_id: str = "Ev111", ts: str = "1595926230.009600",
            thread_ts: str | None = None) -> dict[str, Any]:
    body = fixture("events_app_mention.json")
    body["event_id"] = event_id
    body["event"].update(text=f"<@W111> {text}", ts=ts, event_ts=ts)
    if thread_ts:
        body["event"]["thread_ts"] = thread_ts
    return body


def block_action(action_id: str, value: str, response_url: str | None = None, **container: Any) -> str:
    body = fixture("interactivity_block_actions.json")
    body["actions"][0].update(action_id=action_id, value=value)
    if response_url:
        body["response_url"] = response_url
    body["container"].update(container)
    return "payload=" + urllib.parse.quote(json.dumps(body))


def slash(text: str, response_url: str | None = None) -> str:
    form = dict(fixture("slash_command.json")["form"], command="/cx", text=text)
    if response_url:
        form["response_url"] = response_url
    return urllib.parse.urlencode(form)


@dataclass
class Slack:
    """The bot under test: send signed requests, then look at what it called on the fake API."""

    server: TestServer
    http: ClientSession
    fake: FakeSlackAPI
    services: Services
    edge: SlackEdge

    def url(self, path: str = "/slack/events") -> str:
        return str(self.server.make_url(path))

    async def send(self, body: str, content_type: str = "application/json",
                   headers: dict[str, str] | None = None, signed: bool = True) -> ClientResponse:
        hdrs = {"Content-Type": content_type, **(sign(body) if signed else {}), **(headers or {})}
        async with self.http.post(self.url(), data=body.encode(), headers=hdrs) as resp:
            await resp.read()
            return resp

    async def event(self, body: dict[str, Any], **headers: str) -> ClientResponse:
        return await self.send(json.dumps(body), headers=headers)

    async def form(self, body: str) -> ClientResponse:
        return await self.send(body, "application/x-www-form-urlencoded")

    async def settle(self) -> None:
        """Wait until every acknowledged request has been handled."""
        await self.edge.queue.join()


def slack_settings(base: Settings, tmp: Path, api_url: str) -> Settings:
    return base.model_copy(update={
        "database_url": f"sqlite:///{tmp / 'slack.db'}",
        "slack_bot_token": SecretStr("xoxb-test"),
        "slack_signing_secret": SecretStr(SECRET),
        "slack_api_url": api_url,
    })


async def start_bot(settings: Settings, fake: FakeSlackAPI) -> tuple[TestServer, Services]:
    services = build_services(settings)
    server = TestServer(build_app(services), host="127.0.0.1")
    await server.start_server()
    return server, services


@contextlib.asynccontextmanager
async def running_slack(settings: Settings, fake: FakeSlackAPI) -> AsyncIterator[Slack]:
    """cxbot served on loopback against `fake`, with an HTTP client to drive it; stopped and closed after."""
    server, services = await start_bot(settings, fake)
    try:
        async with ClientSession() as http:
            yield Slack(server, http, fake, services, server.app[SLACK_EDGE])
    finally:
        await server.close()
        services.close()
