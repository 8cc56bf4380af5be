"""A fake Bot Connector API (Teams' `serviceUrl`) that records what the bot sends."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer


@dataclass
class Connector:
    """A fake Bot Connector API that records what the bot sends."""

    url: str = ""
    calls: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    authorizations: list[str] = field(default_factory=list)  # each call's Authorization header ("" if none)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    answered: list[str] = field(default_factory=list)  # the activity id given back for each call

    def id_of(self, activity: dict[str, Any]) -> str:
        """The id the connector gave a recorded activity (a post's message id)."""
        return self.answered[next(i for i, (_m, _p, b) in enumerate(self.calls) if b is activity)]

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.calls.append((request.method, request.path, body))
        self.authorizations.append(request.headers.get("Authorization", ""))
        self.arrived.set()
        given = body.get("id") or f"msg-{next(self.ids)}"
        self.answered.append(given)
        return web.json_response({"id": given}, status=201)

    def messages(self) -> list[dict[str, Any]]:
        """Message activities sent (posts and replies, not typing, not updates), oldest first."""
        return [b for m, _p, b in self.calls if m == "POST" and b.get("type") == "message"]

    def typing(self) -> list[dict[str, Any]]:
        return [b for _m, _p, b in self.calls if b.get("type") == "typing"]

    def updates(self) -> list[tuple[str, dict[str, Any]]]:
        return [(p, b) for m, p, b in self.calls if m == "PUT"]


@asynccontextmanager
async def serving() -> AsyncIterator[Connector]:
    """A fake connector listening on 127.0.0.1 for the duration of the block (its `url` set)."""
    rec = Connector()
    app = web.Application()
    app.router.add_route("*", "/v3/conversations/{tail:.*}", rec.handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    rec.url = str(server.make_url("/")).rstrip("/") + "/"
    try:
        yield rec
    finally:
        await server.close()
