"""`CXBOT_EMBEDDER=openai` and `CXBOT_LLM=ollama` against real HTTP servers on 127.0.0.1.

The servers (testkit/openai_api.py) speak what OpenAI documents for `/v1/embeddings` and what Ollama
documents for its OpenAI-compatible endpoint, which is how the product talks to Ollama.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from testenv import ROOT, make_settings

from bot.knowledge import Knowledge
from bot.settings import Settings
from testkit.openai_api import DIM, FakeOllama, FakeOpenAI, serving

QUESTION = "How fast must we acknowledge a customer complaint?"


@pytest.fixture
def openai_api() -> Iterator[FakeOpenAI]:
    with serving() as fake:
        yield fake


@pytest.fixture
def ollama() -> Iterator[FakeOpenAI]:
    with serving(FakeOllama(models=("llama3.2:latest",))) as fake:
        yield fake


def remote_embedder(tmp_path: Path, url: str) -> Settings:
    # Its own embedding cache: the shared test cache must never hold the fake's vectors.
    return make_settings(tmp_path / "data", CXBOT_EMBEDDER="openai", OPENAI_BASE_URL=url,
                         OPENAI_API_KEY="sk-test", CXBOT_EMBED_CACHE=tmp_path / "embeddings.sqlite")


def test_ingest_and_search_go_through_the_remote_embeddings_endpoint(tmp_path: Path, openai_api: FakeOpenAI) -> None:
    cfg = remote_embedder(tmp_path, openai_api.url)
    k = Knowledge(cfg)

    summary = k.indexer().run([ROOT / "knowledge"])

    assert summary.chunks > 0 and summary.added == 2 and not summary.skipped
    sent = [t for r in openai_api.embedding_requests for t in r["input"]]
    assert {r["model"] for r in openai_api.embedding_requests} == {"text-embedding-3-small"}
    _, texts, _ = k.store.all_chunks()
    assert len(sent) >= len(texts) and not any(t.startswith(("passage: ", "query: ")) for t in sent)
    stored = np.asarray(k.store.collection.get(include=["embeddings"])["embeddings"], dtype=np.float32)
    assert stored.shape == (len(texts), DIM)
    assert np.allclose(np.linalg.norm(stored, axis=1), 1.0, atol=1e-4)  # the product normalises them
    assert len(k.store.word_ids()) > 0  # the word bridge was embedded remotely too

    before = len(openai_api.embedding_requests)
    hits = k.retriever.search(QUESTION)
    assert openai_api.embedding_requests[before]["input"] == [QUESTION]  # the query, embedded remotely
    assert hits and hits[0].path.endswith("complaint-handling-playbook.md")


def test_reingesting_with_a_remote_embedder_sends_nothing(tmp_path: Path, openai_api: FakeOpenAI) -> None:
    cfg = remote_embedder(tmp_path, openai_api.url)
    Knowledge(cfg).indexer().run([ROOT / "knowledge"])
    sent = len(openai_api.embedding_requests)

    again = Knowledge(cfg).indexer().run([ROOT / "knowledge"])

    assert again.unchanged == 2 and again.added == again.updated == 0
    assert len(openai_api.embedding_requests) == sent


def ollama_knowledge(sample_index: Settings, root: str, model: str) -> Knowledge:
    return Knowledge(sample_index.model_copy(update={"llm": "ollama", "ollama_base_url": root, "llm_model": model}))


def test_an_ollama_model_writes_the_answer(sample_index: Settings, ollama: FakeOllama) -> None:
    answer = ollama_knowledge(sample_index, ollama.root, "llama3.2").ask.answer(QUESTION)

    assert answer.answered and answer.text == ollama.reply
    assert ollama.paths == ["POST /v1/chat/completions"]
    [request] = ollama.requests
    assert request["model"] == "llama3.2" and request["temperature"] == 0 and not request.get("stream")
    assert [m["role"] for m in request["messages"]] == ["system", "user"]
    assert ollama.ignored_fields == []  # nothing we send is something Ollama would silently drop


def test_a_model_ollama_has_not_pulled_falls_back_to_quoting(sample_index: Settings, ollama: FakeOllama) -> None:
    answer = ollama_knowledge(sample_index, ollama.root, "mistral").ask.answer(QUESTION)

    assert answer.answered and "four business hours" in answer.text  # the extractive answer
    assert ollama.paths == ["POST /v1/chat/completions"]  # a 404 is not retried
    assert ollama.requests == []
