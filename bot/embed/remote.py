"""An OpenAI-compatible embeddings endpoint (OpenAI, Azure, Ollama, TEI) via langchain-openai."""

from __future__ import annotations

import numpy as np
from langchain_openai import OpenAIEmbeddings

from bot.embed.base import Vectors
from bot.settings import Settings


class OpenAIEmbedder:
    def __init__(self, settings: Settings) -> None:
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "unused"
        self._client = OpenAIEmbeddings(
            model=settings.embed_model,
            api_key=key,  # type: ignore[arg-type]
            base_url=settings.openai_base_url,
            check_embedding_ctx_length=False,
        )
        self.name = f"openai:{settings.embed_model}"
        self.dim = 0

    def _norm(self, rows: list[list[float]]) -> Vectors:
        arr = np.asarray(rows, dtype=np.float32)
        norms = np.linalg.norm(arr, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        out: Vectors = (arr / norms).astype(np.float32)
        self.dim = int(out.shape[1]) if out.size else self.dim
        return out

    def passages(self, texts: list[str]) -> Vectors:
        return self._norm(self._client.embed_documents(texts))

    def words(self, words: list[str]) -> Vectors:
        return self.passages(words)

    def query(self, text: str) -> Vectors:
        vec: Vectors = self._norm([self._client.embed_query(text)])[0]
        return vec
