"""Many threads answering at once right after the index copy was (re)loaded: every one gets its answer."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.knowledge import Knowledge
from bot.settings import Settings

QUESTIONS = ["How fast must we acknowledge a customer complaint?", "What is a customer health score and how is it calculated?",
             "How do we hand over an account before renewal?", "Wie messen wir Kundenzufriedenheit?"]


@pytest.fixture
def busy_switching() -> Iterator[None]:
    """Threads switch as often as the interpreter allows: a race shows up in a few rounds, not in thousands."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def test_concurrent_first_answers_after_a_reload_all_succeed(corpus_index: Settings, busy_switching: None) -> None:
    knowledge = Knowledge(corpus_index)
    expected = {q: knowledge.ask.answer(q) for q in QUESTIONS}
    retriever = knowledge.retriever
    with ThreadPoolExecutor(8) as pool:
        for _ in range(6):
            retriever._version = None  # what an ingest's version bump does: the next question reloads the copy
            got = list(pool.map(knowledge.ask.answer, QUESTIONS * 4))
            assert got == [expected[q] for q in QUESTIONS * 4]
