"""Hybrid retrieval: dense vectors from Chroma fused with BM25 keywords, ranked per chunk and document.

Keyword evidence counts fully only between a question and a chunk of the same language: across
languages the shared words are mostly names and acronyms, which pull the wrong articles up. For
chunks of the other language the question's words are translated first, through the word bridge
(`bot.search.lexicon`), and those translations are searched as keywords in their own right.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

from bot.core.observe import Observers
from bot.embed.base import Embedder
from bot.ingest.units import Unit
from bot.search import glossary
from bot.search.chunks import ChunkMeta
from bot.search.keyword import KeywordIndex
from bot.search.lexicon import Lexicon, content_words, everyday
from bot.search.store import KnowledgeStore
from bot.text import detect_lang, stems
from bot.trust.collections import Collections

VERSION_CHECK_SECONDS = 1.0


@dataclass
class Passage:
    id: str
    text: str
    meta: ChunkMeta
    dense: float
    keyword: float
    score: float = 0.0
    bridged: float = 0.0

    @property
    def path(self) -> str:
        return self.meta.path

    @property
    def doc(self) -> str:
        return self.meta.doc


@dataclass
class DocUnits:
    """A document's answer units with their vectors (rows of `vectors`, zero rows when the index has none)."""

    units: list[Unit]
    vectors: npt.NDArray[np.float32]
    lang: str
    # Filled by the answerer on first use (each unit's stems, and its context's): kept with the index copy.
    terms: list[set[str]] = field(default_factory=list)
    context_terms: list[set[str]] = field(default_factory=list)


@dataclass(frozen=True)
class Searched:
    """One `Retriever.search`: how long it took, question embedding included (also when it failed)."""

    seconds: float


@dataclass(frozen=True)
class Tuning:
    dense_k: int = 50
    keyword_k: int = 40
    keyword_weight: float = 0.06
    cross_lang_keyword: float = 0.25
    keyword_floor: float = 8.0
    cross_lang_bonus: float = 0.03
    # Weight of the translated question words' keyword evidence in the other language's chunks,
    # relative to keyword_weight.
    bridged_keyword: float = 0.7
    # The same where a dictionary gave the translations (`bot.search.glossary`): they are surer than the
    # embedding's nearest words. Measured on the training questions: 0.7 → 0.85 put the right playbook first
    # for 4 more German questions and lower for 1.
    dictionary_keyword: float = 0.85
    # Scoped searches over-fetch dense hits and drop invisible ones (a Chroma `where` filter costs
    # ~350 ms at 100k chunks); below this share of visible chunks they use the filter instead.
    post_filter_min_share: float = 0.2
    # Up to this many chunks, their vectors are kept in memory (1.5 KB each) and searched exactly there: every
    # Chroma call hands over to its worker threads, 1 ms on a quiet machine and 5-25 ms on a busy one. Larger
    # indexes are searched through Chroma's HNSW index.
    memory_vectors: int = 50_000


class Retriever:
    def __init__(
        self, store: KnowledgeStore, embedder: Embedder, tuning: Tuning | None = None,
        collections: Collections | None = None, searched: Observers[Searched] | None = None,
        dictionary_dir: Path | None = None, cache_dir: Path | None = None,
    ) -> None:
        # The products computed per question are small, and idle BLAS threads spin on the cores the
        # embedding model needs next (measured: a query embedding took 140 ms instead of 25 after one
        # multithreaded product). One BLAS thread for the whole process.
        threadpool_limits(limits=1, user_api="blas")
        self.store = store
        self.embedder = embedder
        self.tuning = tuning or Tuning()
        self.collections = collections or Collections(Path("/"))
        self.searched: Observers[Searched] = searched or Observers()
        # an installed bilingual dictionary for the word bridge (`bot.search.glossary`), its table cached in cache_dir
        self.dictionary_dir = dictionary_dir
        self.cache_dir = cache_dir
        self._of_doc: dict[str, str] = {}
        self._chunk_coll: list[str] = []
        self._masks: dict[frozenset[str], Any] = {}
        self._vectors: npt.NDArray[np.float32] | None = None
        self._lock = threading.Lock()
        self._version: str | None = None
        self._ids: list[str] = []
        self._index: dict[str, int] = {}
        self._at: dict[tuple[str, int], int] = {}
        self._rows_of: dict[str, list[int]] = {}
        self._checked = 0.0
        self._bumps = 0
        self._texts: list[str] = []
        self._metas: list[ChunkMeta] = []
        self._keyword = KeywordIndex([], [])
        self._in_lang: dict[str, Any] = {}
        self.lexicon = Lexicon([], np.zeros((0, 0), dtype=np.float32), embedder.words)
        self._units: dict[str, DocUnits] = {}
        self._unit_means: dict[str, npt.NDArray[np.float32]] = {}

    def refresh(self, force: bool = False) -> None:
        """Reload the keyword index when an ingest changed the collection (looked up at most once a second,
        or now with `force`: a caller that knows an ingest just ended)."""
        now = time.monotonic()
        # An ingest through this process's store is seen at once (dense hits take their texts and metadata, the
        # collection tag who may see a chunk included, from this copy); other processes' within a second.
        force = force or self.store.bumps != self._bumps
        if not force and self._version is not None and now - self._checked < VERSION_CHECK_SECONDS:
            return
        self._bumps = self.store.bumps
        version = self.store.version()
        self._checked = now
        if version == self._version:
            return
        with self._lock:
            if version == self._version:
                return
            # Built aside, then swapped in together: searches that do not wait for the lock keep
            # reading the old copy meanwhile, never a mix of old and new.
            # Up to `memory_vectors` chunks, their vectors are read in the same pass.
            ids, texts, metas, vectors = self.store.read_chunks(self.store.count() <= self.tuning.memory_vectors)
            full = [f"{m.title} {m.section}\n{t}" for t, m in zip(texts, metas, strict=True)]
            keyword = KeywordIndex(full, [m.lang for m in metas])
            langs = np.array([m.lang for m in metas], dtype=object)
            word_ids, word_vectors = self.store.all_words()
            lexicon = Lexicon(word_ids, word_vectors, self.embedder.words)
            lexicon.glossaries = glossary.for_index(self.dictionary_dir, self.cache_dir, word_ids)
            units = self._load_units()
            chunk_coll = [self.collection_of(m) for m in metas]
            self._keyword, self._ids, self._texts, self._metas = keyword, ids, texts, metas
            self._vectors = vectors
            self._index = {cid: i for i, cid in enumerate(ids)}
            self._at = {(m.doc, m.chunk): i for i, m in enumerate(metas)}
            rows_of: dict[str, list[int]] = {}
            for i, m in enumerate(metas):
                rows_of.setdefault(m.doc, []).append(i)
            self._rows_of = rows_of
            self._chunk_coll = chunk_coll
            self._in_lang = {lang: langs == lang for lang in set(langs.tolist())}
            self.lexicon = lexicon
            self._units = units
            self._unit_means = self._means(units)
            self._masks = {}
            self._version = version

    @property
    def version(self) -> str | None:
        """The version of the index searches read now (looked up at most once a second)."""
        self.refresh()
        return self._version

    def _load_units(self) -> dict[str, DocUnits]:
        """Every document's units, with their vectors where the index has them."""
        texts, metas, vectors = self.store.all_units()
        rows: dict[str, list[int]] = {}
        for i, m in enumerate(metas):
            rows.setdefault(str(m.get("doc", "")), []).append(i)
        out: dict[str, DocUnits] = {}
        for doc, idx in rows.items():
            idx.sort(key=lambda i: int(metas[i].get("n", 0)))
            units = [Unit.from_meta(texts[i], metas[i]) for i in idx]
            if [u.n for u in units] != list(range(len(units))):
                continue  # a document half-written by an interrupted ingest: its chunks answer instead
            vecs = vectors[idx] if vectors.size else np.zeros((len(idx), 0), dtype=np.float32)
            out[doc] = DocUnits(units, vecs, str(metas[idx[0]].get("lang", "en")))
        return out

    @staticmethod
    def _means(units: dict[str, DocUnits]) -> dict[str, npt.NDArray[np.float32]]:
        """Per language, the mean vector of its documents' answer units (those the index has vectors for)."""
        by: dict[str, list[npt.NDArray[np.float32]]] = {}
        for got in units.values():
            if got.vectors.shape[1]:
                by.setdefault(got.lang, []).append(got.vectors)
        return {lang: np.concatenate(vs).mean(axis=0).astype(np.float32) for lang, vs in by.items()}

    def unit_means(self) -> dict[str, npt.NDArray[np.float32]]:
        """Per language, the mean of its answer units' vectors (what every unit of the language shares)."""
        return self._unit_means

    def language_levels(self, qvec: npt.NDArray[np.float32]) -> dict[str, float]:
        """The question's mean similarity to the index's words of each language (`Lexicon.levels`)."""
        return self.lexicon.levels(qvec)

    def chunk_sims(self, doc: str, qvec: npt.NDArray[np.float32]) -> npt.NDArray[np.float32] | None:
        """Every chunk of a document's similarity to a query vector (None without chunk vectors in memory)."""
        vectors, rows = self._vectors, self._rows_of.get(doc)
        if vectors is None or not rows or len(vectors) != len(self._ids) or vectors.shape[1] != qvec.shape[0]:
            return None
        return np.asarray(vectors[rows] @ qvec, dtype=np.float32)

    def doc_units(self, doc: str) -> DocUnits | None:
        """A document's answer units as indexed, or None for an index from before units were cut."""
        return self._units.get(doc)

    def document_chunks(self, doc: str) -> list[tuple[str, str]]:
        """A document's chunks in order, as (section, text), from the in-memory copy of the index."""
        at = {self._metas[i].chunk: i for i in self._rows_of.get(doc, [])}  # one row per chunk number, as in `_at`
        return [(self._metas[i].section, self._texts[i]) for _, i in sorted(at.items())]

    def idf(self, stem: str) -> float:
        """How rare a stem is in the index (unknown stems count as rare)."""
        return self._keyword.idf(stem)

    def collection_of(self, meta: ChunkMeta) -> str:
        """A chunk's collection, or "" (visible to nobody) when its tag and its path disagree."""
        doc = meta.doc
        mapped = self._of_doc.get(doc)
        if mapped is None:
            mapped = self._of_doc[doc] = self.collections.of_path(doc)
        tagged = meta.collection
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
        vectors = self._vectors
        if vectors is not None and len(vectors) == len(self._ids) and vectors.shape[1] == len(qvec):
            return self._dense_in_memory(vectors, qvec, allowed, mask)
        if share >= 1.0:
            near = self.store.nearest(qvec, t.dense_k)
        elif share >= t.post_filter_min_share:
            near = self.store.nearest(qvec, math.ceil(t.dense_k / share * 1.5))
        else:
            near = self.store.nearest(qvec, t.dense_k, where={"collection": {"$in": sorted(allowed)}})
        # Texts and metadata from the in-memory copy; only chunks written after the last refresh are fetched.
        fetched = self.store.chunks([cid for cid, _ in near if cid not in self._index])
        hits: list[Passage] = []
        for cid, sim in near:
            i = self._index.get(cid)
            text, meta = (self._texts[i], self._metas[i]) if i is not None else fetched.get(cid, ("", None))
            # Always checked per hit: chunks written after the last refresh are not in the mask yet.
            if meta is not None and self.collection_of(meta) in allowed:
                hits.append(Passage(cid, text, meta, sim, 0.0))
        return hits[: t.dense_k]

    def _dense_in_memory(
        self, vectors: npt.NDArray[np.float32], qvec: Any, allowed: frozenset[str], mask: Any,
    ) -> list[Passage]:
        """The `dense_k` visible chunks closest to the question, exactly (one product over every chunk)."""
        sims = vectors @ np.asarray(qvec, dtype=np.float32)
        if mask is not None and mask.size == sims.size:
            sims = np.where(mask, sims, -np.inf)
        k = min(self.tuning.dense_k, int(np.isfinite(sims).sum()))
        if k <= 0:
            return []
        top = np.argpartition(-sims, k - 1)[:k]
        out: list[Passage] = []
        for i in top[np.argsort(-sims[top], kind="stable")].tolist():
            meta = self._metas[i]
            if self.collection_of(meta) in allowed:
                # As Chroma scores a hit: 1 - its cosine distance, computed in float32.
                score = 1.0 - float(np.float32(1.0) - sims[i])
                out.append(Passage(self._ids[i], self._texts[i], meta, score, 0.0))
        return out

    def search(self, question: str, allowed: frozenset[str] | None = None) -> list[Passage]:
        """Passages for a question, best first, only from the `allowed` collections (default: public).

        Invisible chunks are dropped before ranking, so they never influence scores or the answer.
        """
        started = time.perf_counter()
        try:
            return self._search(question, allowed)
        finally:
            self.searched.notify(Searched(time.perf_counter() - started))

    def _search(self, question: str, allowed: frozenset[str] | None) -> list[Passage]:
        self.refresh()
        t = self.tuning
        allowed = self.collections.public() if allowed is None else frozenset(allowed)
        mask = self._mask(allowed)
        qlang = detect_lang(question)
        qvec = self.embedder.query(question)
        found: dict[str, Passage] = {p.id: p for p in self._dense(qvec, allowed, mask)}
        kw = self._visible(self._keyword.scores(question), mask)
        bridged = self._visible(self._bridged(question, qlang), mask)
        self._add_keyword_hits(found, (kw, bridged), qvec)
        for p in found.values():
            i = self._index.get(p.id)
            p.keyword = float(kw[i]) if i is not None and kw.size else 0.0
            p.bridged = float(bridged[i]) if i is not None and bridged.size else 0.0
        scale = max(max((p.keyword for p in found.values()), default=0.0), t.keyword_floor)
        bridged_scale = max(max((p.bridged for p in found.values()), default=0.0), t.keyword_floor)
        bridged_weight = {lang: t.dictionary_keyword if self.lexicon.glossaries.get(lang) else t.bridged_keyword
                          for lang in {p.meta.lang for p in found.values()}}
        for p in found.values():
            if p.meta.lang == qlang:
                p.score = p.dense + t.keyword_weight * (p.keyword / scale)
            else:
                p.score = (
                    p.dense + t.cross_lang_bonus
                    + t.keyword_weight * t.cross_lang_keyword * (p.keyword / scale)
                    + t.keyword_weight * bridged_weight[p.meta.lang] * (p.bridged / bridged_scale)
                )
        return sorted(found.values(), key=lambda p: -p.score)

    def documents(self, allowed: frozenset[str] | None = None) -> list[ChunkMeta]:
        """One chunk's metadata per document visible in the `allowed` collections (default: public),
        in index order: what suggested prompts are drawn from."""
        self.refresh()
        allowed = self.collections.public() if allowed is None else frozenset(allowed)
        seen: dict[str, ChunkMeta] = {}
        for meta, coll in zip(self._metas, self._chunk_coll, strict=True):
            if coll in allowed and meta.doc not in seen:
                seen[meta.doc] = meta
        return list(seen.values())

    def bridge(self, question: str, lang: str) -> list[str]:
        """The question's words translated into `lang` (empty for the question's own language)."""
        return [] if lang == detect_lang(question) else self.lexicon.bridge(question, lang)

    def unknown(self, question: str) -> dict[str, bool]:
        """The question's content words, each with whether the index has never seen it: none of its stems is
        in any document, and the bridge translates it into none of the index's other languages (read after
        `search`, which embeds the question's unknown words for the bridge). Everyday words ("fast", "must",
        "welchem") are left out: a small index lacks many of them, and their absence says nothing."""
        qlang = detect_lang(question)
        never = self._keyword.idf("\x00")
        out = {w: not any(self._keyword.idf(s) < never for s in stems(w)) for w in content_words(question)
               if not everyday(w)}
        todo = [w for w, unseen in out.items() if unseen]
        for lang in self.lexicon.languages() - {qlang}:
            for w in self.lexicon.translatable(todo, lang):
                out[w] = False
        return out

    def _bridged(self, question: str, qlang: str) -> npt.NDArray[np.float32]:
        """Keyword scores of the question's translated words, in the chunks of the other languages."""
        out = np.zeros(self._keyword.size, dtype=np.float32)
        for lang in self.lexicon.languages() - {qlang}:
            words = self.lexicon.bridge(question, lang)
            if words and lang in self._in_lang:
                out = np.maximum(out, np.where(self._in_lang[lang], self._keyword.scores(" ".join(words)), 0.0))
        return out

    @staticmethod
    def _visible(scores: npt.NDArray[np.float32], mask: Any) -> npt.NDArray[np.float32]:
        if scores.size and mask is not None and mask.size == scores.size:
            return np.where(mask, scores, 0.0).astype(np.float32)
        return scores

    def _add_keyword_hits(
        self, found: dict[str, Passage], channels: tuple[npt.NDArray[np.float32], ...], qvec: Any,
    ) -> None:
        """Each keyword channel's best matches join the dense candidates (dense scores looked up in one call)."""
        picks: dict[str, int] = {}
        for scores in channels:
            if scores.size:
                for i in np.argsort(-scores)[: self.tuning.keyword_k]:
                    if scores[i] > 0 and self._ids[i] not in found:
                        picks.setdefault(self._ids[i], int(i))
        if picks:
            dense = self._dense_for(list(picks), qvec)
            for cid, i in picks.items():
                if cid in dense:
                    found[cid] = Passage(cid, self._texts[i], self._metas[i], dense[cid], 0.0)

    def neighbours(self, passages: list[Passage], reach: int = 1) -> list[Passage]:
        """The chunks just before and after the given ones in their documents, not among them.

        An answer often runs on past a chunk boundary; these give the answerer the rest of it. They come
        from the in-memory copy of the index (no vector store round trip) and carry no scores of their own.
        """
        have = {p.id for p in passages}
        out: list[Passage] = []
        for p in passages:
            chunk = p.meta.chunk
            for step in range(-reach, reach + 1):
                i = self._at.get((p.doc, chunk + step)) if step and chunk >= 0 else None
                if i is not None and self._ids[i] not in have:
                    have.add(self._ids[i])
                    out.append(Passage(self._ids[i], self._texts[i], self._metas[i], 0.0, 0.0))
        return out

    def _dense_for(self, ids: list[str], qvec: Any) -> dict[str, float]:
        vectors = self._vectors
        if vectors is not None and len(vectors) == len(self._ids) and all(cid in self._index for cid in ids):
            sims = vectors[[self._index[cid] for cid in ids]] @ np.asarray(qvec, dtype=np.float32)
            return {cid: float(s) for cid, s in zip(ids, sims, strict=True)}
        got = self.store.collection.get(ids=ids, include=["embeddings"])
        vecs = np.asarray(got["embeddings"], dtype=np.float32)
        sims = vecs @ np.asarray(qvec, dtype=np.float32)
        return {cid: float(s) for cid, s in zip(got["ids"], sims, strict=True)}
