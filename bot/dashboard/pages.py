"""The dashboard's own pages: the index, Pulses, Digests and Knowledge (each gathers its figures in a
thread, off the event loop, then renders)."""

from __future__ import annotations

from aiohttp import web

from bot.dashboard.frame import Frame


def routes(frame: Frame) -> list[web.RouteDef]:
    async def index(request: web.Request) -> web.Response:
        return frame.render(request, "index.html", title="Overview")

    async def todo(request: web.Request) -> web.Response:
        return frame.render(request, "placeholder.html", title=request.path.rsplit("/", 1)[-1].title(),
                            message="Coming in the next version.")

    return [
        web.get("/", index),
        web.get("/pulses", todo),
        web.get("/digests", todo),
        web.get("/knowledge", todo),
    ]
