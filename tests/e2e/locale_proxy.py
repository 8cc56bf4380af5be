"""A pass-through between Agents Playground and the bot that can set the Teams locale of activities.

The playground (0.2.28) writes `"locale": "en-US"` (and the same in its `clientInfo` entity) into every
activity it sends and has no setting for it. A German Teams client sends `de-DE` there; this proxy
rewrites those two fields to `locale` while it is set, and forwards everything else unchanged (requests
and the bot's responses, invoke bodies included). The playground is pointed at it with `BOT_URL`.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp
from aiohttp import web

HOP_HEADERS = {"host", "content-length", "transfer-encoding", "connection"}


class LocaleProxy:
    def __init__(self, target: str, session: aiohttp.ClientSession) -> None:
        self.target = target.rstrip("/")
        self.session = session
        self.locale: str | None = None  # None: activities pass unchanged
        self.rewritten = 0
        self._runner: web.AppRunner | None = None

    def rewrite(self, body: bytes) -> bytes:
        if self.locale is None or not body:
            return body
        try:
            activity: Any = json.loads(body)
        except ValueError:
            return body
        if not isinstance(activity, dict):
            return body
        activity["locale"] = self.locale
        for entity in activity.get("entities") or []:
            if isinstance(entity, dict) and entity.get("type") == "clientInfo":
                entity["locale"] = self.locale
        self.rewritten += 1
        return json.dumps(activity).encode()

    async def _forward(self, request: web.Request) -> web.Response:
        body = self.rewrite(await request.read())
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS}
        async with self.session.request(request.method, self.target + request.path_qs, data=body,
                                        headers=headers) as resp:
            data = await resp.read()
            kept = {k: v for k, v in resp.headers.items() if k.lower() not in HOP_HEADERS | {"content-encoding"}}
            return web.Response(status=resp.status, body=data, headers=kept)

    async def start(self, port: int) -> None:
        app = web.Application(client_max_size=8 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
