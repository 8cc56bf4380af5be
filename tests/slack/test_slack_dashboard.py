"""`/cx dashboard` through the real bolt stack: an evangelist's link comes ephemerally and signs in once."""

from __future__ import annotations

import re

import aiohttp
from slack_testkit import Slack, slash

LINK = re.compile(r"https?://\S+?/dashboard/login/[A-Za-z0-9_-]+")


async def test_an_evangelist_gets_a_private_link_that_signs_in(slack: Slack) -> None:
    base = str(slack.server.make_url("")).rstrip("/")
    slack.services.settings.evangelists = "W111"
    slack.services.settings.public_url = base

    resp = await slack.form(slash("dashboard"))
    assert resp.status == 200
    [eph] = await slack.fake.wait_for("chat.postEphemeral")
    assert eph.args["user"] == "W111" and slack.fake.called("chat.postMessage") == []
    link = LINK.search(eph.args["text"])
    assert link, eph.args["text"]
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.post(link.group(0), allow_redirects=False) as signed_in:
            assert signed_in.status == 303
        async with http.get(base + "/dashboard/pulses", allow_redirects=False) as page:
            assert page.status == 200
        async with http.post(link.group(0), allow_redirects=False) as again:
            assert again.status == 410


async def test_someone_else_is_told_no_privately(slack: Slack) -> None:
    slack.services.settings.evangelists = "W999"

    await slack.form(slash("dashboard"))
    [eph] = await slack.fake.wait_for("chat.postEphemeral")
    assert "evangelists" in eph.args["text"] and "/dashboard/login/" not in eph.args["text"]
