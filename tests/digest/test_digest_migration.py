"""digest_0003 gives subscriptions a language: old rows keep NULL (the default language), on SQLite and
PostgreSQL alike, and new subscriptions store theirs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command

from bot.core.model import Conversation
from bot.db.engine import Database, alembic_config
from bot.digest.store import DigestStore, Subscription
from bot.digest.when import Slot
from bot.settings import Settings


@pytest.fixture(params=["sqlite", "postgresql"])
def settings_on(request: pytest.FixtureRequest, settings_factory: Callable[..., Settings]) -> Settings:
    if request.param == "postgresql":
        return settings_factory(DATABASE_URL=request.getfixturevalue("pg_url"))
    return settings_factory()


def test_subscriptions_from_before_keep_the_default_and_new_ones_store_their_language(settings_on: Settings) -> None:
    db = Database(settings_on)
    try:
        command.upgrade(alembic_config(db.url), "digest_0001")
        engine = sa.create_engine(db.url)
        with engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO digest_subscriptions (platform, conversation_id, conversation_kind, conversation_key, "
                "weekday, minute, timezone, active, since, created_by) "
                "VALUES ('slack', 'COLD', 'channel', 'slack:COLD', 0, 540, 'UTC', true, :at, 'h')"),
                {"at": datetime.now(UTC)})
        engine.dispose()
        db.migrate()
        store = DigestStore(db)
        (old,) = store.active()
        assert old.conversation_key == "slack:COLD" and old.language is None
        store.subscribe(Conversation("slack", "CNEW"), Slot(), "h", datetime.now(UTC), "de")
        with db.session() as s:
            langs = dict(s.execute(sa.select(Subscription.conversation_key, Subscription.language)).all())
        assert langs == {"slack:COLD": None, "slack:CNEW": "de"}
        command.downgrade(alembic_config(db.url), "digest_0001")
        command.upgrade(alembic_config(db.url), "heads")
    finally:
        db.dispose()
