"""Operations: `/readyz`, `/metrics`, JSON logs with request ids, graceful shutdown, `cxbot doctor`.

`install(app, services)` is called by `bot.web.app.build_app` before the platform edges mount.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiohttp import web

    from bot.app import Services

log = logging.getLogger(__name__)

EDGE_ROUTES = {"/slack/events": "Slack", "/api/messages": "Teams"}


def install(app: web.Application, services: Services) -> None:
    """Add /readyz and /metrics, the request-id middleware, event counting and graceful shutdown."""
    from bot.ops import metrics
    from bot.ops.inflight import Inflight, instrument
    from bot.ops.logs import request_id_middleware
    from bot.ops.ready import readyz_view

    inflight = services.extras.setdefault("inflight", Inflight())
    instrument(services.router, inflight)
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

    async def on_shutdown(_app: web.Application) -> None:
        services.scheduler.shutdown()
        await inflight.drain(services.settings.shutdown_timeout)

    app.on_startup.append(on_startup)
    app.on_shutdown.append(on_shutdown)
