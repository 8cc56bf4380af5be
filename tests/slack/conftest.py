"""Fixtures: the fake Slack Web API, and a running cxbot (real bolt app over real HTTP on 127.0.0.1)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import ClientSession
from slack_testkit import Slack, slack_settings, start_bot

from bot.settings import Settings
from bot.slack.edge import SLACK_EDGE
from testkit.slack_api import FakeSlackAPI


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlackAPI]:
    api = FakeSlackAPI()
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
async def slack(sample_index: Settings, tmp_path: Path, fake: FakeSlackAPI) -> AsyncIterator[Slack]:
    server, services = await start_bot(slack_settings(sample_index, tmp_path, fake.url), fake)
    async with ClientSession() as http:
        yield Slack(server, http, fake, services, server.app[SLACK_EDGE])
    await server.close()
