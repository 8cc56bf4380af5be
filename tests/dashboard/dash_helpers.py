"""Helpers for dashboard tests: a served app, a link asked for in chat, a browser-less client."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp
from aiohttp.test_utils import TestServer

from bot.app import Services, build_services
from bot.core.model import Conversation, Inbound, InboundKind, Text, User
from bot.settings import Settings
from bot.web.app import build_app
from testkit.net import free_port
from testkit.ports import RecordingPort

EVANGELIST = User("slack", "U0EVANGEL1", "Eva")
SOMEONE = User("slack", "U0SOMEONE2", "Sam")
DM = Conversation("slack", "D0DIRECT01", "dm")
CHANNEL = Conversation("slack", "C0CHANNEL1", "channel")
LINK = re.compile(r"https?://\S+/dashboard/login/[A-Za-z0-9_-]+")
PAGES = ("/dashboard/", "/dashboard/pulses", "/dashboard/digests", "/dashboard/knowledge", "/dashboard/gaps")


@dataclass
class Served:
    base: str
    services: Services


@asynccontextmanager
async def serve(settings: Settings) -> AsyncIterator[Served]:
    """`cxbot serve`'s app on a loopback port, with CXBOT_PUBLIC_URL pointing at it."""
    port = free_port()
    settings = settings.model_copy(update={"public_url": f"http://127.0.0.1:{port}", "evangelists": EVANGELIST.id})
    services = build_services(settings)
    server = TestServer(build_app(services), host="127.0.0.1", port=port)
    await server.start_server()
    try:
        yield Served(f"http://127.0.0.1:{port}", services)
    finally:
        await server.close()


async def ask_link(services: Services, user: User = EVANGELIST, conv: Conversation = DM,
                   private: bool = False, language: str | None = None) -> str:
    """What cxbot replies to `dashboard` from `user` in `conv`."""
    port = RecordingPort()
    await services.router.dispatch(Inbound(InboundKind.COMMAND if private else InboundKind.MESSAGE, conv, user,
                                           text="dashboard", private=private, language=language), port)
    out = port.pop()
    assert isinstance(out, Text)
    return out.text


def link_in(text: str) -> str:
    match = LINK.search(text)
    assert match, text
    return match.group(0)


def client() -> aiohttp.ClientSession:
    """A client that keeps cookies for 127.0.0.1 and does not follow redirects on its own."""
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def sign_in(http: aiohttp.ClientSession, link: str) -> aiohttp.ClientResponse:
    async with http.post(link, allow_redirects=False) as resp:
        return resp
