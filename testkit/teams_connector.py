"""A fake Bot Connector API (Teams' `serviceUrl`) that records what the bot sends.

It answers streaming activities as Teams does: the first activity of a stream gets 201 and an id (the
stream id), later ones 202 with an empty body. `refuse_streams` makes it refuse them as Teams does where
streaming is not allowed (403 ContentStreamNotAllowed), for "informative", "final" or both.
"""

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
    refuse_streams: frozenset[str] = frozenset()  # stream types answered 403 ("informative", "final", ...)
    refused: list[dict[str, Any]] = field(default_factory=list)
    streams_started: list[str] = field(default_factory=list)  # the id given to each stream's first activity
    answered: list[str] = field(default_factory=list)  # the activity id given back for each call

    def id_of(self, activity: dict[str, Any]) -> str:
        """The id the connector gave a recorded activity (a post's message id)."""
        return self.answered[next(i for i, (_m, _p, b) in enumerate(self.calls) if b is activity)]

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        info = stream_info(body)
        if info is not None and info.get("streamType") in self.refuse_streams:
            self.refused.append(body)
            return web.json_response({"error": {"code": "ContentStreamNotAllowed",
                                                 "message": "Content stream is not allowed"}}, status=403)
        self.calls.append((request.method, request.path, body))
        self.authorizations.append(request.headers.get("Authorization", ""))
        self.arrived.set()
        if info is not None and info.get("streamId"):
            self.answered.append(str(info["streamId"]))  # a streamed message keeps the stream's id
            return web.json_response({}, status=202)
        given = body.get("id") or f"msg-{next(self.ids)}"
        self.answered.append(given)
        if info is not None:
            self.streams_started.append(given)
        return web.json_response({"id": given}, status=201)

    def messages(self) -> list[dict[str, Any]]:
        """Message activities sent (posts and replies, not typing, not updates), oldest first."""
        return [b for m, _p, b in self.calls if m == "POST" and b.get("type") == "message"]

    def typing(self) -> list[dict[str, Any]]:
        return [b for _m, _p, b in self.calls if b.get("type") == "typing"]

    def streamed(self) -> list[dict[str, Any]]:
        """The `streaminfo` entity of every streaming activity sent, oldest first, with the activity's
        type and text added (`{"type": "typing", "streamType": "informative", "streamSequence": 1, ...}`)."""
        out: list[dict[str, Any]] = []
        for _m, _p, body in self.calls:
            info = stream_info(body)
            if info is not None:
                out.append({**info, "type": body.get("type"), "text": body.get("text")})
        return out

    def updates(self) -> list[tuple[str, dict[str, Any]]]:
        return [(p, b) for m, p, b in self.calls if m == "PUT"]


def stream_info(activity: dict[str, Any]) -> dict[str, Any] | None:
    """The activity's `streaminfo` entity, or None when it is not part of a stream."""
    for entity in activity.get("entities") or []:
        if isinstance(entity, dict) and entity.get("type") == "streaminfo":
            return entity
    return None


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
