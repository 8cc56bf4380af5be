"""Socket Mode: with SLACK_APP_TOKEN the same bolt app takes events over a WebSocket."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from pydantic import SecretStr
from slack_testkit import QUESTION, mention, slack_settings, start_bot

from bot.settings import Settings
from testkit.slack_api import FakeSlackAPI


@pytest.fixture
async def socket_bot(sample_index: Settings, tmp_path: Path, fake: FakeSlackAPI) -> AsyncIterator[TestServer]:
    cfg = slack_settings(sample_index, tmp_path, fake.url).model_copy(
        update={"slack_app_token": SecretStr("xapp-test"), "slack_signing_secret": None})
    server, _services = await start_bot(cfg, fake)
    yield server
    await server.close()


async def test_mention_over_socket_mode_is_acked_and_answered_in_thread(socket_bot: TestServer,
                                                                         fake: FakeSlackAPI) -> None:
    await fake.wait_for("apps.connections.open")
    await fake.socket_send(mention(QUESTION, event_id="EvSocket"), envelope_id="env-42")
    [post] = await fake.wait_for("chat.postMessage")
    assert post.args["thread_ts"] == "1595926230.009600"
    assert "feedback:up" in str(post.args["blocks"])
    assert {"envelope_id": "env-42"} in [{"envelope_id": a.get("envelope_id")} for a in fake.socket_acks]
    [opened] = fake.called("apps.connections.open")
    assert opened.token == "xapp-test"


async def test_socket_mode_only_serves_no_events_url(socket_bot: TestServer) -> None:
    async with ClientSession() as http, http.post(str(socket_bot.make_url("/slack/events")), data="{}") as resp:
        assert resp.status in (404, 405)
