"""Teams test fixtures: a recording Bot Connector service on 127.0.0.1 and a served bot app.

The connector stands in for Teams' `serviceUrl`: every reply, update and typing indicator the bot
sends lands here as a real HTTP request. Recorded activities from `../shared/fixtures/teams/` get
their `serviceUrl` pointed at it.
"""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import Services, build_services
from bot.settings import Settings
from bot.web.app import build_app
from testkit.teams_connector import Connector, serving

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "teams"


@pytest.fixture
async def connector() -> AsyncIterator[Connector]:
    async with serving() as rec:
        yield rec


@pytest.fixture
def fixture_activity(connector: Connector) -> Callable[[str], dict[str, Any]]:
    """A recorded Teams activity with its serviceUrl pointed at the fake connector."""

    def load(name: str) -> dict[str, Any]:
        body = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
        body["serviceUrl"] = connector.url
        return copy.deepcopy(body)

    return load


@pytest.fixture
def teams_settings(sample_index: Settings, settings_factory: Callable[..., Settings], tmp_path: Path) -> Settings:
    """Settings with the sample knowledge indexed and a fresh SQLite database of its own."""
    return settings_factory(
        CXBOT_DATA_DIR=sample_index.data_dir, DATABASE_URL=f"sqlite:///{tmp_path / 'teams.db'}",
    )


@pytest.fixture
def teams_services(teams_settings: Settings) -> Services:
    return build_services(teams_settings)


@pytest.fixture
async def client(teams_services: Services) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    server = TestServer(build_app(teams_services), host="127.0.0.1")
    async with TestClient(server) as c:
        yield c
