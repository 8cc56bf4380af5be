"""Builds the aiohttp application `cxbot serve` runs, mounting the configured platform edges."""

from __future__ import annotations

import importlib
import logging

from aiohttp import web

from bot.app import Services
from bot.dashboard.web import mount as mount_dashboard
from bot.ops import serving
from bot.web.body import MAX_BODY
from bot.web.guard import no_server_errors

log = logging.getLogger(__name__)

SERVICES: web.AppKey[Services] = web.AppKey("services", Services)

# Each edge module has `mount(app: web.Application, services: Services) -> bool`:
# it adds its routes if its platform is configured and says whether it did.
EDGES = [
    "bot.slack.edge",
    "bot.teams.edge",
]


async def healthz(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def build_app(services: Services) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY)
    app[SERVICES] = services
    app.router.add_get("/healthz", healthz)
    serving.install(app, services)  # /readyz, /metrics, request ids, graceful shutdown
    app.middlewares.append(no_server_errors)  # inside the request-id middleware: it logs the final status
    for name in EDGES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):
                continue
            raise
        if module.mount(app, services):
            log.info("platform edge mounted", extra={"edge": name})
    mount_dashboard(app, services)  # /dashboard: sign-in, pulses, digests, knowledge, gaps

    async def on_startup(_app: web.Application) -> None:
        await services.scheduler.run_all_once()
        services.scheduler.start()

    async def on_cleanup(_app: web.Application) -> None:
        services.scheduler.shutdown()
        services.close()

    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    return app
