"""Signing in and out, and the middleware that keeps every other dashboard page behind a session.

- `GET /dashboard/login/{token}` shows a "Sign in" button for a usable link (410 for a used or expired
  one). Only the button's `POST` uses the link, so a chat client that previews the URL cannot spend it.
- The `POST` opens a session and sets its cookie: HttpOnly, SameSite=Lax, 8 hours, Secure when
  `CXBOT_PUBLIC_URL` is https.
- Without a live session, a page `GET` is redirected to `/dashboard/signin` (which explains how to get a
  link); anything else is 401. Every `POST` behind the session must carry the session's CSRF token
  (form field `csrf` or header `X-CSRF-Token`), else 403.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware

from bot.dashboard import PREFIX
from bot.dashboard.frame import SESSION, WHO, Frame
from bot.dashboard.sessions import SESSION_TTL

log = logging.getLogger(__name__)

COOKIE = "cxbot_dashboard"
PUBLIC = (f"{PREFIX}/signin", f"{PREFIX}/login/", f"{PREFIX}/static/")
MAX_TOKEN = 100  # a real token has 43 characters

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def session_middleware(frame: Frame) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(PUBLIC):
            return await handler(request)
        token = request.cookies.get(COOKIE, "")
        who = await asyncio.to_thread(frame.sessions.who, token) if 0 < len(token) <= MAX_TOKEN else None
        if who is None:
            if request.method in ("GET", "HEAD"):
                raise web.HTTPSeeOther(f"{PREFIX}/signin")
            raise web.HTTPUnauthorized(text="Sign in first: ask cxbot for a link with /cx dashboard.")
        request[WHO] = who
        request[SESSION] = token
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            given = request.headers.get("X-CSRF-Token", "")
            if not given and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                given = str((await request.post()).get("csrf", ""))
            if not frame.sessions.csrf_ok(token, given):
                log.info("dashboard form refused: CSRF token missing or wrong", extra={"route": request.path})
                return frame.render(request, "error.html", status=403, title="Form expired",
                                    message="This form could not be accepted (its security token is missing or "
                                            "out of date). Reload the page and try again.")
        return await handler(request)

    return middleware


def _see_other(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location, "Cache-Control": "no-store"})


def _secure(frame: Frame) -> bool:
    return frame.services.settings.base_url.lower().startswith("https://")


def routes(frame: Frame) -> list[web.RouteDef]:
    async def signin(request: web.Request) -> web.Response:
        return frame.render(request, "signin.html", title="Sign in")

    def _token(request: web.Request) -> str:
        token = request.match_info["token"]
        return token if len(token) <= MAX_TOKEN else ""

    def _gone(request: web.Request) -> web.Response:
        return frame.render(request, "signin.html", status=410, title="Link used or expired", gone=True)

    async def login_form(request: web.Request) -> web.Response:
        token = _token(request)
        if not token or not await asyncio.to_thread(frame.sessions.link_usable, token):
            return _gone(request)
        return frame.render(request, "login.html", title="Sign in")

    async def login(request: web.Request) -> web.Response:
        token = _token(request)
        session = await asyncio.to_thread(frame.sessions.redeem, token) if token else None
        if session is None:
            return _gone(request)
        response = _see_other(f"{PREFIX}/")
        response.set_cookie(COOKIE, session, max_age=int(SESSION_TTL.total_seconds()), path=PREFIX,
                            httponly=True, secure=_secure(frame), samesite="Lax")
        log.info("dashboard session opened")
        return response

    async def signout(request: web.Request) -> web.Response:
        await asyncio.to_thread(frame.sessions.end, request[SESSION])
        response = _see_other(f"{PREFIX}/signin?signed_out=1")
        response.del_cookie(COOKIE, path=PREFIX)
        return response

    return [
        web.get("/signin", signin),
        web.get("/login/{token}", login_form),
        web.post("/login/{token}", login),
        web.post("/signout", signout),
    ]
