"""Fixtures: the fake Slack Web API, and a running cxbot (real bolt app over real HTTP on 127.0.0.1)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from slack_testkit import Slack, running_slack, slack_settings

from bot.settings import Settings
from testkit.slack_api import FakeSlackAPI


@pytest.fixture
async def slack(sample_index: Settings, tmp_path: Path, fake: FakeSlackAPI) -> AsyncIterator[Slack]:
    async with running_slack(slack_settings(sample_index, tmp_path, fake.url), fake) as slack:
        yield slack
