"""Embeddings cached by content hash, so unchanged text is never embedded twice."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import numpy as np

from bot.embed.base import Embedder, Vectors


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class CachedEmbedder:
    """Wraps an embedder with an on-disk cache (SQLite under the data dir), keyed by model + text."""

    def __init__(self, inner: Embedder, path: Path) -> None:
        self.inner = inner
        self.name = inner.name
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS emb (key TEXT PRIMARY KEY, vec BLOB NOT NULL)")
        self.computed = 0
        self._queries: dict[str, Vectors] = {}
        self._lock = threading.Lock()
        self._model_lock = threading.Lock()

    @property
    def dim(self) -> int:
        return self.inner.dim

    def _key(self, text: str) -> str:
        return f"{self.name}:{text_hash(text)}"

    def passages(self, texts: list[str]) -> Vectors:
        keys = [self._key(t) for t in texts]
        found: dict[str, bytes] = {}
        for i in range(0, len(keys), 500):
            part = keys[i : i + 500]
            marks = ",".join("?" * len(part))
            found.update(self._db.execute(f"SELECT key, vec FROM emb WHERE key IN ({marks})", part))
        missing = [i for i, k in enumerate(keys) if k not in found]
        if missing:
            with self._model_lock:
                fresh = self.inner.passages([texts[i] for i in missing])
            self.computed += len(missing)
            rows = [(keys[i], fresh[j].astype(np.float32).tobytes()) for j, i in enumerate(missing)]
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO emb (key, vec) VALUES (?, ?)", rows)
            found.update(rows)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([np.frombuffer(found[k], dtype=np.float32) for k in keys])

    def words(self, words: list[str]) -> Vectors:
        """Not cached on disk: question words pass here too, and nothing a user asked is written down.
        The index's own words are kept in the vector store (see `bot.search.lexicon`)."""
        with self._model_lock:
            return self.inner.words(words)

    def query(self, text: str) -> Vectors:
        """Query vectors are kept in memory (last 2,048): people ask the same things again."""
        vec = self._queries.get(text)
        if vec is None:
            with self._model_lock:  # the native model is not known to be re-entrant
                vec = self.inner.query(text)
            with self._lock:
                self._queries[text] = vec
                while len(self._queries) > 2048:
                    self._queries.pop(next(iter(self._queries)))
        return vec
