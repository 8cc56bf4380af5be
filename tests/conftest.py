"""Shared fixtures: settings in a temp dir, built services, and indexed knowledge.

Embeddings are cached across test runs in `.cxbot/test-embeddings.sqlite`, so the shared corpus is
embedded once per machine, not once per run.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from testenv import (
    CORPUS,
    EMBED_CACHE,
    FIXTURES,
    PG_URL,
    ROOT,
    SHARED,
    make_settings,
    pg_available,
    require_pg,
)

from bot.db.engine import Database
from bot.settings import Settings
from testkit.openai_api import FakeOpenAI, serving
from testkit.slack_api import FakeSlackAPI

__all__ = ["CORPUS", "EMBED_CACHE", "FIXTURES", "PG_URL", "ROOT", "SHARED", "make_settings", "pg_available", "require_pg"]


@pytest.fixture
def settings_factory(tmp_path: Path) -> Callable[..., Settings]:
    def factory(**values: Any) -> Settings:
        return make_settings(tmp_path / "data", **values)

    return factory


@pytest.fixture
def settings(settings_factory: Callable[..., Settings]) -> Settings:
    return settings_factory()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, settings_factory: Callable[..., Settings]) -> Iterator[Database]:
    """A migrated database, once on SQLite and once on PostgreSQL."""
    if request.param == "postgresql":
        settings = settings_factory(DATABASE_URL=request.getfixturevalue("pg_url"))
    else:
        settings = settings_factory()
    database = Database(settings).migrate()
    yield database
    database.dispose()


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlackAPI]:
    """The fake Slack Web API, serving on 127.0.0.1."""
    api = FakeSlackAPI()
    await api.start()
    yield api
    await api.stop()


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A data dir with the project's own `knowledge/` samples indexed (a few seconds)."""
    from bot.knowledge import Knowledge

    cfg = make_settings(tmp_path_factory.mktemp("sample"))
    Knowledge(cfg).indexer().run([ROOT / "knowledge"])
    return cfg


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A data dir with the shared corpus (German trends + English playbooks) indexed."""
    from bot.knowledge import Knowledge

    cfg = make_settings(tmp_path_factory.mktemp("corpus"))
    Knowledge(cfg).indexer().run([CORPUS / "trends", CORPUS / "playbooks"])
    return cfg


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL schema-less database state: every table dropped before and after."""
    import sqlalchemy

    require_pg()
    engine = sqlalchemy.create_engine(PG_URL)

    def wipe() -> None:
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))

    wipe()
    yield PG_URL
    wipe()
    engine.dispose()


@pytest.fixture
def fake_llm() -> Iterator[FakeOpenAI]:
    """A real OpenAI-compatible server on 127.0.0.1 that records requests and answers `fake.reply`."""
    with serving() as fake:
        yield fake
