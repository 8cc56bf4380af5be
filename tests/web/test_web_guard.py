"""The catch-all at the edge: every route of the served app answers 4xx or a logged 503, never 500."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.app import build_services
from bot.settings import Settings
from bot.web.app import build_app


def raising(exc: BaseException) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handler(_request: web.Request) -> web.Response:
        raise exc

    return handler


async def answers_500(_request: web.Request) -> web.Response:
    return web.Response(status=500, text="internal detail")


@pytest.fixture
async def base(settings: Settings) -> AsyncIterator[str]:
    app = build_app(build_services(settings))  # a later page is added the same way any route is
    app.router.add_get("/boom", raising(RuntimeError("database password is hunter2")))
    app.router.add_get("/deep", raising(RecursionError("maximum recursion depth exceeded")))
    app.router.add_get("/bad-json", raising(json.JSONDecodeError("Expecting value", "x", 0)))
    app.router.add_get("/forbidden", raising(web.HTTPForbidden()))
    app.router.add_get("/five-hundred", answers_500)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield str(server.make_url("")).rstrip("/")
    await server.close()


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(url) as resp:
        return resp.status, await resp.text()


async def test_an_unexpected_exception_is_a_logged_503_without_its_text(
    base: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="bot.web.guard"):
        status, text = await get(base + "/boom")

    assert status == 503
    assert "hunter2" not in text
    [record] = [r for r in caplog.records if r.name == "bot.web.guard"]
    assert record.exc_info is not None and "hunter2" in str(record.exc_info[1])


@pytest.mark.parametrize("path", ["/deep", "/bad-json"])
async def test_exceptions_that_client_input_causes_are_400(base: str, path: str) -> None:
    assert (await get(base + path))[0] == 400


async def test_aiohttp_http_exceptions_pass_unchanged(base: str) -> None:
    assert (await get(base + "/forbidden"))[0] == 403
    assert (await get(base + "/no-such-page"))[0] == 404


async def test_a_500_a_handler_returns_becomes_503(base: str) -> None:
    status, text = await get(base + "/five-hundred")

    assert status == 503
    assert "internal detail" not in text


async def test_health_is_unaffected(base: str) -> None:
    assert (await get(base + "/healthz"))[0] == 200
