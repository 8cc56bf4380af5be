"""Gap questions grouped by meaning with the real e5 embedder: paraphrases together, topics apart."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from bot.db.engine import Database
from bot.embed.base import Embedder, Vectors, make_embedder
from bot.gaps.model import NOT_ESCALATED
from bot.gaps.service import GapsService
from bot.settings import Settings
from testkit.gapsdata import log_question

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)

TOPICS = {
    "refund": ["How long do customers have to request a refund?",
               "What's the deadline for a customer to get their money back?",
               "until when can someone ask for a refund",
               "Bis wann kann ein Kunde eine Rückerstattung verlangen?"],
    "password": ["How can a customer reset the password of their account?",
                 "customer forgot their portal password, how do they reset it?",
                 "Wie setzt ein Kunde sein Passwort zurück?"],
    "holidays": ["Who covers the support hotline over the Christmas holidays?",
                 "who is covering the hotline during christmas?"],
}

GERMAN = {"Bis wann kann ein Kunde eine Rückerstattung verlangen?", "Wie setzt ein Kunde sein Passwort zurück?"}


class Counting:
    """The real embedder, counting the texts it embeds."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.name, self.embedded = inner, inner.name, 0

    @property
    def dim(self) -> int:
        return self.inner.dim

    def passages(self, texts: list[str]) -> Vectors:
        raise AssertionError("gap questions are embedded as queries")

    def query(self, text: str) -> Vectors:
        raise AssertionError("gap questions are embedded in batches")

    def words(self, words: list[str]) -> Vectors:
        self.embedded += len(words)
        return self.inner.words(words)


@pytest.fixture(scope="module")
def e5() -> Embedder:
    return make_embedder(Settings(_env_file=None))


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database(settings).migrate()
    yield database
    database.dispose()


def test_paraphrases_group_together_and_topics_apart(db: Database, e5: Embedder) -> None:
    ids: dict[str, str] = {}
    for wordings in TOPICS.values():
        for n, text in enumerate(wordings):
            ids[text] = log_question(db, text, NOW - timedelta(days=n + 1))
    groups = GapsService(db, lambda: e5).groups(4, NOW)

    def group_of(text: str) -> int:
        return next(n for n, g in enumerate(groups) if ids[text] in g.question_ids)

    for topic, wordings in TOPICS.items():
        english = {group_of(t) for t in wordings if t not in GERMAN}
        assert len(english) == 1, (topic, [g.examples for g in groups])  # its English paraphrases together
        others = {group_of(t) for other, ws in TOPICS.items() if other != topic for t in ws}
        assert not english & others  # and no other topic's question with them
    assert len(groups) <= 5  # German wordings may stand apart (0.12-0.13 from the English ones)


def test_a_group_counts_its_weeks_keeps_wordings_only_and_reads_vectors_once(db: Database, e5: Embedder) -> None:
    for days in (1, 2, 3, 9):
        log_question(db, "How long do customers have to request a refund?", NOW - timedelta(days=days))
    log_question(db, "what's the deadline for a customer to get their money back", NOW - timedelta(days=2),
                 answered=True, feedback=-1)
    log_question(db, "Answered and liked: not a gap", NOW - timedelta(days=1), answered=True, feedback=1)
    log_question(db, "Too old for the window", NOW - timedelta(weeks=5))
    counting = Counting(e5)
    service = GapsService(db, lambda: counting)

    [group] = service.groups(4, NOW)
    assert (group.count, group.unanswered, group.thumbs_down) == (5, 4, 1)
    assert group.weeks == [("2026-11-02", 0), ("2026-11-09", 0), ("2026-11-16", 1), ("2026-11-23", 4)]
    assert group.trend == "↑"
    assert sorted(group.examples) == ["How long do customers have to request a refund?",
                                      "what's the deadline for a customer to get their money back"]
    assert group.escalation == NOT_ESCALATED and group.addressed is None
    assert counting.embedded == 2  # one vector per distinct wording
    service.groups(4, NOW)
    GapsService(db, lambda: counting).groups(4, NOW)  # another replica, or after a restart
    assert counting.embedded == 2  # later views read them from memory or the database


def test_the_ticker_warms_vectors_so_a_page_view_embeds_nothing(db: Database, e5: Embedder) -> None:
    log_question(db, "Wie setzt ein Kunde sein Passwort zurück?", NOW - timedelta(days=1))
    counting = Counting(e5)
    service = GapsService(db, lambda: counting)
    assert service.warm(NOW) == 1 and counting.embedded == 1
    assert len(service.groups(1, NOW)) == 1 and counting.embedded == 1
    vec = service.vectors(["Wie setzt ein Kunde sein Passwort zurück?"], NOW)
    assert np.isclose(float(np.linalg.norm(vec[0])), 1.0, atol=1e-3)
