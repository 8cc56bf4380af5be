"""BM25 over stemmed chunk text (German or English stemming by the chunk's language)."""

from __future__ import annotations

import logging

import bm25s
import numpy as np
import numpy.typing as npt

from bot.text import stems

logging.getLogger("bm25s").setLevel(logging.WARNING)


class KeywordIndex:
    def __init__(self, texts: list[str], langs: list[str]) -> None:
        corpus = [stems(t, (lang,)) or ["\u2205"] for t, lang in zip(texts, langs, strict=True)]
        self._df: dict[str, int] = {}
        for toks in corpus:
            for tok in set(toks):
                self._df[tok] = self._df.get(tok, 0) + 1
        self._bm25 = bm25s.BM25()
        self.size = len(corpus)
        if corpus:
            self._bm25.index(corpus, show_progress=False)
            self._vocab = set(self._bm25.vocab_dict)
        else:
            self._vocab = set()

    def scores(self, query: str) -> npt.NDArray[np.float32]:
        tokens = [t for t in dict.fromkeys(stems(query)) if t in self._vocab]
        if not tokens or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)

    def idf(self, stem: str) -> float:
        df = self._df.get(stem, 0)
        return float(np.log(1 + (self.size + 1) / (df + 0.5)))

    def known(self, query: str) -> list[str]:
        return [t for t in dict.fromkeys(stems(query)) if t in self._vocab]
