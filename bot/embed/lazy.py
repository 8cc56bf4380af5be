"""An embedder built on first use: an ingest that finds nothing changed never loads a model.

(For `CXBOT_EMBEDDER=openai` building the embedder imports langchain-openai, seconds on a busy machine.)
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

from bot.embed.base import Embedder, Vectors


class LazyEmbedder:
    """Delegates to the embedder `build()` returns, called the first time anything is asked of it."""

    def __init__(self, build: Callable[[], Embedder]) -> None:
        self._build = build

    @cached_property
    def inner(self) -> Embedder:
        return self._build()

    @property
    def name(self) -> str:
        return self.inner.name

    @name.setter
    def name(self, value: str) -> None:
        raise AttributeError("a lazy embedder's name is the built embedder's")

    @property
    def dim(self) -> int:
        return self.inner.dim

    def passages(self, texts: list[str]) -> Vectors:
        return self.inner.passages(texts)

    def query(self, text: str) -> Vectors:
        return self.inner.query(text)

    def words(self, words: list[str]) -> Vectors:
        return self.inner.words(words)
