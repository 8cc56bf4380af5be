"""Answers reused: the same question in the same context and index is answered once, concurrent asks share it."""

from __future__ import annotations

import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from testenv import ROOT, make_settings

from bot.ask.answer import Answer
from bot.ask.cache import AnswerCache
from bot.core.model import Exchange
from bot.knowledge import Knowledge
from bot.search import retriever
from bot.settings import Settings


class Slow:
    """A stand-in for `AskService.answer` that counts its calls and can be held until released."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[str, ...], frozenset[str] | None]] = []
        self.release = threading.Event()
        self.release.set()
        self.entered = threading.Event()
        self.fail: Exception | None = None

    def __call__(self, question: str, history: tuple[Exchange, ...], allowed: frozenset[str] | None) -> Answer:
        self.calls.append((question, history, allowed))
        self.entered.set()
        assert self.release.wait(10)
        if self.fail is not None:
            raise self.fail
        return Answer(question, f"answer {len(self.calls)}", True)


def test_concurrent_identical_questions_are_computed_once_and_all_get_the_answer() -> None:
    slow = Slow()
    slow.release.clear()
    cache = AnswerCache(slow, lambda: "v1")
    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(cache.answer, "How fast do we call back?") for _ in range(8)]
        assert slow.entered.wait(10)
        slow.release.set()
        answers = [f.result(10) for f in futures]
    assert len(slow.calls) == 1
    assert {a.text for a in answers} == {"answer 1"}
    assert (cache.computed, cache.reused) == (1, 7)


def test_whitespace_does_not_matter_but_thread_audience_and_index_version_do() -> None:
    slow = Slow()
    version = ["v1"]
    cache = AnswerCache(slow, lambda: version[0])
    first = cache.answer("How fast  do we call back?")
    assert cache.answer(" How fast do we call back? ") is first
    cache.answer("How fast do we call back?", history=(Exchange("We talked about refunds."),))
    cache.answer("How fast do we call back?", allowed=frozenset({"leadership"}))
    cache.answer("how fast do we call back?")
    version[0] = "v2"  # an ingest changed the index
    assert cache.answer("How fast do we call back?").text == "answer 5"
    assert len(slow.calls) == 5


def test_a_failure_reaches_every_waiting_caller_and_is_not_kept() -> None:
    slow = Slow()
    slow.release.clear()
    slow.fail = RuntimeError("chroma down")
    cache = AnswerCache(slow, lambda: "v1")
    with ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(cache.answer, "Q?") for _ in range(4)]
        assert slow.entered.wait(10)
        slow.release.set()
        errors = [f.exception(10) for f in futures]
    assert all(isinstance(e, RuntimeError) for e in errors)
    slow.fail = None
    assert cache.answer("Q?").text == "answer 2"


def test_entries_expire_and_the_oldest_are_dropped_first() -> None:
    slow = Slow()
    expired = AnswerCache(slow, lambda: "v1", ttl=0.0)
    expired.answer("Q?")
    expired.answer("Q?")
    assert len(slow.calls) == 2
    small = AnswerCache(slow, lambda: "v1", size=2)
    for q in ("A?", "B?", "C?", "A?"):
        small.answer(q)
    assert [c[0] for c in slow.calls[2:]] == ["A?", "B?", "C?", "A?"]


def test_a_real_answer_is_the_services_own_and_is_reused(sample_index: Settings) -> None:
    knowledge = Knowledge(sample_index)
    question = "How fast must we acknowledge a customer complaint?"
    first = knowledge.answers.answer(question)
    assert knowledge.answers.answer(question) is first and first.answered
    assert (knowledge.answers.computed, knowledge.answers.reused) == (1, 1)
    assert first == knowledge.ask.answer(question)


def test_an_ingest_that_changes_the_index_makes_the_next_ask_compute_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(retriever, "VERSION_CHECK_SECONDS", 0.0)
    docs = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", docs)
    knowledge = Knowledge(make_settings(tmp_path / "data", CXBOT_KNOWLEDGE_DIR=docs))
    knowledge.indexer().run([docs])
    question = "How fast must we acknowledge a customer complaint?"
    knowledge.answers.answer(question)
    knowledge.answers.answer(question)
    (docs / "holidays.md").write_text("# Holidays\n\nThe office closes between Christmas and New Year.\n")
    knowledge.indexer().run([docs])
    knowledge.answers.answer(question)
    assert (knowledge.answers.computed, knowledge.answers.reused) == (2, 1)
