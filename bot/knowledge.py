"""Builds the knowledge stack (store, embedder, retriever, answerer) from settings."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from bot.core.observe import Observers
from bot.settings import Settings

if TYPE_CHECKING:  # each part imports its modules when first built: `cxbot ingest` never loads the answerer
    from bot.ask.cache import AnswerCache
    from bot.ask.service import AskService, Writer
    from bot.embed.base import Embedder
    from bot.ingest.indexer import Indexer, Progress
    from bot.ingest.walk import Summary
    from bot.search.retriever import Retriever, Searched
    from bot.search.store import KnowledgeStore
    from bot.trust.collections import Collections

log = logging.getLogger(__name__)


@dataclass
class Knowledge:
    """Lazily built parts, so commands that never touch the index never load a model.

    `searched` is told about every retrieval (operations times them); listeners may register before
    the retriever is built.
    """

    settings: Settings
    searched: Observers[Searched] = field(default_factory=Observers)

    @cached_property
    def store(self) -> KnowledgeStore:
        from bot.search.store import KnowledgeStore

        return KnowledgeStore(self.settings)

    @cached_property
    def embedder(self) -> Embedder:
        from bot.embed.base import make_embedder
        from bot.embed.cache import CachedEmbedder

        inner = make_embedder(self.settings)
        return CachedEmbedder(inner, self.settings.embed_cache or self.settings.data_dir / "embeddings.sqlite")

    @cached_property
    def collections(self) -> Collections:
        """Who may see which folder of the knowledge dir (`collections.yaml`) and which source (`sources.yaml`)."""
        from bot.sources.config import SourcesError, load_sources, scopes
        from bot.trust.collections import Collections

        base = Collections.load(self.settings.knowledge_dir, self.settings.collections_file)
        try:
            return base.with_scopes(scopes(load_sources(self.settings)))
        except SourcesError as exc:  # sources' documents fall back to `default`-tagged only: fail closed
            log.warning("sources file not loaded: %s", str(exc).splitlines()[0])
            return base

    @cached_property
    def retriever(self) -> Retriever:
        from bot.search.retriever import Retriever

        return Retriever(
            self.store, self.embedder, collections=self.collections, searched=self.searched,
            dictionary_dir=self.settings.dictionary_dir, cache_dir=self.settings.data_dir,
        )

    @cached_property
    def writer(self) -> Writer | None:
        if self.settings.llm == "none":
            return None
        from bot.ask.llm import LLMWriter

        writer: Writer = LLMWriter(self.settings)
        return writer

    @cached_property
    def ask(self) -> AskService:
        from bot.ask.service import AskService

        return AskService(
            self.retriever,
            writer=self.writer,
            contact=self.settings.ask_contact,
            max_chars=self.settings.max_question_chars,
        )

    @cached_property
    def answers(self) -> AnswerCache:
        """`ask.answer` with recent answers reused: what the chat features ask."""
        from bot.ask.cache import AnswerCache

        return AnswerCache(self.ask.answer, lambda: self.retriever.version, ttl=self.settings.answer_cache_seconds)

    def indexer(self) -> Indexer:
        from bot.embed.lazy import LazyEmbedder
        from bot.ingest.indexer import Indexer

        return Indexer(
            self.store,
            LazyEmbedder(lambda: self.embedder),  # an unchanged tree loads no model
            max_bytes=self.settings.max_file_bytes,
            max_chunks=self.settings.max_chunks_per_file,
            collection_of=self.collections.of_path,
            base=self.settings.knowledge_dir,
        )

    def warm_glossaries(self) -> None:
        """Build the word bridge's dictionary tables for the index's vocabulary now (`bot.search.glossary`,
        seconds of parsing once per vocabulary), so that the first question after an ingest does not wait."""
        from bot.search import glossary

        if self.settings.dictionary_dir is not None:
            glossary.for_index(self.settings.dictionary_dir, self.settings.data_dir, self.store.word_ids())

    def ingest(self, roots: list[Path], on_planned: Callable[[int], None] | None = None,
               on_progress: Progress | None = None) -> Summary:
        """`cxbot ingest`: the indexer's run, unless the manifest shows that nothing changed (then Chroma
        is never opened; see `bot.ingest.manifest`)."""
        from bot.ingest import titles, units
        from bot.ingest.manifest import Manifest

        manifest = Manifest(self.settings)
        quick = manifest.unchanged(roots)
        if quick is not None:
            return quick
        manifest.forget()
        summary = self.indexer().run(roots, on_planned=on_planned, on_progress=on_progress)
        self.warm_glossaries()
        manifest.record(roots, self.store.doc_states(), self.collections.of_path, units.VERSION, titles.VERSION)
        return summary
