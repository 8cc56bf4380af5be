"""The Knowledge page's figures: documents per collection and source (from the index, recounted only
when an ingest or sync changed it), each source's last sync, the folder's last ingest, skipped files
with their reasons, and verified expert entries due for review (when the expert feature is there)."""

from __future__ import annotations

import importlib
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from bot.db.engine import Database
from bot.ingest.walk import walk
from bot.knowledge import Knowledge
from bot.sources.state import SyncStates
from bot.sources.sync import PREFIX as SOURCE_PREFIX

FOLDER = "knowledge folder"
MAX_SKIPPED = 200


@dataclass(frozen=True)
class SourceRow:
    name: str
    status: str
    last: str  # the last finished sync
    last_ok: str
    documents: int
    error: str


@dataclass
class KnowledgeView:
    counts: list[tuple[str, str, int]] = field(default_factory=list)  # (collection, source, documents)
    total: int = 0
    last_ingest: str = ""
    sources: list[SourceRow] = field(default_factory=list)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # (where, path, reason)
    due: list[tuple[str, str, str, str]] | None = None  # (collection, question, author, review date); None: no feature
    index_error: str = ""


def _when(at: datetime | None) -> str:
    if at is None:
        return ""
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).strftime("%Y-%m-%d %H:%M UTC")


def source_of(doc_key: str) -> str:
    if doc_key.startswith(SOURCE_PREFIX):
        return doc_key[len(SOURCE_PREFIX):].split("/", 1)[0]
    return FOLDER


class Counts:
    """Documents per (collection, source), recounted when the index's version changes."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self._lock = threading.Lock()
        self._cached: tuple[str, list[tuple[str, str, int]]] | None = None

    def get(self) -> tuple[str, list[tuple[str, str, int]]]:
        store = self.knowledge.store
        version = store.version()
        with self._lock:
            if self._cached is None or self._cached[0] != version:
                counted = Counter((state.collection or "(mixed)", source_of(key))
                                  for key, state in store.doc_states().items())
                self._cached = (version, sorted((c, s, n) for (c, s), n in counted.items()))
            return self._cached


def gather(knowledge: Knowledge, counts: Counts, db: Database, now: datetime) -> KnowledgeView:
    view = KnowledgeView()
    try:
        version, view.counts = counts.get()
        view.total = sum(n for _c, _s, n in view.counts)
        stamp = float(version) if version.replace(".", "", 1).isdigit() else 0.0
        view.last_ingest = _when(datetime.fromtimestamp(stamp, UTC)) if stamp > 0 else "never"
    except Exception as exc:  # the index unreachable: the rest of the page still helps
        view.index_error = f"The knowledge index could not be read ({type(exc).__name__})."
    for name, st in sorted(SyncStates(db).all(now).items()):
        view.sources.append(SourceRow(name, "syncing" if st.syncing else st.status, _when(st.finished_at),
                                      _when(st.ok_at), st.documents, (st.error or "").splitlines()[0][:300]
                                      if st.error else ""))
        for item in (st.summary or {}).get("skipped", [])[:MAX_SKIPPED]:
            if isinstance(item, dict):
                view.skipped.append((name, str(item.get("path", "")), str(item.get("reason", ""))))
    _files, skipped = walk([knowledge.settings.knowledge_dir])
    view.skipped += [(FOLDER, s.path, s.reason) for s in skipped[:MAX_SKIPPED]]
    view.due = due_for_review(db, now)
    return view


def due_for_review(db: Database, now: datetime) -> list[tuple[str, str, str, str]] | None:
    """Verified entries past their review date, or None where the expert feature is not installed."""
    try:
        models: Any = importlib.import_module("bot.expert.models")
    except ModuleNotFoundError:
        return None
    entry = getattr(models, "VerifiedEntry", None)
    if entry is None:
        return None
    with db.session() as s:
        rows = s.scalars(select(entry).where(entry.review_at <= now).order_by(entry.review_at).limit(200))
        return [(str(e.collection), str(e.question)[:200], str(e.author), _when(e.review_at)) for e in rows]
