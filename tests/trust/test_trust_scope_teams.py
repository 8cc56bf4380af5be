"""Scoping through the real Teams edge: team channels, thread replies and personal chats."""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, cast

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from trust_kit import LEAD_CHANNEL_TEAMS, LEAD_USER_TEAMS, SECRET_QUESTION, leaks, scoped_settings

from bot.app import build_services
from bot.settings import Settings
from bot.teams.edge import TEAMS_BOT
from bot.web.app import build_app
from testkit.teams_connector import Connector, serving

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "teams"
Client = TestClient[web.Request, web.Application]


@pytest.fixture(scope="module")
def scoped_index(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return cast(Settings, scoped_settings(tmp_path_factory.mktemp("scoped-teams")))


@pytest.fixture
async def teams(scoped_index: Settings, tmp_path: Path) -> AsyncIterator[tuple[Client, Connector]]:
    services = build_services(scoped_index.model_copy(update={"database_url": f"sqlite:///{tmp_path / 't.db'}"}))
    async with serving() as rec, TestClient(TestServer(build_app(services), host="127.0.0.1")) as client:
        yield client, rec


def activity(rec: Connector, name: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    body = copy.deepcopy(body)
    body["serviceUrl"] = rec.url
    body["text"] = f"<at>teams2</at> {SECRET_QUESTION}"
    for key, value in changes.items():
        part, _, field = key.partition("__")
        if field:
            body[part][field] = value
        else:
            body[part] = value
    return body


async def answer(teams: tuple[Client, Connector], body: dict[str, Any]) -> str:
    client, rec = teams
    resp = await client.post("/api/messages", json=body)
    assert resp.status == 200
    await client.app[TEAMS_BOT].drain()
    return json.dumps(rec.messages()[-1])


async def test_a_channel_in_the_audience_gets_the_restricted_answer(teams: tuple[Client, Connector]) -> None:
    text = await answer(teams, activity(teams[1], "message_channel_mention.json", conversation__id=LEAD_CHANNEL_TEAMS))
    assert "Leipzig" in text


async def test_another_channel_of_the_team_does_not(teams: tuple[Client, Connector]) -> None:
    text = await answer(teams, activity(teams[1], "message_channel_mention.json"))
    assert leaks(text) == [] and "couldn't find an answer" in text


async def test_a_thread_reply_is_scoped_by_its_channel(teams: tuple[Client, Connector]) -> None:
    inside = await answer(teams, activity(teams[1], "message_channel_mention.json",
                                          conversation__id=f"{LEAD_CHANNEL_TEAMS};messageid=42"))
    outside = await answer(teams, activity(teams[1], "message_channel_mention.json",
                                           conversation__id="19:other@thread.tacv2;messageid=42"))
    assert "Leipzig" in inside and leaks(outside) == []


async def test_a_personal_chat_uses_what_the_user_can_see(teams: tuple[Client, Connector]) -> None:
    rec = teams[1]
    lead = activity(rec, "message_personal.json", text=SECRET_QUESTION)
    lead["from"]["aadObjectId"] = LEAD_USER_TEAMS
    other = activity(rec, "message_personal.json", text=SECRET_QUESTION)
    assert "Leipzig" in await answer(teams, lead)
    assert leaks(await answer(teams, other)) == []
