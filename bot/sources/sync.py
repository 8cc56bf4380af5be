"""One sync of one source into the index, on the indexer's incremental machinery.

Listed documents whose version matches the one stored beside their complete chunks cost nothing.
The others are fetched; one whose bytes hash as before only has its version updated; the rest are
loaded, split and written by the indexer (deterministic chunk ids, older versions dropped after the
new chunks are in), so a sync that dies half-way is completed by the next one without duplicates.
Removals happen last and only after a full listing (or a delta's deletions) arrived: a source that
fails, or refuses our credentials, never empties the index.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.ingest.indexer import Indexer
from bot.ingest.loaders import LoadError, load
from bot.ingest.split import split
from bot.ingest.walk import Skipped, Summary
from bot.search.store import DocState
from bot.sources.model import DocError, Ref, Source, SourceError, batched

log = logging.getLogger(__name__)

PREFIX = "source:"


def doc_prefix(source: str) -> str:
    """Every index key of a (non-folder) source's documents starts with this."""
    return f"{PREFIX}{source}/"


@dataclass
class Outcome:
    summary: Summary
    cursor: dict[str, Any]
    documents: int


def shown(source: str, path: str) -> str:
    """How a source's document is named where people read it (skipped lists, citations without a URL)."""
    return path if "://" in path else f"{source}/{path.lstrip('/')}"


def run_sync(
    source: Source, indexer: Indexer, cursor: dict[str, Any], *, heartbeat: Callable[[], None] = lambda: None,
    on_progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Bring the index in step with `source`.

    Raises `SourceError` if the source fails (nothing deleted), with what was done so far on
    `err.partial`.
    """
    partial = Summary()
    try:
        return _sync(source, indexer, cursor, partial, heartbeat, on_progress)
    except SourceError as exc:
        exc.partial = partial
        raise


def _sync(
    source: Source, indexer: Indexer, cursor: dict[str, Any], summary: Summary, heartbeat: Callable[[], None],
    on_progress: Callable[[int], None] | None,
) -> Outcome:
    store = indexer.store
    states = store.doc_states()
    prefix = doc_prefix(source.name)
    listing = source.listing(cursor)
    heartbeat()
    summary.skipped.extend(Skipped(shown(source.name, p), r) for p, r in listing.skipped)
    seen: set[str] = set()
    todo: list[Ref] = []
    touched = False
    for ref in listing.refs:
        key = prefix + ref.id
        if key in seen:
            continue
        seen.add(key)
        state = states.get(key)
        if state is not None and state.complete and ref.version and state.version == ref.version:
            summary.unchanged += 1
            summary.chunks += state.stored
            if state.collection != indexer.collection_of(key):
                indexer.changing()
                store.retag(key, indexer.collection_of(key))
                touched = True
        else:
            todo.append(ref)
    hold_cursor = False
    gone: set[str] = set()
    written: set[str] = set()
    for ref, state in _fetch_order(source, todo, states, prefix):
        heartbeat()
        key, name = prefix + ref.id, shown(source.name, ref.path or ref.id)
        try:
            fetched = source.fetch(ref)
        except DocError as exc:
            summary.skipped.append(Skipped(name, str(exc)))
            if exc.transient:
                hold_cursor = True  # a delta must show this document again next time
            elif state is not None:
                gone.add(key)
            continue
        finally:
            if on_progress:
                on_progress(1)
        digest = hashlib.sha256(fetched.raw).hexdigest()
        if state is not None and state.complete and state.content_hash == digest:
            indexer.changing()
            store.update_meta(key, doc_version=ref.version, url=ref.url, path=name, collection=indexer.collection_of(key))
            summary.unchanged += 1
            summary.chunks += state.stored
            touched = True
            continue
        reason = _too_big(indexer, fetched.raw)
        try:
            doc = load(Path(fetched.name), fetched.raw) if reason is None else None
            chunks = split(doc) if doc is not None else []
        except LoadError as exc:
            reason = str(exc)
        if reason is None and len(chunks) > indexer.max_chunks:
            reason = f"more than {indexer.max_chunks} chunks ({len(chunks)})"
        if reason is not None or doc is None:
            summary.skipped.append(Skipped(name, reason or "unreadable"))
            if state is not None:
                gone.add(key)
            continue
        indexer.changing()
        indexer.write(key, name, digest, chunks, ref.url or doc.url or "", version=ref.version, doc=doc)
        touched = True
        written.add(key)
        summary.chunks += len(chunks)
        if state is not None:
            summary.updated += 1
        else:
            summary.added += 1
    if listing.complete:
        gone |= {k for k in states if k.startswith(prefix) and k not in seen}
    else:
        gone |= {prefix + i for i in listing.removed if prefix + i in states and prefix + i not in seen}
        for scope in listing.scopes:
            gone |= {k for k in states if k.startswith(prefix + scope) and k not in seen}
    if gone:
        indexer.changing()
    for key in sorted(gone):
        store.delete_doc(key)
        summary.removed += 1
    if not listing.complete:  # a delta lists only changes: the rest of the source's documents stay as they were
        for key, state in states.items():
            if key.startswith(prefix) and key not in seen and key not in gone:
                summary.unchanged += 1
                summary.chunks += state.stored
    indexer.finish(bool(touched or gone))
    documents = len(({k for k in states if k.startswith(prefix)} | written) - gone)
    return Outcome(summary, cursor if hold_cursor else listing.cursor, documents)


def _fetch_order(
    source: Source, todo: list[Ref], states: dict[str, DocState], prefix: str,
) -> Iterator[tuple[Ref, DocState | None]]:
    """The documents to fetch, each batch announced to the source first (bulk reads)."""
    for batch in batched(todo):
        source.prefetch(batch)
        for ref in batch:
            yield ref, states.get(prefix + ref.id)


def _too_big(indexer: Indexer, raw: bytes) -> str | None:
    return f"larger than {indexer.max_bytes} bytes" if len(raw) > indexer.max_bytes else None
