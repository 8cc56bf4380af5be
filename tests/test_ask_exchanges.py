"""Thread history: what cxbot answered in a thread is kept for follow-ups there (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.ask.exchanges import ThreadHistory
from bot.core.model import Conversation, Exchange
from bot.db.engine import Database

THREAD = Conversation("teams", "19:abc@thread.tacv2", "channel", thread="1700000000001")
OTHER_THREAD = Conversation("teams", "19:abc@thread.tacv2", "channel", thread="1700000000002")
SLACK_SAME_IDS = Conversation("slack", "19:abc@thread.tacv2", "channel", thread="1700000000001")


def test_a_thread_keeps_its_exchanges_oldest_first_and_only_its_own(db: Database) -> None:
    memory = ThreadHistory(db)
    assert memory.remember(THREAD, "h-ana", "How fast do we acknowledge?", "Within four business hours [1].")
    assert memory.remember(OTHER_THREAD, "h-ben", "Something else?", "Elsewhere.")
    assert memory.remember(THREAD, "h-ben", "And who calls back?", "The case owner [2].")

    assert memory.history(THREAD) == (
        Exchange("How fast do we acknowledge?", "Within four business hours [1]."),
        Exchange("And who calls back?", "The case owner [2]."),
    )
    assert memory.history(THREAD, limit=1) == (Exchange("And who calls back?", "The case owner [2]."),)
    assert memory.history(SLACK_SAME_IDS) == ()


def test_conversations_without_a_thread_keep_nothing(db: Database) -> None:
    memory = ThreadHistory(db)
    dm = Conversation("teams", "a:1personal", "dm")

    assert memory.remember(dm, "h-ana", "Q?", "A.") is False
    assert memory.history(dm) == ()


def test_old_exchanges_expire_and_a_person_can_be_forgotten(db: Database) -> None:
    memory = ThreadHistory(db, keep=timedelta(days=30))
    memory.remember(THREAD, "h-ana", "Q1?", "A1.")
    memory.remember(THREAD, "h-ben", "Q2?", "A2.")

    assert memory.forget("h-ana") == 1
    assert memory.history(THREAD) == (Exchange("Q2?", "A2."),)
    assert memory.purge(datetime.now(UTC) + timedelta(days=31)) == 1
    assert memory.history(THREAD) == ()
