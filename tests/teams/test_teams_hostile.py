"""Hostile requests at `/api/messages` of a real server on loopback, with Bot Framework auth on and off.

Every case gets a 4xx (401 before the body is read when the token is not even well formed), never a
5xx; the server stays healthy and nothing reaches the connector or the database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from pydantic import SecretStr

from bot.app import Services, build_services
from bot.settings import Settings
from bot.web.app import build_app
from testkit import hostile
from testkit.teams_connector import Connector

Headers = dict[str, str]


@pytest.fixture
async def server(request: pytest.FixtureRequest, teams_settings: Settings, tmp_path: Path) -> AsyncIterator[str]:
    """The served app's base URL; `auth` (parametrized indirectly) sets MicrosoftAppId/Password."""
    auth = bool(getattr(request, "param", True))
    cfg = teams_settings
    if auth:
        cfg = teams_settings.model_copy(update={"microsoft_app_id": hostile.APP_ID,
                                                "microsoft_app_password": SecretStr("pw")})
    services: Services = build_services(cfg)
    srv = TestServer(build_app(services), host="127.0.0.1")
    await srv.start_server()
    yield str(srv.make_url("")).rstrip("/")
    await srv.close()


async def post(base: str, body: Any, headers: Headers) -> int:
    async with aiohttp.ClientSession() as http, http.post(base + "/api/messages", data=body, headers=headers) as resp:
        await resp.read()
        return resp.status


async def healthy(base: str) -> bool:
    async with aiohttp.ClientSession() as http, http.get(base + "/healthz") as resp:
        return resp.status == 200


JSON = {"Content-Type": "application/json"}


def bearer() -> Headers:
    return {**JSON, "Authorization": "Bearer " + hostile.forged_jwt()}


@pytest.mark.parametrize("authorization", hostile.BAD_AUTHORIZATION)
async def test_auth_on_without_a_well_formed_bearer_is_401_even_for_a_deep_body(
    server: str, connector: Connector, authorization: str | None,
) -> None:
    headers = {**JSON, **({"Authorization": authorization} if authorization is not None else {})}

    assert await post(server, hostile.deep_arrays(), headers) == 401
    assert await healthy(server)
    assert connector.calls == []


@pytest.mark.parametrize("server", [True, False], indirect=True, ids=["auth-on", "auth-off"])
@pytest.mark.parametrize("body", [hostile.deep_arrays(), hostile.deep_objects(), hostile.deep_arrays(1_000),
                                  hostile.deep_arrays(hostile.PAST_LIMIT)], ids=["arrays-5000", "objects-5000",
                                                                                   "arrays-1000", "arrays-80"])
async def test_deep_nesting_is_400(server: str, connector: Connector, body: bytes) -> None:
    assert await post(server, body, bearer()) == 400
    assert await healthy(server)


async def test_deep_field_inside_a_real_activity_is_400(
    server: str, connector: Connector, fixture_activity: Callable[[str], dict[str, Any]],
) -> None:
    body = hostile.deep_inside(fixture_activity("message_personal.json"), "value")

    assert await post(server, body, bearer()) == 400
    assert connector.calls == []


@pytest.mark.parametrize("server", [True, False], indirect=True, ids=["auth-on", "auth-off"])
async def test_oversized_bodies_are_413_declared_or_chunked(server: str, connector: Connector) -> None:
    big = hostile.oversized(3 * 1024 * 1024)

    assert await post(server, big, bearer()) == 413
    assert await post(server, hostile.chunked(big), bearer()) == 413
    assert await post(server, hostile.gzip_bomb(), {**bearer(), "Content-Encoding": "gzip"}) == 413
    assert await healthy(server)


@pytest.mark.parametrize("server", [True, False], indirect=True, ids=["auth-on", "auth-off"])
@pytest.mark.parametrize("body", hostile.UNDECODABLE)
async def test_undecodable_bodies_are_400(server: str, connector: Connector, body: bytes) -> None:
    assert await post(server, body, bearer()) == 400


async def test_broken_compression_is_400(server: str, connector: Connector) -> None:
    assert await post(server, hostile.BROKEN_GZIP, {**bearer(), "Content-Encoding": "gzip"}) == 400
    assert await healthy(server)


async def test_a_well_formed_activity_with_a_forged_token_is_401(
    server: str, connector: Connector, fixture_activity: Callable[[str], dict[str, Any]],
) -> None:
    import json

    body = json.dumps(fixture_activity("message_personal.json")).encode()

    assert await post(server, body, bearer()) == 401
    assert connector.calls == []
