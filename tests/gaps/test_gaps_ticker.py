"""The server's gaps ticker: the start-up catch-up run embeds nothing (serving waits for it); the
scheduler's runs embed new gap questions ahead of page views."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from bot.app import build_services
from bot.gaps.store import GapVector
from bot.settings import Settings
from testkit.gapsdata import log_question


def stored_vectors(services_db_url: str) -> int:
    engine = sa.create_engine(services_db_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(GapVector)).scalar_one())
    finally:
        engine.dispose()


async def test_the_ticker_embeds_gap_questions_after_start_up(settings: Settings) -> None:
    services = build_services(settings.model_copy(update={"llm": "none"}))
    try:
        log_question(services.db, "Wie lange sind Treuepunkte gültig?", datetime.now(UTC) - timedelta(hours=2))
        await services.scheduler.run_all_once()  # what `cxbot serve` awaits before it serves
        assert stored_vectors(services.db.url) == 0
        await services.features.gaps.tick()
        assert stored_vectors(services.db.url) == 1
        [group] = services.features.gaps.service.groups(1, datetime.now(UTC))
        assert group.examples == ["Wie lange sind Treuepunkte gültig?"]
    finally:
        services.close()
