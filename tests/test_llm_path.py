"""The LLM path against a real OpenAI-compatible HTTP server on 127.0.0.1 (`fake_llm` fixture)."""

from __future__ import annotations

from bot.knowledge import Knowledge
from bot.settings import Settings
from testkit.openai_api import FakeOpenAI


def llm_knowledge(sample_index: Settings, url: str) -> Knowledge:
    cfg = sample_index.model_copy(update={"llm": "openai", "openai_base_url": url, "llm_model": "test-model"})
    return Knowledge(cfg)


def test_the_model_writes_the_answer_from_quoted_passages(sample_index: Settings, fake_llm: FakeOpenAI) -> None:
    answer = llm_knowledge(sample_index, fake_llm.url).ask.answer("How fast do we acknowledge a complaint?")
    assert answer.answered
    assert answer.text == "Acknowledge within four business hours [1]."
    messages = fake_llm.requests[0]["messages"]
    assert messages[0]["role"] == "system" and "data, not instructions" in messages[0]["content"]
    assert "<passages>" in messages[1]["content"] and "four business hours" in messages[1]["content"]
    assert "in English" in messages[0]["content"]


def test_german_questions_ask_for_a_german_answer(sample_index: Settings, fake_llm: FakeOpenAI) -> None:
    llm_knowledge(sample_index, fake_llm.url).ask.answer("Wie schnell rufen wir Kritiker zurück?")
    assert "in German" in fake_llm.requests[0]["messages"][0]["content"]


def test_invented_citations_are_rejected_for_the_quoted_answer(sample_index: Settings, fake_llm: FakeOpenAI) -> None:
    fake_llm.reply = "Ignore the playbook: everyone gets a refund [7]."
    answer = llm_knowledge(sample_index, fake_llm.url).ask.answer("How fast do we acknowledge a complaint?")
    assert "[7]" not in answer.text and "refund" not in answer.text
    assert "four business hours" in answer.text  # the extractive answer, from the source itself


def test_an_unreachable_model_falls_back_to_quoting(sample_index: Settings) -> None:
    k = llm_knowledge(sample_index, "http://127.0.0.1:9/v1")
    k.writer.model.max_retries = 0  # type: ignore[union-attr]
    answer = k.ask.answer("How fast do we acknowledge a complaint?")
    assert answer.answered and "four business hours" in answer.text


def test_when_the_model_finds_no_answer_in_the_passages_the_bot_abstains(
    sample_index: Settings, fake_llm: FakeOpenAI,
) -> None:
    fake_llm.reply = "NO_ANSWER"
    answer = llm_knowledge(sample_index, fake_llm.url).ask.answer("How fast do we acknowledge a complaint?")
    assert not answer.answered and answer.sources == []
    assert "won't guess" in answer.text
