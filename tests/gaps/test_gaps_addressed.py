""""Addressed": a group's questions are re-asked (no LLM) after the next ingest, and the page says whether
they are answered now. Marks live in the database (SQLite and PostgreSQL)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from testenv import ROOT

from bot.ask.store import QuestionLog
from bot.db.engine import Database
from bot.gaps.feature import make_service
from bot.gaps.store import GapStore
from bot.knowledge import Knowledge
from bot.settings import Settings
from testkit.gapsdata import log_question

QUESTIONS = ["When do loyalty points expire?", "how long are loyalty points valid"]
LOYALTY = """# Loyalty programme

## Expiry of loyalty points

Loyalty points expire 24 months after the month in which they were earned. Customers see the expiry date
of their points in the customer portal. Expired points cannot be restored.
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def settings_on(request: pytest.FixtureRequest, settings_factory: Callable[..., Settings],
                tmp_path: Path) -> Settings:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    values: dict[str, object] = {"CXBOT_KNOWLEDGE_DIR": knowledge, "CXBOT_LLM": "none"}
    if request.param == "postgresql":
        values["DATABASE_URL"] = request.getfixturevalue("pg_url")
    return settings_factory(**values)


def test_an_addressed_group_is_re_asked_after_the_next_ingest(settings_on: Settings) -> None:
    db = Database(settings_on).migrate()
    try:
        knowledge = Knowledge(settings_on)
        knowledge.indexer().run([settings_on.knowledge_dir])
        now = datetime.now(UTC)
        ids = [log_question(db, q, now - timedelta(hours=n + 1)) for n, q in enumerate(QUESTIONS)]
        service = make_service(db, knowledge)
        [group] = service.groups(4, now)
        assert set(group.question_ids) == set(ids)

        assert service.mark(group.key, 4, now) is not None
        [group] = service.groups(4, now)
        assert group.addressed is not None and group.addressed.waiting and group.addressed.asked == 2
        assert service.recheck(now) == 0  # no ingest since the mark: nothing to re-ask

        (settings_on.knowledge_dir / "loyalty.md").write_text(LOYALTY, encoding="utf-8")
        knowledge.indexer().run([settings_on.knowledge_dir])
        assert service.recheck(now) == 1
        assert service.recheck(now) == 0  # once per index version (and per replica claim)
        [group] = service.groups(4, now)
        a = group.addressed
        assert a is not None and not a.waiting and (a.rechecked, a.answered) == (2, 2), a
        assert [s.path for s in group.sources][:1] == ["loyalty.md"]
    finally:
        db.dispose()


def test_forgetting_a_person_removes_their_questions_from_marks(settings: Settings) -> None:
    db = Database(settings).migrate()
    try:
        now = datetime.now(UTC)
        mine = log_question(db, "When do loyalty points expire?", now, user_hash="forget-me")
        other = log_question(db, "how long are loyalty points valid", now, user_hash="someone-else")
        store = GapStore(db)
        assert store.mark([mine, other, "not-a-question"], "v1", now) is not None
        assert QuestionLog(db).forget("forget-me") == 1
        [mark] = store.marks()
        assert list(mark.answered) == [other]
        assert store.mark(["not-a-question"], "v1", now) is None
        assert store.prune_marks() == 0
        QuestionLog(db).forget("someone-else")
        assert store.prune_marks() == 1 and store.marks() == []
    finally:
        db.dispose()
