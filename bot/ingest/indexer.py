"""Incremental indexing: content-hashed, resumable, and tolerant of bad files.

For every file under the given paths: unchanged (same hash, all chunks present) costs nothing;
new or changed files are loaded, split, embedded (through the embedding cache) and written with
deterministic chunk ids, so a run killed half-way is completed by the next run without duplicates.
Files that disappeared from the given paths are removed from the index.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from bot import text
from bot.embed.base import Embedder
from bot.ingest import titles as doc_titles
from bot.ingest import units as answer_units
from bot.ingest.loaders import Document, LoadError, load
from bot.ingest.walk import IGNORED as IGNORED  # these five live in bot.ingest.walk (no numpy, no Chroma)
from bot.ingest.walk import Skipped as Skipped
from bot.ingest.walk import Summary as Summary
from bot.ingest.walk import display_path as display_path
from bot.ingest.walk import walk as walk
from bot.search import lexicon
from bot.search.chunks import ChunkMeta
from bot.search.lexicon import vocabulary
from bot.search.store import DocState, KnowledgeStore
from bot.trust.collections import DEFAULT

if TYPE_CHECKING:
    from bot.ingest.split import Chunk

Progress = Callable[[int], None]


# Words are short: many go into one embedding call.
WORD_BATCH = 256
STALE = "stale"


@dataclass
class Plan:
    """What an ingest has to do, from one scan of the index's document states."""

    summary: Summary
    states: dict[str, DocState]
    todo: list[tuple[Path, bytes, str]] = field(default_factory=list)
    retag: list[str] = field(default_factory=list)
    gone: set[str] = field(default_factory=set)

    @property
    def changes(self) -> bool:
        return bool(self.todo or self.retag or self.gone)


def bridge_marker(store: KnowledgeStore) -> str:
    """What the word bridge is in step with: the index's version and the code that picks its words."""
    code = hashlib.sha256()
    for module in (lexicon, text):
        code.update(Path(str(module.__file__)).read_bytes())
    return f"{store.version()}:{code.hexdigest()[:16]}"


def bridge_in_step(store: KnowledgeStore) -> bool:
    return (store.words.metadata or {}).get("cxbot_synced") == bridge_marker(store)


def mark_bridge(store: KnowledgeStore, marker: str) -> None:
    """Record on the words' collection what the bridge is in step with (STALE: nothing)."""
    store.words.modify(metadata={"cxbot_synced": marker})


class Indexer:
    def __init__(
        self, store: KnowledgeStore, embedder: Embedder, *, max_bytes: int = 20_000_000,
        max_chunks: int = 2000, batch: int = 16, collection_of: Callable[[str], str] | None = None,
        base: Path | None = None,
    ) -> None:
        self.base = base.resolve() if base is not None else None
        self._roots: list[Path] = []
        self.store = store
        self.collection_of = collection_of or (lambda _path: DEFAULT)
        self.embedder = embedder
        self.max_bytes = max_bytes
        self.max_chunks = max_chunks
        self.batch = batch
        self._stale = False

    def plan(self, roots: list[Path]) -> Plan:
        """Which files need (re)indexing, re-tagging or removal; everything else is counted on the summary."""
        files, skipped = walk(roots)
        plan = Plan(Summary(skipped=skipped), self.store.doc_states())
        summary, states = plan.summary, plan.states
        seen: set[str] = set()
        for path in files:
            key = str(path)
            seen.add(key)
            try:
                if path.stat().st_size > self.max_bytes:
                    summary.skipped.append(Skipped(display_path(path), f"larger than {self.max_bytes} bytes"))
                    continue
                raw = path.read_bytes()
            except OSError as exc:
                summary.skipped.append(Skipped(display_path(path), f"unreadable: {exc.strerror or exc}"))
                continue
            digest = hashlib.sha256(raw).hexdigest()
            state = states.get(key)
            if (state is not None and state.content_hash == digest and state.complete
                    and state.units == answer_units.VERSION and state.titles == doc_titles.VERSION):
                summary.unchanged += 1
                summary.chunks += state.stored
                if state.collection != self.collection_of(key):
                    plan.retag.append(key)
            else:
                plan.todo.append((path, raw, digest))
        resolved = [str(r.resolve()) for r in roots]
        plan.gone = {
            k for k in states
            if k not in seen and any(k == r or k.startswith(r.rstrip(os.sep) + os.sep) for r in resolved)
        }
        return plan

    def run(
        self, roots: list[Path], on_planned: Callable[[int], None] | None = None,
        on_progress: Progress | None = None,
    ) -> Summary:
        self._roots = [r.resolve() for r in roots]
        plan = self.plan(roots)
        summary, states, gone = plan.summary, plan.states, plan.gone
        if plan.changes:
            self.changing()
        for key in plan.retag:
            self.store.retag(key, self.collection_of(key))
        prepared: list[tuple[Path, str, list[Chunk], Document]] = []
        if plan.todo:
            from bot.ingest.split import split  # langchain's splitter: only when a file changed

        for path, raw, digest in plan.todo:
            try:
                doc = load(path, raw)
                chunks = split(doc)
            except LoadError as exc:
                summary.skipped.append(Skipped(display_path(path), str(exc)))
                if str(path) in states:
                    gone.add(str(path))
                continue
            if len(chunks) > self.max_chunks:
                summary.skipped.append(
                    Skipped(display_path(path), f"more than {self.max_chunks} chunks ({len(chunks)})")
                )
                continue
            prepared.append((path, digest, chunks, doc))
        if on_planned:
            on_planned(sum(len(c) for _, _, c, _ in prepared))
        for path, digest, chunks, doc in prepared:
            self.write(str(path), self.cited_path(path), digest, chunks, doc.url or "", doc=doc, on_progress=on_progress)
            if str(path) in states:
                summary.updated += 1
            else:
                summary.added += 1
            summary.chunks += len(chunks)
        for key in sorted(gone):
            self.store.delete_doc(key)
            summary.removed += 1
        planned = sum(len(c) for _, _, c, _ in prepared)
        self.finish(
            bool(prepared or gone or plan.retag),
            on_planned=(lambda n: on_planned(planned + n)) if on_planned else None, on_progress=on_progress,
        )
        return summary

    def changing(self) -> None:
        """Mark the word bridge out of step before the first change: a run killed after it is completed later."""
        if not self._stale:
            mark_bridge(self.store, STALE)
            self._stale = True

    def finish(
        self, changed: bool, on_planned: Callable[[int], None] | None = None, on_progress: Progress | None = None,
    ) -> None:
        """After documents were written or removed: the word bridge brought up to date, readers told.

        With nothing changed and the bridge in step with the index, nothing is read or written.
        """
        in_step = not self._stale and bridge_in_step(self.store)
        if not changed and in_step:
            return
        words_changed = self.sync_words(on_planned, on_progress)
        if changed or words_changed or not in_step:  # (not in step: a run may have died before its bump)
            self.store.bump_version()
        mark_bridge(self.store, bridge_marker(self.store))
        self._stale = False

    def sync_words(
        self, on_planned: Callable[[int], None] | None = None, on_progress: Progress | None = None,
    ) -> bool:
        """Bring the cross-language word bridge up to date with the index: new words embedded, gone ones dropped.

        Runs when an ingest changed the index, or when the bridge is not marked in step with it (a run
        was interrupted, an older index never had a bridge, the code that picks the words changed).
        """
        _, texts, metas = self.store.all_chunks()
        want = vocabulary(
            (f"{m.title} {t}" for t, m in zip(texts, metas, strict=True)),
            (m.lang for m in metas),
        )
        have = self.store.word_ids()
        new, gone = sorted(want - have), sorted(have - want)
        if on_planned and new:
            on_planned(len(new))
        for i in range(0, len(new), WORD_BATCH):
            part = new[i : i + WORD_BATCH]
            self.store.put_words(part, self.embedder.words([w.partition(":")[2] for w in part]))
            if on_progress:
                on_progress(len(part))
        if gone:
            self.store.drop_words(gone)
        return bool(new or gone)

    def cited_path(self, path: Path) -> str:
        """How a citation names a file: relative to the knowledge folder (or to the folder that was
        ingested, its name included), never as '../…' or an absolute server path."""
        for base in ([self.base] if self.base else []) + [r.parent for r in self._roots if r.is_dir()]:
            if path.is_relative_to(base):
                return path.relative_to(base).as_posix()
        return path.name

    def write_units(self, key: str, digest: str, doc: Document, lang: str) -> None:
        """A document's answer units and their vectors, written before its chunks: a document whose
        chunks are all there has its units too (an interrupted run is completed by the next)."""
        cut = answer_units.units([(s.heading, s.structured) for s in doc.sections])
        texts = [answer_units.embed_text(u, cut) for u in cut]
        vectors = [self.embedder.passages(texts[i : i + 64]) for i in range(0, len(texts), 64)]
        matrix = np.concatenate(vectors) if vectors else np.zeros((0, self.embedder.dim), dtype=np.float32)
        prefix = hashlib.sha1(key.encode()).hexdigest()[:16]
        ids = [f"{prefix}:{digest[:16]}:u{u.n}" for u in cut]
        metas: list[dict[str, Any]] = [{**u.as_meta(), "doc": key, "doc_hash": digest, "lang": lang} for u in cut]
        self.store.put_units(key, ids, [u.text for u in cut], metas, matrix)

    def write(
        self, key: str, shown: str, digest: str, chunks: list[Chunk], url: str, *, version: str = "",
        doc: Document | None = None, on_progress: Progress | None = None,
    ) -> None:
        """Embed and store one document's chunks under `key` (ids are deterministic: rewriting is idempotent).

        `version` is what the document's source calls its revision (a blob id, an ETag, a version
        number); the next sync compares it before fetching the document again. With `doc`, its answer
        units are cut and stored first (see `bot.ingest.units`).
        """
        self.changing()
        if doc is not None:
            self.write_units(key, digest, doc, chunks[0].lang if chunks else "en")
        texts = [c.embed_text for c in chunks]
        vectors = []
        for i in range(0, len(texts), self.batch):
            vectors.append(self.embedder.passages(texts[i : i + self.batch]))
            if on_progress:
                on_progress(len(texts[i : i + self.batch]))
        matrix = np.concatenate(vectors) if vectors else np.zeros((0, self.embedder.dim), dtype=np.float32)
        prefix = hashlib.sha1(key.encode()).hexdigest()[:16]
        ids = [f"{prefix}:{digest[:16]}:{c.index}" for c in chunks]
        readable = doc_titles.readable_title(doc) if doc is not None else ""
        metas = [
            ChunkMeta(doc=key, path=shown, doc_hash=digest, doc_chunks=len(chunks), chunk=c.index, title=c.title,
                      section=c.section, lang=c.lang, url=url, collection=self.collection_of(key), doc_version=version,
                      units=answer_units.VERSION if doc is not None else 0,
                      label=readable if readable != c.title else "", titles=doc_titles.VERSION if doc is not None else 0)
            for c in chunks
        ]
        self.store.replace_doc(key, ids, [c.text for c in chunks], metas, matrix)
