"""The Slack edge: mounts `/slack/events` (and Socket Mode) on the shared aiohttp app.

Start-up makes one HTTP session for every Web API call, asks `auth.test` once, and starts the
queue workers; clean-up drains them. See docs/slack.md for the Slack-side setup.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from bot.slack.bolt_app import build_bolt_app
from bot.slack.client import BotIdentity, make_client
from bot.slack.groups import UserGroups
from bot.slack.handlers import SlackHandlers
from bot.slack.http import PATH, SlackRoute
from bot.slack.port import SlackPort
from bot.slack.seen import SeenEvents
from bot.slack.work_queue import WorkQueue

if TYPE_CHECKING:
    from bot.app import Services

log = logging.getLogger(__name__)

PURGE_SECONDS = 3600.0


@dataclass
class SlackEdge:
    """Everything the Slack edge made, kept on the aiohttp app under `SLACK_EDGE` (tests read it)."""

    bolt: AsyncApp
    port: SlackPort
    identity: BotIdentity
    queue: WorkQueue
    seen: SeenEvents
    app_token: str | None = None
    socket: AsyncSocketModeHandler | None = field(default=None, init=False)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set, init=False)

    async def start(self, _app: web.Application) -> None:
        session = aiohttp.ClientSession()
        self.port.client.session = session
        self.bolt.client.session = session
        try:
            await self.identity.load()
        except Exception as exc:  # Slack unreachable at start: authorize asks again on the first request
            log.error("auth.test failed at start-up", extra={"error": type(exc).__name__})
        self.queue.start()
        if self.app_token:
            self.socket = AsyncSocketModeHandler(self.bolt, self.app_token, web_client=self.bolt.client)
            # in the background: the SDK retries until Slack is reachable, the server must come up anyway
            task = asyncio.create_task(self.socket.connect_async())  # type: ignore[no-untyped-call]
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def stop(self, _app: web.Application) -> None:
        if self.socket is not None:
            await self.socket.close_async()  # type: ignore[no-untyped-call]
        await self.queue.stop()
        if self.port.client.session is not None:
            await self.port.client.session.close()

    async def purge(self) -> None:
        gone = await asyncio.to_thread(self.seen.purge)
        log.debug("slack event ids purged", extra={"count": gone})


SLACK_EDGE: web.AppKey[SlackEdge] = web.AppKey("slack_edge", SlackEdge)


def mount(app: web.Application, services: Services) -> bool:
    """Add the Slack routes if Slack is configured; say what is missing otherwise."""
    cfg = services.settings
    token = cfg.slack_bot_token.get_secret_value() if cfg.slack_bot_token else None
    secret = cfg.slack_signing_secret.get_secret_value() if cfg.slack_signing_secret else None
    app_token = cfg.slack_app_token.get_secret_value() if cfg.slack_app_token else None
    if not token or not (secret or app_token):
        missing = [n for n, v in (("SLACK_BOT_TOKEN", token), ("SLACK_SIGNING_SECRET", secret or app_token)) if not v]
        log.info("slack edge not mounted", extra={"missing": ",".join(missing)})
        return False
    web_client = make_client(token, cfg.slack_api_url)
    identity = BotIdentity(web_client)
    port = SlackPort(web_client)
    services.ports["slack"] = port  # pulses and digests post without a turn
    seen = SeenEvents(services.db)
    queue = WorkQueue(cfg.slack_workers)
    handlers = SlackHandlers(services, port, identity, UserGroups(web_client), seen)
    bolt = build_bolt_app(make_client(None, cfg.slack_api_url), identity, secret, handlers, queue)
    edge = SlackEdge(bolt, port, identity, queue, seen, app_token)
    app[SLACK_EDGE] = edge
    if secret:
        app.router.add_post(PATH, SlackRoute(bolt, secret, queue).handle)
    app.on_startup.append(edge.start)
    app.on_cleanup.append(edge.stop)
    services.scheduler.every(PURGE_SECONDS, "slack-purge", edge.purge)
    return True
