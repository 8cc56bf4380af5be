"""`dashboard` in a Teams personal chat through botbuilder: the link comes in that chat and signs in once."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.app import Services
from bot.teams.edge import TEAMS_BOT
from testkit.teams_connector import Connector

Client = TestClient[web.Request, web.Application]
LINK = re.compile(r"https?://\S+?/dashboard/login/[A-Za-z0-9_-]+")


async def say(client: Client, connector: Connector, activity: dict[str, Any]) -> str:
    resp = await client.post("/api/messages", json=activity)
    assert resp.status == 200
    await client.app[TEAMS_BOT].drain()
    return str(connector.messages()[-1].get("text", ""))


async def test_an_evangelist_gets_the_link_in_the_personal_chat(
    client: Client, connector: Connector, fixture_activity: Callable[[str], dict[str, Any]], teams_services: Services,
) -> None:
    activity = fixture_activity("message_personal.json")
    activity["text"] = "dashboard"
    base = str(client.make_url("")).rstrip("/")
    teams_services.settings.public_url = base
    teams_services.settings.evangelists = activity["from"]["aadObjectId"]

    link = LINK.search(await say(client, connector, activity))
    assert link
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.post(link.group(0), allow_redirects=False) as signed_in:
            assert signed_in.status == 303
        async with http.get(base + "/dashboard/knowledge", allow_redirects=False) as page:
            assert page.status == 200
            assert activity["from"]["aadObjectId"] not in await page.text()


async def test_a_channel_mention_gets_no_link(
    client: Client, connector: Connector, fixture_activity: Callable[[str], dict[str, Any]], teams_services: Services,
) -> None:
    activity = fixture_activity("message_channel_mention.json")
    activity["text"] = "<at>My Combined</at> dashboard"
    teams_services.settings.evangelists = activity["from"].get("aadObjectId") or activity["from"]["id"]

    text = await say(client, connector, activity)
    assert "/dashboard/login/" not in text and "direct message" in text
