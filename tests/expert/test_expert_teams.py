"""The escalation round trip on Teams through the real botbuilder stack and a recording Bot Connector:
"Ask an expert" (Action.Execute) -> a post in the expert channel with the owner @mentioned -> the
expert's reply in that thread -> the asker told in their chat -> "Save as answer" by the owner."""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from expert_kit import EXPERTS_TEAMS, OWNER_TEAMS, QUESTION, REPLY, expert_knowledge

from bot.app import Services, build_services
from bot.teams.edge import TEAMS_BOT
from bot.web.app import build_app
from testkit.teams_connector import Connector, serving

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "teams"
Client = TestClient[web.Request, web.Application]


def activity(name: str, connector: Connector) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    body["serviceUrl"] = connector.url
    return copy.deepcopy(body)


@pytest.fixture
async def connector() -> AsyncIterator[Connector]:
    async with serving() as rec:
        yield rec


@pytest.fixture
def services(tmp_path: Path) -> AsyncIterator[Services]:
    s = build_services(expert_knowledge(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'teams.db'}"))
    yield s  # type: ignore[misc]
    s.close()


@pytest.fixture
async def client(services: Services) -> AsyncIterator[Client]:
    async with TestClient(TestServer(build_app(services), host="127.0.0.1")) as c:
        yield c


async def send(client: Client, body: dict[str, Any]) -> Any:
    resp = await client.post("/api/messages", json=body)
    assert resp.status == 200, await resp.text()
    await client.app[TEAMS_BOT].drain()
    return await resp.json() if resp.content_length else None


def execute(base: dict[str, Any], reply_to: str, data: dict[str, Any], aad: str | None = None) -> dict[str, Any]:
    body = {**base, "type": "invoke", "name": "adaptiveCard/action", "id": "inv-1", "text": None, "replyToId": reply_to,
            "value": {"action": {"type": "Action.Execute", "verb": data["action"], "data": data}, "trigger": "manual"}}
    if aad:
        body["from"] = {**base["from"], "aadObjectId": aad}
    return body


def action_data(message: dict[str, Any], verb: str) -> dict[str, Any]:
    card = message["attachments"][0]["content"]
    for element in card["body"]:
        for action in element.get("actions", []) if element["type"] == "ActionSet" else []:
            if action["verb"] == verb:
                return dict(action["data"])
    raise AssertionError(f"no {verb} button")


def posted_to(connector: Connector, conversation: str) -> list[dict[str, Any]]:
    return [b for m, p, b in connector.calls if m == "POST" and b.get("type") == "message"
            and p.startswith(f"/v3/conversations/{conversation}/")]


async def test_teams_button_posts_to_the_expert_channel_and_the_reply_comes_back(client: Client, connector: Connector,
                                                                                 services: Services) -> None:
    installed = activity("conversationUpdate_teamMemberAdded.json", connector)
    installed["conversation"]["id"] = EXPERTS_TEAMS
    installed["membersAdded"] = [{"id": installed["recipient"]["id"]}]
    await send(client, installed)  # the bot is added to the expert channel: its reference is stored
    personal = activity("message_personal.json", connector)
    await send(client, {**personal, "text": QUESTION})
    answer = connector.messages()[-1]
    ask = action_data(answer, "expert:ask")

    shown = await send(client, execute(personal, connector.id_of(answer), ask))
    again = await send(client, execute(personal, connector.id_of(answer), ask))

    assert "Ana Example" in json.dumps(shown) and "playbooks" in json.dumps(shown)  # the asker sees who was asked
    assert "already" in json.dumps(again)
    [post] = [b for b in posted_to(connector, EXPERTS_TEAMS) if b.get("attachments")
              and QUESTION in json.dumps(b["attachments"])]
    card = post["attachments"][0]["content"]
    assert "<at>Ana Example</at>" in json.dumps(card)
    assert {"type": "mention", "text": "<at>Ana Example</at>",
            "mentioned": {"id": OWNER_TEAMS, "name": "Ana Example"}} in card["msteams"]["entities"]

    root = connector.id_of(post)
    reply = activity("message_channel_mention.json", connector)
    reply.update(id="reply-1", text=f"<at>My Combined</at> {REPLY}")
    reply["conversation"]["id"] = f"{EXPERTS_TEAMS};messageid={root}"
    reply["from"] = {**reply["from"], "aadObjectId": OWNER_TEAMS, "name": "Ana Example"}
    await send(client, reply)

    told = [b for b in posted_to(connector, personal["conversation"]["id"]) if REPLY in json.dumps(b)]
    assert len(told) == 1  # the asker, in their chat
    [under] = posted_to(connector, f"{EXPERTS_TEAMS};messageid={root}")  # in the expert thread, not a new post
    save = action_data(under, "expert:save")

    refused = await send(client, execute(reply, connector.id_of(under), save, aad="aad-someone-else"))
    assert "only the owners" in json.dumps(refused)
    saved = await send(client, execute(reply, connector.id_of(under), save, aad=OWNER_TEAMS))
    assert "Saved as a verified answer" in json.dumps(saved)
    [file] = list(services.settings.knowledge_dir.rglob("verified/*.md"))
    assert "Ana Example" in file.read_text(encoding="utf-8") and REPLY in file.read_text(encoding="utf-8")
