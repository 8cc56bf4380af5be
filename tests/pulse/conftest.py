"""Fixtures for pulse tests: services on SQLite and on PostgreSQL, a recording port, people."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot.app import Services, build_services
from bot.pulse.service import PulseService
from bot.settings import Settings
from testkit.ports import RecordingPort


@pytest.fixture(params=["sqlite", "postgresql"])
def db_env(request: pytest.FixtureRequest) -> dict[str, str]:
    """Environment for the database under test: SQLite in the temp dir, or a fresh PostgreSQL."""
    if request.param == "postgresql":
        return {"DATABASE_URL": request.getfixturevalue("pg_url")}
    return {}


@pytest.fixture
def make_services(settings_factory: Callable[..., Settings], db_env: dict[str, str]) -> Iterator[Callable[..., Services]]:
    built: list[Services] = []

    def make(**values: Any) -> Services:
        env: dict[str, Any] = {"CXBOT_EVANGELISTS": "U_EVA,S_CXTEAM", "CXBOT_PULSE_REFRESH_SECONDS": "0",
                               "CXBOT_PULSE_CHART": "false", **db_env}
        env.update(values)
        services = build_services(settings_factory(**env))
        built.append(services)
        return services

    yield make
    for s in built:
        s.close()


@pytest.fixture
def services(make_services: Callable[..., Services]) -> Services:
    return make_services()


@pytest.fixture
def port(services: Services) -> RecordingPort:
    recording = RecordingPort()
    services.ports["slack"] = recording
    return recording


@pytest.fixture
def pulses(services: Services) -> PulseService:
    return services.features.pulse
