"""`POST /api/messages` over real HTTP: good activities answered, bad input 4xx, never 5xx, nothing stored."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.app import Services, build_services
from bot.ask.store import AskedQuestion
from bot.settings import Settings
from bot.teams.edge import TEAMS_BOT
from bot.teams.store import TeamsConversation
from bot.web.app import build_app
from testkit.teams_connector import Connector, stream_info

Client = TestClient[web.Request, web.Application]


def stored_rows(services: Services) -> tuple[int, int]:
    with services.db.session() as s:
        convs = s.scalar(select(func.count()).select_from(TeamsConversation)) or 0
        asked = s.scalar(select(func.count()).select_from(AskedQuestion)) or 0
    return convs, asked


async def test_personal_question_gets_typing_then_an_answer_card(
    client: Client, connector: Connector, fixture_activity: Callable[[str], dict[str, Any]], teams_services: Services,
) -> None:
    activity = fixture_activity("message_personal.json")
    activity["text"] = "How fast must we acknowledge a customer complaint?"

    resp = await client.post("/api/messages", json=activity)
    await client.app[TEAMS_BOT].drain()

    assert resp.status == 200
    assert len([t for t in connector.typing() if stream_info(t) is None]) == 1  # the plain indicator, at once
    [answer] = connector.messages()
    card = answer["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["version"] == "1.5"
    assert answer["replyToId"] == activity["id"]
    assert stored_rows(teams_services) == (1, 1)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 400),
        (b"[1, 2]", 400),
        (b'"message"', 400),
        (b"{}", 400),
        (json.dumps({"type": "message", "text": "hi"}).encode(), 400),
        (json.dumps({"type": 5, "serviceUrl": "http://x", "conversation": {"id": "c"}}).encode(), 400),
        (json.dumps({"type": "message", "conversation": "nope", "serviceUrl": "http://x"}).encode(), 400),
        ("\udcff".encode("utf-8", "surrogatepass"), 400),
        (json.dumps({"type": "message", "serviceUrl": "http://x", "conversation": {"id": "c"}, "from": {"id": "u"},
                     "recipient": None}).encode(), 400),
        (json.dumps({"type": "message", "serviceUrl": "http://x", "conversation": {"id": "c"}, "from": {"id": "u"},
                     "recipient": {"id": "b"}, "entities": [None]}).encode(), 400),
        (json.dumps({"type": "conversationUpdate", "serviceUrl": "http://x", "conversation": {"id": "c"},
                     "from": {"id": "u"}, "recipient": {"id": "b"}, "membersAdded": [None]}).encode(), 400),
        (json.dumps({"type": "message", "serviceUrl": "http://x", "conversation": {"id": "c\u0101"},
                     "from": {"id": "u"}, "recipient": {"id": "b"}}).encode(), 400),
    ],
)
async def test_malformed_bodies_are_rejected_with_400(
    client: Client, teams_services: Services, body: bytes, status: int
) -> None:
    resp = await client.post("/api/messages", data=body, headers={"Content-Type": "application/json"})

    assert resp.status == status
    assert "error" in await resp.json()
    assert stored_rows(teams_services) == (0, 0)


async def test_non_json_content_type_is_415(client: Client) -> None:
    resp = await client.post("/api/messages", data=b"text=hi", headers={"Content-Type": "text/plain"})

    assert resp.status == 415


async def test_unknown_activity_type_is_ignored_and_nothing_stored(
    client: Client, connector: Connector, fixture_activity: Callable[[str], dict[str, Any]], teams_services: Services,
) -> None:
    activity = fixture_activity("message_personal.json")
    activity["type"] = "somethingNew"

    resp = await client.post("/api/messages", json=activity)

    assert resp.status == 200
    assert connector.calls == []
    assert stored_rows(teams_services) == (0, 0)


async def test_unknown_invoke_is_400_and_nothing_stored(
    client: Client, connector: Connector, fixture_activity: Callable[[str], dict[str, Any]], teams_services: Services,
) -> None:
    activity = fixture_activity("message_personal.json")
    activity.update(type="invoke", name="composeExtension/query", value={"x": 1})

    resp = await client.post("/api/messages", json=activity)

    assert resp.status == 400
    assert stored_rows(teams_services) == (0, 0)


async def test_execute_without_action_is_400(
    client: Client, fixture_activity: Callable[[str], dict[str, Any]], teams_services: Services,
) -> None:
    activity = fixture_activity("message_personal.json")
    activity.update(type="invoke", name="adaptiveCard/action", value={"action": "not a dict"})

    resp = await client.post("/api/messages", json=activity)

    assert resp.status == 400
    assert stored_rows(teams_services) == (0, 0)


@pytest.fixture
async def auth_client(
    teams_settings: Settings, settings_factory: Callable[..., Settings], tmp_path: Path
) -> Any:
    cfg = settings_factory(
        CXBOT_DATA_DIR=teams_settings.data_dir, DATABASE_URL=teams_settings.database_url,
        MicrosoftAppId="00000000-0000-0000-0000-000000000001", MicrosoftAppPassword="secret",
    )
    services = build_services(cfg)
    async with TestClient(TestServer(build_app(services), host="127.0.0.1")) as c:
        yield c, services


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer not-a-jwt", "Bearer a.b.c", "Basic dXNlcjpwYXNz",
     "Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.c2ln"],
)
async def test_auth_on_rejects_missing_or_invalid_tokens_with_401(
    auth_client: Any, connector: Connector, fixture_activity: Callable[[str], dict[str, Any]],
    authorization: str | None,
) -> None:
    client, services = auth_client
    headers = {"Authorization": authorization} if authorization is not None else {}

    resp = await client.post("/api/messages", json=fixture_activity("message_personal.json"), headers=headers)

    assert resp.status == 401
    assert connector.calls == []
    assert stored_rows(services) == (0, 0)


async def test_expect_replies_returns_the_answer_in_the_response(
    client: Client, connector: Connector, fixture_activity: Callable[[str], dict[str, Any]],
) -> None:
    activity = fixture_activity("message_personal.json")
    activity.update(text="help", deliveryMode="expectReplies")

    resp = await client.post("/api/messages", json=activity)

    assert resp.status == 200
    [reply] = (await resp.json())["activities"]
    assert "Here is what I can do" in reply["text"]
    assert connector.messages() == []


def test_unauthenticated_mode_is_announced_in_the_log(
    teams_services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("WARNING", logger="bot.teams.edge"):
        build_app(teams_services)

    assert "UNAUTHENTICATED" in caplog.text


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"MicrosoftAppType": "Something"}, "MicrosoftAppType must be"),
        ({"MicrosoftAppType": "SingleTenant", "MicrosoftAppId": "a", "MicrosoftAppPassword": "p"},
         "needs MicrosoftAppId and MicrosoftAppTenantId"),
        ({"MicrosoftAppType": "SingleTenant", "MicrosoftAppId": "a", "MicrosoftAppTenantId": "t"},
         "needs MicrosoftAppPassword"),
    ],
)
def test_incomplete_app_settings_fail_with_a_clear_message(
    settings_factory: Callable[..., Settings], values: dict[str, str], message: str
) -> None:
    from bot.teams.edge import bot_config

    with pytest.raises(ValueError, match=message):
        bot_config(settings_factory(**values))


async def test_well_formed_token_that_cannot_be_checked_is_not_a_500(
    auth_client: Any, connector: Connector, fixture_activity: Callable[[str], dict[str, Any]],
) -> None:
    import base64
    import time

    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    client, services = auth_client
    claims = {"iss": "https://api.botframework.com", "aud": "00000000-0000-0000-0000-000000000001",
              "exp": int(time.time()) + 600}
    token = part({"alg": "RS256", "typ": "JWT", "kid": "k1"}) + "." + part(claims) + ".c2ln"

    resp = await client.post("/api/messages", json=fixture_activity("message_personal.json"),
                             headers={"Authorization": f"Bearer {token}"})

    assert resp.status in (401, 503)  # 503 here: no network to fetch Microsoft's signing keys
    assert connector.calls == []
    assert stored_rows(services) == (0, 0)
