"""Mounts the dashboard on `cxbot serve`'s aiohttp app, under `/dashboard` (a sub-application with its
own session middleware; the app's `no_server_errors` guard still wraps every route).

Pages: `/dashboard/pulses`, `/dashboard/digests`, `/dashboard/knowledge` (this package) and
`/dashboard/gaps`: when `bot.gaps.dashboard` exists, its `mount(dash, frame)` adds the Gaps routes to
the sub-application `dash` (paths relative to `/dashboard`, e.g. `dash.router.add_get("/gaps", view)`),
rendering through `frame` (`bot.dashboard.frame.Frame`); until then a placeholder stands there.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web

from bot.dashboard import PREFIX, auth, pages
from bot.dashboard.frame import Frame
from bot.dashboard.sessions import Sessions

if TYPE_CHECKING:
    from bot.app import Services

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
FRAME: web.AppKey[Frame] = web.AppKey("dashboard_frame", Frame)
GAPS_MODULE = "bot.gaps.dashboard"


def _gaps(dash: web.Application, frame: Frame) -> None:
    try:
        module = importlib.import_module(GAPS_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name is None or not GAPS_MODULE.startswith(exc.name):
            raise
        module = None
    if module is not None and hasattr(module, "mount"):
        module.mount(dash, frame)
        return

    async def placeholder(request: web.Request) -> web.Response:
        return frame.render(request, "placeholder.html", title="Gaps",
                            message="The Gaps page (unanswered questions grouped by meaning) is not part of "
                                    "this version yet.")

    dash.router.add_get("/gaps", placeholder)


def mount(app: web.Application, services: Services) -> Frame:
    """Add `/dashboard` to `app`; returns the frame (tests and the Gaps page use it)."""
    frame = Frame(services, Sessions(services.db, services.settings.hash_key.get_secret_value()))
    dash = web.Application(middlewares=[auth.session_middleware(frame)])
    dash[FRAME] = frame
    dash.router.add_routes(auth.routes(frame))
    dash.router.add_static("/static", STATIC, append_version=False)
    dash.router.add_routes(pages.routes(frame))
    _gaps(dash, frame)

    async def to_index(_request: web.Request) -> web.Response:
        return web.Response(status=303, headers={"Location": f"{PREFIX}/"})

    app.router.add_get(PREFIX, to_index)
    app.add_subapp(PREFIX, dash)
    app[FRAME] = frame
    return frame
