"""Every field of recorded activities replaced by wrong values (deeply nested ones too): 2xx or 4xx, never 5xx.

With Bot Framework auth on, every such variant without a token is 401 before its body is read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import build_services
from bot.settings import Settings
from bot.teams.edge import TEAMS_BOT
from bot.web.app import build_app
from testkit import hostile
from testkit.teams_connector import Connector

Client = TestClient[web.Request, web.Application]
WRONG: list[Any] = [None, 7, "x", [], {"id": 3}, hostile.nested(hostile.PAST_LIMIT)]
EXECUTE = {"action": {"type": "Action.Execute", "verb": "feedback:up", "data": {"action": "feedback:up", "value": "q"}}}


def variants(activity: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for key in activity:
        for value in WRONG:
            out.append({**activity, key: value})
    for key in ("conversation", "from", "recipient"):
        for value in WRONG:
            out.append({**activity, key: {**activity[key], "id": value}})
    return out


@pytest.mark.parametrize("kind", ["message", "invoke", "conversationUpdate"])
async def test_wrong_field_values_never_answer_5xx(
    client: Client, connector: Connector, fixture_activity: Callable[[str], dict[str, Any]],
    caplog: pytest.LogCaptureFixture, kind: str,
) -> None:
    if kind == "conversationUpdate":
        activity = fixture_activity("conversationUpdate_teamMemberAdded.json")
    else:
        activity = fixture_activity("message_personal.json")
        activity["text"] = "help"
    if kind == "invoke":
        activity.update(type="invoke", name="adaptiveCard/action", value=EXECUTE, replyToId="card-1")

    statuses = set()
    for variant in variants(activity):
        resp = await client.post("/api/messages", json=variant)
        statuses.add(resp.status)
        assert resp.status < 500, variant
    await client.app[TEAMS_BOT].drain()

    assert statuses <= {200, 400}
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-jwt", "Basic dXNlcjpwYXNz"])
async def test_with_auth_on_every_variant_without_a_token_is_401(
    teams_settings: Settings, connector: Connector, fixture_activity: Callable[[str], dict[str, Any]],
    authorization: str | None,
) -> None:
    from pydantic import SecretStr

    cfg = teams_settings.model_copy(update={"microsoft_app_id": hostile.APP_ID, "microsoft_app_password": SecretStr("pw")})
    headers = {"Authorization": authorization} if authorization else {}
    async with TestClient(TestServer(build_app(build_services(cfg)), host="127.0.0.1")) as client:
        activity = fixture_activity("message_personal.json")
        statuses = {(await client.post("/api/messages", json=v, headers=headers)).status for v in variants(activity)}

    assert statuses == {401}
    assert connector.calls == []
