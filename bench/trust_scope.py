"""Scoped retrieval cost: over-fetch + post-filter vs Chroma `where` filter, on synthetic chunks.

    .venv/bin/python bench/trust_scope.py [--chunks 20000] [--restricted 0.1] [--queries 200]

Prints p50/p95 of a top-100 dense query: unscoped, post-filtered (what the retriever does when at
least 20% of chunks are visible) and with a `where` filter (what it does below that). As the retriever does,
only ids and distances are read (`KnowledgeStore.nearest`); the post-filter looks each hit's collection up in
memory (the retriever's copy of the chunk metadata).
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from pathlib import Path

import numpy as np

from bot.search.chunks import ChunkMeta
from bot.search.store import KnowledgeStore
from bot.settings import Settings


def timed(fn, n: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    times = []
    for i in range(n):
        t0 = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[n // 2] * 1000, times[int(n * 0.95)] * 1000


def show(label: str, figures: tuple[float, float]) -> None:
    print(f"{label:<22} p50={figures[0]:.1f} ms p95={figures[1]:.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--chunks", type=int, default=20_000)
    ap.add_argument("--restricted", type=float, default=0.1)
    ap.add_argument("--queries", type=int, default=200)
    args = ap.parse_args()
    rng = np.random.default_rng(7)
    store = KnowledgeStore(Settings(_env_file=None, CXBOT_DATA_DIR=Path(tempfile.mkdtemp())))  # type: ignore[call-arg]
    vecs = rng.normal(size=(args.chunks, 384)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    t0 = time.perf_counter()
    collection_of: dict[str, str] = {}
    for i in range(0, args.chunks, 2000):
        n = min(2000, args.chunks - i)
        ids = [f"c{j}" for j in range(i, i + n)]
        metas = [ChunkMeta(f"/k/d{j // 10}.md", collection="secret" if rng.random() < args.restricted else "default")
                 for j in range(i, i + n)]
        store.replace_doc("x", ids, ["t"] * n, metas, vecs[i : i + n])
        collection_of.update((cid, m.collection) for cid, m in zip(ids, metas, strict=True))
    print(f"indexed {args.chunks} chunks in {time.perf_counter() - t0:.0f}s, {args.restricted:.0%} restricted")
    queries = rng.normal(size=(args.queries, 384)).astype(np.float32)
    share = 1 - args.restricted
    over = math.ceil(100 / share * 1.5)
    show("unscoped", timed(lambda i: store.nearest(queries[i], 100), args.queries))
    show(f"post-filter (k={over})", timed(
        lambda i: [h for h in store.nearest(queries[i], over) if collection_of[h[0]] == "default"][:100],
        args.queries))
    show("where filter", timed(
        lambda i: store.nearest(queries[i], 100, where={"collection": {"$in": ["default"]}}), args.queries))

if __name__ == "__main__":
    main()
