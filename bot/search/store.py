"""Chroma as the knowledge store: an embedded PersistentClient, or a server via CHROMA_URL.

We always hand Chroma our own vectors; its built-in embedding function would download a model.
Each chunk carries its document's key and content hash, and the number of chunks the document has,
so an interrupted ingest can be recognised and completed.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import NotFoundError

from bot.embed.base import Vectors
from bot.search.chunks import ChunkMeta
from bot.settings import Settings


def _keep_only(collection: Any, key: str, ids: list[str]) -> None:
    """Delete a document's entries other than `ids` (just written): those of its older versions, and, where
    the same version was cut again into fewer pieces (a new loader or unit version), the ones past its end,
    which a delete by version alone left behind to be read as part of the document."""
    keep = set(ids)
    stale = [i for i in collection.get(where={"doc": key}, include=[])["ids"] if i not in keep]
    for n in range(0, len(stale), 500):
        collection.delete(ids=stale[n : n + 500])


def _pages(collection: Any, include: list[str], page: int = 5000) -> Iterator[Any]:
    """A collection's records a page at a time, each page one `get` result."""
    offset = 0
    while True:
        got = collection.get(include=include, limit=page, offset=offset)
        yield got
        if len(got["ids"]) < page:
            return
        offset += page


class StoreUnavailable(Exception):
    """The Chroma server could not be reached."""


def open_client(settings: Settings) -> Any:
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        client = chromadb.HttpClient(
            host=url.hostname or "127.0.0.1",
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
        from bot.ops.chroma import fail_fast

        return fail_fast(client, settings.chroma_timeout)
    path = settings.data_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


@dataclass(frozen=True)
class DocState:
    content_hash: str
    expected: int
    stored: int
    collection: str = "default"
    version: str = ""  # the source's revision of the document (sources only; "" for folder ingest)
    units: int = 0  # the version of `bot.ingest.units` its answer units were cut with (0: none)
    titles: int = 0  # the version of `bot.ingest.titles` its readable title was chosen with (0: none)

    @property
    def complete(self) -> bool:
        return self.stored == self.expected


class KnowledgeStore:
    """Documents' chunks and vectors in one Chroma collection."""

    def __init__(self, settings: Settings, client: Any | None = None) -> None:
        self.settings = settings
        self.client = client if client is not None else open_client(settings)
        self.name = settings.collection
        self._collection: Any = None
        self._words: Any = None
        self._units: Any = None
        # Ingests through this object so far: readers of the same store see their own process's ingests at once.
        self.bumps = 0

    def _open(self, name: str) -> Any:
        return self.client.get_or_create_collection(
            name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}},
        )

    @property
    def collection(self) -> Any:
        if self._collection is None:
            self._collection = self._open(self.name)
        return self._collection

    @property
    def words(self) -> Any:
        """The index's vocabulary with a vector per word (see `bot.search.lexicon`), beside the chunks."""
        if self._words is None:
            self._words = self._open(f"{self.name}-words")
        return self._words

    @property
    def units(self) -> Any:
        """Every document's answer units (see `bot.ingest.units`) with a vector each, beside the chunks."""
        if self._units is None:
            self._units = self._open(f"{self.name}-units")
        return self._units

    def put_units(
        self, key: str, ids: list[str], texts: list[str], metas: list[dict[str, Any]],
        vectors: Vectors,
    ) -> None:
        """Write a document's units (idempotent ids), then drop every other unit of it (see `_keep_only`)."""
        for i in range(0, len(ids), 500):
            self.units.upsert(ids=ids[i : i + 500], documents=texts[i : i + 500],
                              metadatas=metas[i : i + 500], embeddings=vectors[i : i + 500].tolist())
        _keep_only(self.units, key, ids)

    def all_units(self) -> tuple[list[str], list[dict[str, Any]], Vectors]:
        texts: list[str] = []
        metas: list[dict[str, Any]] = []
        vecs: list[Any] = []
        for got in _pages(self.units, ["documents", "metadatas", "embeddings"], page=1000):
            texts.extend(got["documents"] or [])
            metas.extend(dict(m) for m in (got["metadatas"] or []))
            if len(got["ids"]):
                vecs.append(np.asarray(got["embeddings"], dtype=np.float32))
        return texts, metas, (np.concatenate(vecs) if vecs else np.zeros((0, 0), dtype=np.float32))

    def word_ids(self) -> set[str]:
        return {i for got in _pages(self.words, []) for i in got["ids"]}

    def put_words(self, ids: list[str], vectors: Vectors) -> None:
        for i in range(0, len(ids), 1000):
            self.words.upsert(ids=ids[i : i + 1000], embeddings=vectors[i : i + 1000].tolist())

    def drop_words(self, ids: list[str]) -> None:
        for i in range(0, len(ids), 1000):
            self.words.delete(ids=ids[i : i + 1000])

    def all_words(self) -> tuple[list[str], Vectors]:
        ids: list[str] = []
        vecs: list[Any] = []
        # Small pages: Chroma's reads of vectors cost far more memory than the vectors (5,000 words in
        # one page: +120 MB peak for `cxbot ask`; in pages of 1,000: +50 MB).
        for got in _pages(self.words, ["embeddings"], page=1000):
            ids.extend(got["ids"])
            if len(got["ids"]):
                vecs.append(np.asarray(got["embeddings"], dtype=np.float32))
        return ids, (np.concatenate(vecs) if vecs else np.zeros((0, 0), dtype=np.float32))

    def count(self) -> int:
        return int(self.collection.count())

    def version(self) -> str:
        """Changes whenever an ingest changed the collection; readers rebuild caches on change."""
        try:
            meta = self.client.get_collection(self.name, embedding_function=None).metadata or {}
        except NotFoundError:  # nothing ingested yet: an empty index, not an error
            return "0"
        return str(meta.get("cxbot_version", "0"))

    def bump_version(self) -> None:
        self.collection.modify(metadata={"cxbot_version": f"{time.time():.6f}"})
        self.bumps += 1

    def doc_states(self) -> dict[str, DocState]:
        states: dict[str, tuple[str, int, int]] = {}
        collections: dict[str, str] = {}
        versions: dict[str, str] = {}
        units: dict[str, int] = {}
        titles: dict[str, int] = {}
        for got in _pages(self.collection, ["metadatas"]):
            for meta in got["metadatas"] or []:
                key = str(meta["doc"])
                units[key] = min(units.get(key, 1 << 30), int(meta.get("units", 0)))
                titles[key] = min(titles.get(key, 1 << 30), int(meta.get("titles", 0)))
                h, n, seen = states.get(key, (str(meta["doc_hash"]), int(meta["doc_chunks"]), 0))
                if h != meta["doc_hash"]:  # leftovers of an older version: never complete
                    n = -1
                states[key] = (h, n, seen + 1)
                if collections.get(key, meta.get("collection", "default")) != meta.get("collection", "default"):
                    collections[key] = ""  # mixed tags: re-tag
                else:
                    collections.setdefault(key, str(meta.get("collection", "default")))
                if versions.get(key, meta.get("doc_version", "")) != meta.get("doc_version", ""):
                    versions[key] = ""  # mixed versions: compare as unknown
                else:
                    versions.setdefault(key, str(meta.get("doc_version", "")))
        return {
            k: DocState(h, n, s, collections.get(k, "default"), versions.get(k, ""), units.get(k, 0),
                     titles.get(k, 0))
            for k, (h, n, s) in states.items()
        }

    def retag(self, key: str, collection: str) -> None:
        """Move a document's chunks to another collection (its folder's audience changed)."""
        self.update_meta(key, collection=collection)

    def update_meta(self, key: str, **fields: str) -> None:
        """Set metadata fields on every chunk of a document (nothing is re-embedded)."""
        got = self.collection.get(where={"doc": key}, include=["metadatas"])
        metas = [{**dict(m), **fields} for m in (got["metadatas"] or [])]
        if got["ids"]:
            self.collection.update(ids=got["ids"], metadatas=metas)

    def replace_doc(
        self, key: str, ids: list[str], texts: list[str], metas: list[ChunkMeta],
        vectors: Vectors,
    ) -> None:
        """Write a document's chunks (idempotent ids), then drop every other chunk of it (see `_keep_only`)."""
        for i in range(0, len(ids), 500):
            self.collection.upsert(
                ids=ids[i : i + 500],
                documents=texts[i : i + 500],
                metadatas=[m.to_chroma() for m in metas[i : i + 500]],
                embeddings=vectors[i : i + 500].tolist(),
            )
        _keep_only(self.collection, key, ids)

    def delete_doc(self, key: str) -> None:
        self.collection.delete(where={"doc": key})
        self.units.delete(where={"doc": key})

    def all_chunks(self) -> tuple[list[str], list[str], list[ChunkMeta]]:
        ids, docs, metas, _ = self.read_chunks(vectors=False)
        return ids, docs, metas

    def read_chunks(self, vectors: bool) -> tuple[list[str], list[str], list[ChunkMeta], Vectors | None]:
        """Every chunk's id, text and metadata, in one pass over the collection; with `vectors`, their vectors
        as rows in the same order too (read in the same pass, so they always belong to the same chunks)."""
        ids: list[str] = []
        docs: list[str] = []
        metas: list[ChunkMeta] = []
        rows: list[Any] = []
        for got in _pages(self.collection, ["documents", "metadatas", *(["embeddings"] if vectors else [])]):
            ids.extend(got["ids"])
            docs.extend(got["documents"] or [])
            metas.extend(ChunkMeta.from_chroma(m) for m in (got["metadatas"] or []))
            if vectors and got["embeddings"] is not None:
                rows.extend(got["embeddings"])
        if not vectors:
            return ids, docs, metas, None
        matrix = np.asarray(rows, dtype=np.float32) if rows else np.zeros((0, 0), dtype=np.float32)
        return ids, docs, metas, matrix

    def nearest(self, vector: Vectors, k: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """The ids of the `k` chunks closest to `vector`, with their cosine similarity, best first.

        Only ids and distances are read: fetching each hit's text and metadata as well costs Chroma's
        SQLite 4-50 ms a query (measured on the shared corpus, slower the busier the machine), and
        readers that keep a copy of the chunks (`Retriever`) have them already."""
        got = self.collection.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32).tolist()],
            n_results=k,
            include=["distances"],
            **({"where": where} if where else {}),
        )
        return [(cid, 1.0 - float(dist)) for cid, dist in zip(got["ids"][0], got["distances"][0], strict=True)]

    def chunks(self, ids: list[str]) -> dict[str, tuple[str, ChunkMeta]]:
        """Chunks' texts and metadata by id (ids no longer stored are left out)."""
        if not ids:
            return {}
        got = self.collection.get(ids=ids, include=["documents", "metadatas"])
        return {
            cid: (text, ChunkMeta.from_chroma(meta))
            for cid, text, meta in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True)
        }
