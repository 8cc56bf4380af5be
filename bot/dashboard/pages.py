"""The dashboard's own pages: the index, Pulses, Digests and Knowledge. Each gathers its figures, draws
its charts (cached) and renders in a worker thread, off the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.dashboard import digests, knowledge, pulses
from bot.dashboard.charts import svg
from bot.dashboard.frame import Frame


def routes(frame: Frame) -> list[web.RouteDef]:
    services = frame.services
    counts = knowledge.Counts(services.knowledge)

    async def page(request: web.Request, template: str, title: str, values: Callable[[], dict[str, Any]]) -> web.Response:
        def build() -> str:
            return frame.html(request, template, title=title, **values())

        return frame.response(await asyncio.to_thread(build))

    async def index(request: web.Request) -> web.Response:
        return frame.render(request, "index.html", title="Overview")

    async def pulses_page(request: web.Request) -> web.Response:
        k = services.settings.anonymity_k

        def values() -> dict[str, Any]:
            groups = pulses.gather(services.db, k, services.clock.now())
            charts = [(g, svg(g.chart()), svg(g.participation_chart(k))) for g in groups]
            return {"groups": charts, "k": k}

        return await page(request, "pulses.html", "Pulses", values)

    async def digests_page(request: web.Request) -> web.Response:
        def values() -> dict[str, Any]:
            now = services.clock.now()
            kpis, problem = digests.kpis(services.features.digest.service, now)
            return {"sent": digests.sent(services.db, now), "kpis": [(kpi, svg(kpi.chart)) for kpi in kpis],
                    "problem": problem, "weeks": digests.WEEKS}

        return await page(request, "digests.html", "Digests", values)

    async def knowledge_page(request: web.Request) -> web.Response:
        def values() -> dict[str, Any]:
            return {"view": knowledge.gather(services.knowledge, counts, services.db, services.clock.now())}

        return await page(request, "knowledge.html", "Knowledge", values)

    return [
        web.get("/", index),
        web.get("/pulses", pulses_page),
        web.get("/digests", digests_page),
        web.get("/knowledge", knowledge_page),
    ]
