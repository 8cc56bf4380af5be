"""The schema: migrating is an explicit start-up step, and databases made by earlier versions upgrade."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command

from bot.db.engine import Database, alembic_config
from bot.settings import Settings
from bot.slack.seen import SeenEvents

# The heads of every branch before the shareable answers moved to the ask feature (core_0002) and
# `seen_events` to the Slack branch (slack_0003).
OLD_HEADS = ["slack_0001", "teams_0001", "pulse_0001", "digest_0001", "sources_0001"]


def tables(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def make_old_database(url: str) -> None:
    """A database as the earlier versions left it: their `core_0001` also made `seen_events`."""
    for head in OLD_HEADS:
        command.upgrade(alembic_config(url), head)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE seen_events (event_id VARCHAR(255) PRIMARY KEY, "
                             "seen_at TIMESTAMP WITH TIME ZONE NOT NULL)"))
        conn.execute(sa.text("CREATE INDEX ix_seen_events_seen_at ON seen_events (seen_at)"))
        conn.execute(sa.text("INSERT INTO seen_events VALUES ('Ev-before-upgrade', :at)"), {"at": datetime.now(UTC)})
        conn.execute(sa.text("INSERT INTO slack_private_answers VALUES ('q1', :at, 'C1', NULL, 'U1', '[]', 'x')"),
                     {"at": datetime.now(UTC)})
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def settings_on(request: pytest.FixtureRequest, settings_factory: Callable[..., Settings]) -> Settings:
    if request.param == "postgresql":
        return settings_factory(DATABASE_URL=request.getfixturevalue("pg_url"))
    return settings_factory()


def test_making_a_database_touches_no_table_until_start_up_migrates(settings_on: Settings) -> None:
    db = Database(settings_on)
    try:
        assert tables(db.url) == set()
        db.migrate()
        assert {"asked_questions", "ask_shareable_answers", "ask_thread_exchanges",
                "seen_events", "teams_conversations",
                "pulses", "digest_subscriptions", "expert_escalations", "expert_replies", "expert_verified",
                "gap_marks", "gap_mark_questions", "gap_vectors", "ask_threads", "ask_auto_channels"} <= tables(db.url)
        assert "slack_private_answers" not in tables(db.url)
    finally:
        db.dispose()


def test_a_database_from_an_earlier_version_upgrades_and_keeps_its_event_ids(settings_on: Settings) -> None:
    db = Database(settings_on)
    try:
        make_old_database(db.url)
        db.migrate()
        assert "slack_private_answers" not in tables(db.url) and "ask_shareable_answers" in tables(db.url)
        seen = SeenEvents(db)
        assert seen.claim("Ev-before-upgrade") is False  # still claimed: a Slack retry is not answered twice
        assert seen.claim("Ev-after-upgrade") is True
        db.migrate()  # every replica migrates at start-up: nothing left to do
    finally:
        db.dispose()
