"""Hybrid retrieval: dense vectors from Chroma fused with BM25 keywords, ranked per chunk and document.

Keyword evidence counts fully only between a question and a chunk of the same language: across
languages the shared words are mostly names and acronyms, which pull the wrong articles up.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot.embed.base import Embedder
from bot.search.keyword import KeywordIndex
from bot.search.store import KnowledgeStore
from bot.text import detect_lang
from bot.trust.collections import DEFAULT, Collections

VERSION_CHECK_SECONDS = 1.0


@dataclass
class Passage:
    id: str
    text: str
    meta: dict[str, Any]
    dense: float
    keyword: float
    score: float = 0.0

    @property
    def path(self) -> str:
        return str(self.meta.get("path", ""))

    @property
    def doc(self) -> str:
        return str(self.meta.get("doc", self.path))


@dataclass(frozen=True)
class Tuning:
    dense_k: int = 50
    keyword_k: int = 40
    keyword_weight: float = 0.06
    cross_lang_keyword: float = 0.25
    keyword_floor: float = 8.0
    cross_lang_bonus: float = 0.03
    # Scoped searches over-fetch dense hits and drop invisible ones (a Chroma `where` filter costs
    # ~350 ms at 100k chunks); below this share of visible chunks they use the filter instead.
    post_filter_min_share: float = 0.2


class Retriever:
    def __init__(
        self, store: KnowledgeStore, embedder: Embedder, tuning: Tuning | None = None,
        collections: Collections | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.tuning = tuning or Tuning()
        self.collections = collections or Collections(Path("/"))
        self._of_doc: dict[str, str] = {}
        self._chunk_coll: list[str] = []
        self._masks: dict[frozenset[str], Any] = {}
        self._lock = threading.Lock()
        self._version: str | None = None
        self._ids: list[str] = []
        self._index: dict[str, int] = {}
        self._at: dict[tuple[str, int], int] = {}
        self._checked = 0.0
        self._texts: list[str] = []
        self._metas: list[dict[str, Any]] = []
        self._keyword = KeywordIndex([], [])

    def refresh(self) -> None:
        """Reload the keyword index when an ingest changed the collection (looked up at most once a second)."""
        now = time.monotonic()
        if self._version is not None and now - self._checked < VERSION_CHECK_SECONDS:
            return
        version = self.store.version()
        self._checked = now
        if version == self._version:
            return
        with self._lock:
            if version == self._version:
                return
            ids, texts, metas = self.store.all_chunks()
            full = [f"{m.get('title', '')} {m.get('section', '')}\n{t}" for t, m in zip(texts, metas, strict=True)]
            self._keyword = KeywordIndex(full, [str(m.get("lang", "en")) for m in metas])
            self._ids, self._texts, self._metas = ids, texts, metas
            self._index = {cid: i for i, cid in enumerate(ids)}
            self._at = {(str(m.get("doc", m.get("path", ""))), int(m.get("chunk", -1))): i for i, m in enumerate(metas)}
            self._chunk_coll = [self.collection_of(m) for m in metas]
            self._masks = {}
            self._version = version

    def idf(self, stem: str) -> float:
        """How rare a stem is in the index (unknown stems count as rare)."""
        return self._keyword.idf(stem)

    def collection_of(self, meta: dict[str, Any]) -> str:
        """A chunk's collection, or "" (visible to nobody) when its tag and its path disagree."""
        doc = str(meta.get("doc", meta.get("path", "")))
        mapped = self._of_doc.get(doc)
        if mapped is None:
            mapped = self._of_doc[doc] = self.collections.of_path(doc)
        tagged = str(meta.get("collection", DEFAULT))
        return tagged if tagged == mapped else ""

    def _mask(self, allowed: frozenset[str]) -> Any:
        """Visible chunks as a boolean array, or None when every chunk is visible."""
        if allowed not in self._masks:
            if len(self._masks) > 256:
                self._masks = {}
            mask = np.fromiter((c in allowed for c in self._chunk_coll), dtype=bool, count=len(self._chunk_coll))
            self._masks[allowed] = None if mask.all() else mask
        return self._masks[allowed]

    def _dense(self, qvec: Any, allowed: frozenset[str], mask: Any) -> list[Passage]:
        t = self.tuning
        share = 1.0 if mask is None else float(mask.mean()) if mask.size else 0.0
        if share == 0.0:
            return []
        if share >= 1.0:
            hits = self.store.query(qvec, t.dense_k)
        elif share >= t.post_filter_min_share:
            hits = self.store.query(qvec, math.ceil(t.dense_k / share * 1.5))
        else:
            hits = self.store.query(qvec, t.dense_k, where={"collection": {"$in": sorted(allowed)}})
        # Always checked per hit: chunks written after the last refresh are not in the mask yet.
        hits = [h for h in hits if self.collection_of(h.meta) in allowed][: t.dense_k]
        return [Passage(h.id, h.text, h.meta, h.score, 0.0) for h in hits]

    def search(self, question: str, allowed: frozenset[str] | None = None) -> list[Passage]:
        """Passages for a question, best first, only from the `allowed` collections (default: public).

        Invisible chunks are dropped before ranking, so they never influence scores or the answer.
        """
        self.refresh()
        t = self.tuning
        allowed = self.collections.public() if allowed is None else frozenset(allowed)
        mask = self._mask(allowed)
        qlang = detect_lang(question)
        qvec = self.embedder.query(question)
        found: dict[str, Passage] = {p.id: p for p in self._dense(qvec, allowed, mask)}
        kw = self._keyword.scores(question)
        if kw.size and mask is not None and mask.size == kw.size:
            kw = np.where(mask, kw, 0.0)
        if kw.size:
            top = np.argsort(-kw)[: t.keyword_k]
            missing = [self._ids[i] for i in top if kw[i] > 0 and self._ids[i] not in found]
            if missing:
                dense = self._dense_for(missing, qvec)
                for i in top:
                    cid = self._ids[i]
                    if cid in dense:
                        found[cid] = Passage(cid, self._texts[i], self._metas[i], dense[cid], 0.0)
            for p in found.values():
                i = self._index.get(p.id)
                p.keyword = float(kw[i]) if i is not None else 0.0
        top_kw = max((p.keyword for p in found.values()), default=0.0)
        scale = max(top_kw, t.keyword_floor)
        for p in found.values():
            weight = t.keyword_weight if p.meta.get("lang") == qlang else t.keyword_weight * t.cross_lang_keyword
            bonus = 0.0 if p.meta.get("lang") == qlang else t.cross_lang_bonus
            p.score = p.dense + bonus + weight * (p.keyword / scale)
        return sorted(found.values(), key=lambda p: -p.score)

    def neighbours(self, passages: list[Passage], reach: int = 1) -> list[Passage]:
        """The chunks just before and after the given ones in their documents, not among them.

        An answer often runs on past a chunk boundary; these give the answerer the rest of it. They come
        from the in-memory copy of the index (no vector store round trip) and carry no scores of their own.
        """
        have = {p.id for p in passages}
        out: list[Passage] = []
        for p in passages:
            chunk = int(p.meta.get("chunk", -1))
            for step in range(-reach, reach + 1):
                i = self._at.get((p.doc, chunk + step)) if step and chunk >= 0 else None
                if i is not None and self._ids[i] not in have:
                    have.add(self._ids[i])
                    out.append(Passage(self._ids[i], self._texts[i], self._metas[i], 0.0, 0.0))
        return out

    def _dense_for(self, ids: list[str], qvec: Any) -> dict[str, float]:
        got = self.store.collection.get(ids=ids, include=["embeddings"])
        vecs = np.asarray(got["embeddings"], dtype=np.float32)
        sims = vecs @ np.asarray(qvec, dtype=np.float32)
        return {cid: float(s) for cid, s in zip(got["ids"], sims, strict=True)}
