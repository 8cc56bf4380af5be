"""The server's operations: `/readyz`, `/metrics`, request ids, warm-up and graceful shutdown.

`install(app, services)` is called by `bot.web.app.build_app` before the platform edges mount.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from bot.app import Services

log = logging.getLogger(__name__)

WARMUP: web.AppKey[asyncio.Task[None]] = web.AppKey("ops_warmup", asyncio.Task)
EDGE_ROUTES = {"/slack/events": "Slack", "/api/messages": "Teams"}


async def warm_up(services: Services) -> None:
    """Load the embedder and the keyword index before the first ask needs them (30-60 s at 100k chunks), and
    the general word frequencies that tell names apart (0.4-0.7 s, else paid by the first question after a name)."""
    from bot.ask.answertype import rare

    started = time.monotonic()
    try:
        await asyncio.to_thread(services.knowledge.retriever.refresh)
        await asyncio.to_thread(services.knowledge.embedder.query, "warm-up")
        await asyncio.to_thread(rare, "warm-up")
    except Exception as exc:  # Chroma down or no index yet: the first ask will try again
        log.warning("warm-up incomplete", extra={"reason": type(exc).__name__})
        return
    log.info("knowledge warmed up", extra={"seconds": round(time.monotonic() - started, 2)})


def install(app: web.Application, services: Services) -> None:
    """Add /readyz and /metrics, the request-id middleware, event counting and graceful shutdown.

    Operations joins the rest through hooks: a router middleware counts and tracks every event, and
    observers time retrievals and count answers.
    """
    from bot.ops import metrics
    from bot.ops.logs import request_id_middleware
    from bot.ops.ready import readyz_view

    inflight = services.inflight
    services.router.use(inflight.middleware)
    services.knowledge.searched.add(metrics.searched)
    services.features.ask.answered.add(metrics.answered)
    app.middlewares.append(request_id_middleware)
    app.router.add_get("/readyz", readyz_view(services, lambda: inflight.stopping))
    app.router.add_get("/metrics", metrics.metrics_view)

    async def on_startup(app: web.Application) -> None:
        paths = {r.resource.canonical for r in app.router.routes() if r.resource is not None}
        mounted = [name for path, name in EDGE_ROUTES.items() if path in paths]
        if mounted:
            log.info("serving platforms", extra={"platforms": mounted})
        else:
            log.warning(
                "no chat platform configured: serving /healthz, /readyz and /metrics only. "
                "For Slack set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET; for Teams set MicrosoftAppId "
                "and MicrosoftAppPassword (see docs/operations.md)"
            )

        app[WARMUP] = asyncio.create_task(warm_up(services))

    async def on_shutdown(app: web.Application) -> None:
        warming = app.get(WARMUP)
        if warming is not None and not warming.done():
            warming.cancel()
        services.scheduler.shutdown()
        await inflight.drain(services.settings.shutdown_timeout)

    app.on_startup.append(on_startup)
    app.on_shutdown.append(on_shutdown)
