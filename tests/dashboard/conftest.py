"""Dashboard fixtures: a database and index with a year of data."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from testenv import ROOT

from bot.settings import Settings
from testkit.dashboard_data import seed


@pytest.fixture
def seeded(settings: Settings) -> Settings:
    """52 weeks of pulses, digests, KPIs, questions and a source's state (no index)."""
    from bot.db.engine import Database

    db = Database(settings).migrate()
    try:
        seed(settings, db, datetime.now(UTC), weeks=52, channels=2)
    finally:
        db.dispose()
    return settings


@pytest.fixture
def seeded_index(seeded: Settings) -> Settings:
    """`seeded` plus the project's sample knowledge indexed."""
    from bot.knowledge import Knowledge

    Knowledge(seeded).indexer().run([ROOT / "knowledge"])
    return seeded
