"""What the last ingest left in a local index, so an ingest that finds nothing changed opens no Chroma.

After an ingest into an embedded Chroma (no `CHROMA_URL`), `ingest-manifest.json` in the data dir
records the roots, each indexed file's content hash, collection and chunk count, a fingerprint of
what decides how files are indexed (the settings that matter, the collections and sources files, the
indexing code), and the size, modification time and inode of Chroma's database file. The next ingest
of the same roots reads and hashes the files as the indexer would; when every file is the same, no
file is new or gone, and Chroma's database file was not touched since (no other ingest, sync or
process wrote to it), the summary is the manifest's and neither Chroma nor an embedder is loaded
(1.3 s less for `cxbot ingest` of the unchanged shared corpus). Anything else: the full ingest,
which writes a new manifest. A Chroma server (`CHROMA_URL`) may be written by other hosts: no
manifest then.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

from bot.ingest.walk import Summary, walk
from bot.settings import Settings

log = logging.getLogger(__name__)

NAME = "ingest-manifest.json"
FORMAT = 1
_PACKAGE = Path(__file__).resolve().parent.parent
# The code that decides what a file's chunks, units, collection and the word bridge are.
_CODE = ("ingest/indexer.py", "ingest/units.py", "ingest/titles.py", "ingest/split.py", "ingest/loaders.py", "ingest/walk.py",
         "ingest/manifest.py", "search/lexicon.py", "search/chunks.py", "search/store.py", "text.py",
         "trust/collections.py", "sources/config.py")
_SETTINGS = ("data_dir", "knowledge_dir", "collection", "embedder", "embed_model", "max_file_bytes",
             "max_chunks_per_file", "collections_file", "sources_file")


class State(Protocol):
    """What the manifest needs of a document's state in the index (`bot.search.store.DocState`)."""

    @property
    def content_hash(self) -> str: ...
    @property
    def stored(self) -> int: ...
    @property
    def collection(self) -> str: ...
    @property
    def units(self) -> int: ...
    @property
    def titles(self) -> int: ...
    @property
    def complete(self) -> bool: ...


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "-"


class Manifest:
    """The quick path of `cxbot ingest`: `unchanged(roots)` before opening Chroma, `record` after an ingest."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.path = settings.data_dir / NAME
        self.chroma = settings.data_dir / "chroma" / "chroma.sqlite3"
        self.enabled = not settings.chroma_url

    def config(self, roots: list[Path]) -> str:
        """One hash of everything besides the files' contents that decides what an ingest does."""
        cfg = self.settings
        h = hashlib.sha256(str(FORMAT).encode())
        for name in _SETTINGS:
            h.update(f"{name}={getattr(cfg, name)!s}\n".encode())
        h.update(f"cwd={Path.cwd()}\nroots={[str(r.resolve()) for r in roots]}\n".encode())
        for file in (cfg.collections_file or cfg.knowledge_dir / "collections.yaml",
                     cfg.sources_file or cfg.knowledge_dir / "sources.yaml"):
            h.update(f"{file}:{_digest(file)}\n".encode())
        for rel in _CODE:
            h.update(f"{rel}:{_digest(_PACKAGE / rel)}\n".encode())
        return h.hexdigest()

    def chroma_stamp(self) -> list[int] | None:
        """Chroma's database file as last written (every write to the index changes it)."""
        stamp: list[int] = []
        for file in (self.chroma, self.chroma.with_name(self.chroma.name + "-wal")):
            try:
                st = file.stat()
            except FileNotFoundError:
                if file == self.chroma:
                    return None
                continue
            stamp += [st.st_ino, st.st_size, st.st_mtime_ns]
        return stamp

    def _load(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def unchanged(self, roots: list[Path]) -> Summary | None:
        """The summary of an ingest of `roots` that would change nothing, or None when one must run."""
        if not self.enabled:
            return None
        data = self._load()
        if data is None or data.get("config") != self.config(roots) or data.get("chroma") != self.chroma_stamp():
            return None
        known: dict[str, list[Any]] = data.get("files") or {}
        files, skipped = walk(roots)
        if len(files) != len(known):  # a file is new, or one is gone
            return None
        summary = Summary(skipped=skipped)
        for path in files:
            entry = known.get(str(path))
            try:
                if entry is None or path.stat().st_size > self.settings.max_file_bytes:
                    return None
                if hashlib.sha256(path.read_bytes()).hexdigest() != entry[0]:
                    return None
            except OSError:
                return None
            summary.unchanged += 1
            summary.chunks += int(entry[1])
        log.debug("nothing changed since the last ingest", extra={"files": len(files)})
        return summary

    def forget(self) -> None:
        """Before an ingest that may change the index: no manifest can vouch for it until the next `record`."""
        self.path.unlink(missing_ok=True)

    def record(self, roots: list[Path], states: Mapping[str, State], collection_of: Callable[[str], str],
               units: int, titles: int) -> None:
        """After an ingest: every file under `roots` complete in the index (its current collection, answer
        units of version `units`, readable titles of version `titles`), or no manifest."""
        if not self.enabled:
            return
        files, _ = walk(roots)
        known: dict[str, list[Any]] = {}
        for path in files:
            state = states.get(str(path))
            if (state is None or not state.complete or state.units != units or state.titles != titles
                    or state.collection != collection_of(str(path))):
                return  # a file the index does not hold as it is (skipped, too big, failed): the full run each time
            known[str(path)] = [state.content_hash, state.stored]
        data = {"config": self.config(roots), "chroma": self.chroma_stamp(), "files": known}
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, self.path)
