"""The Gaps page of the dashboard: `/dashboard/gaps` (the groups), `/dashboard/gaps.csv` (the export),
and the "Addressed" form (`POST /dashboard/gaps/addressed`). Mounted by `bot.dashboard.web`; renders
through its frame (layout, session, CSRF). No page or export shows who asked: question text only.
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING

from aiohttp import web

from bot.dashboard import PREFIX
from bot.gaps.export import to_csv
from bot.gaps.service import MAX_WEEKS, PAGE_GROUPS, PAGE_WEEKS, GapsService

if TYPE_CHECKING:
    from bot.dashboard.frame import Frame

WEEK_CHOICES = (1, 2, 4, 8, 12, 26, 52)


class BadRequest(Exception):
    pass


def weeks_of(value: str | None) -> int:
    if value is None or value == "":
        return PAGE_WEEKS
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_WEEKS:
        raise BadRequest(f"Weeks must be a whole number from 1 to {MAX_WEEKS}.")
    return int(value)


def mount(dash: web.Application, frame: Frame) -> None:
    frame.add_templates("bot.gaps")
    service: GapsService = frame.services.features.gaps.service
    clock = frame.services.clock

    def bad(request: web.Request, exc: BadRequest) -> web.Response:
        return frame.render(request, "error.html", status=400, title="Gaps", message=str(exc))

    async def page(request: web.Request) -> web.Response:
        try:
            weeks = weeks_of(request.query.get("weeks"))
        except BadRequest as exc:
            return bad(request, exc)
        groups = await asyncio.to_thread(partial(service.groups, weeks, clock.now(), sources=PAGE_GROUPS))
        return frame.render(
            request, "gaps.html", title="Gaps", groups=groups[:PAGE_GROUPS], more=max(0, len(groups) - PAGE_GROUPS),
            total=sum(g.count for g in groups), weeks=weeks, choices=WEEK_CHOICES,
            peak=max((n for g in groups for _, n in g.weeks), default=0),
            marked=request.query.get("marked"),
        )

    async def export(request: web.Request) -> web.Response:
        try:
            weeks = weeks_of(request.query.get("weeks"))
        except BadRequest as exc:
            return bad(request, exc)
        groups = await asyncio.to_thread(service.groups, weeks, clock.now())
        return web.Response(
            text=to_csv(groups), content_type="text/csv", charset="utf-8",
            headers={"Content-Disposition": f'attachment; filename="cxbot-gaps-{weeks}w.csv"',
                     "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})

    async def addressed(request: web.Request) -> web.Response:
        form = await request.post()
        try:
            weeks = weeks_of(str(form.get("weeks", "")))
        except BadRequest as exc:
            return bad(request, exc)
        key = str(form.get("group", ""))
        mark = await asyncio.to_thread(service.mark, key, weeks, clock.now()) if key else None
        if mark is None:
            return frame.render(request, "error.html", status=409, title="Gaps",
                                message="That group is no longer in the list (its questions may have expired). "
                                        "Reload the Gaps page and try again.")
        return web.Response(status=303, headers={"Location": f"{PREFIX}/gaps?weeks={weeks}&marked=1"})

    dash.router.add_get("/gaps", page)
    dash.router.add_get("/gaps.csv", export)
    dash.router.add_post("/gaps/addressed", addressed)
