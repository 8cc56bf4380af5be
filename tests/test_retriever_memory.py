"""Dense search over the chunk vectors kept in memory (exact) finds what Chroma's HNSW index finds on a small
index, where HNSW misses nothing; on larger ones it also finds the near neighbours HNSW skips."""

from __future__ import annotations

from bot.knowledge import Knowledge
from bot.search.retriever import Retriever, Tuning
from bot.settings import Settings
from bot.trust.collections import DEFAULT

QUESTIONS = [
    "How quickly must a complaint be acknowledged?",
    "Wie schnell muss eine Beschwerde bestätigt werden?",
    "What is the refund policy for damaged goods?",
    "Who approves an escalation to the leadership team?",
]


def test_in_memory_dense_search_matches_chroma(sample_index: Settings) -> None:
    k = Knowledge(sample_index)
    memory = k.retriever
    chroma = Retriever(k.store, k.embedder, Tuning(memory_vectors=0), collections=k.collections)
    memory.refresh(force=True)
    chroma.refresh(force=True)
    assert memory._vectors is not None and chroma._vectors is None
    for allowed in (None, frozenset({DEFAULT})):
        for q in QUESTIONS:
            got, want = memory.search(q, allowed), chroma.search(q, allowed)
            assert [p.id for p in got] == [p.id for p in want], q
            for a, b in zip(got, want, strict=True):
                assert abs(a.dense - b.dense) < 1e-5 and (a.text, a.meta) == (b.text, b.meta)


def test_a_documents_chunks_come_from_the_in_memory_copy_in_order(sample_index: Settings) -> None:
    k = Knowledge(sample_index)
    r = k.retriever
    r.refresh(force=True)
    _, texts, metas = k.store.all_chunks()
    by_doc: dict[str, list[tuple[int, str, str]]] = {}
    for text, m in zip(texts, metas, strict=True):
        by_doc.setdefault(m.doc, []).append((m.chunk, m.section, text))
    assert any(len(v) > 1 for v in by_doc.values())
    for doc, chunks in by_doc.items():
        assert r.document_chunks(doc) == [(sec, text) for _, sec, text in sorted(chunks)]
    assert r.document_chunks("no/such/doc.md") == []
