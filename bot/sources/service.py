"""Syncing sources: claim in the database, run the sync, record the outcome.

Used by `cxbot sources ...`, by the scheduler's ticker (every replica runs it; the claim makes one
of them sync a given source at a time) and by the doctor and App Home (the recorded states).
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.db.engine import Database
from bot.ingest.walk import Summary
from bot.knowledge import Knowledge
from bot.schedule.clock import Clock, SystemClock
from bot.settings import Settings
from bot.sources.config import SourceSpec, load_sources
from bot.sources.model import AuthError, SourceError
from bot.sources.registry import folder_path, open_source
from bot.sources.state import Claim, Status, SyncStates
from bot.sources.sync import run_sync

log = logging.getLogger(__name__)


class ClaimLost(SourceError):
    """Another replica took the source over (our lease ran out): this sync stops."""


@dataclass
class Report:
    """One source's sync: its summary, or why it did not run or failed."""

    source: str
    summary: Summary
    error: str | None = None
    busy: bool = False  # another replica holds the claim

    def as_json(self) -> dict[str, object]:
        return {"source": self.source, **self.summary.as_dict()}


class SourcesService:
    def __init__(
        self, settings: Settings, knowledge: Knowledge, db: Database, clock: Clock | None = None,
        owner: str | None = None,
    ) -> None:
        self.settings = settings
        self.knowledge = knowledge
        self.states = SyncStates(db)
        self.clock: Clock = clock or SystemClock()
        self.owner = owner or f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def specs(self) -> list[SourceSpec]:
        """The configured sources (`SourcesError` if the file is malformed)."""
        return load_sources(self.settings)

    def status(self) -> dict[str, Status]:
        return self.states.all(self.clock.now())

    def due(self, now: datetime | None = None) -> list[SourceSpec]:
        """Scheduled sources whose last sync attempt is at least `every` ago (or that never ran)."""
        now = now or self.clock.now()
        states = self.states.all(now)
        out = []
        for spec in self.specs():
            if spec.every is None:
                continue
            st = states.get(spec.name)
            last = st.finished_at if st is not None else None
            if st is not None and st.syncing:
                continue
            if last is None or last + spec.every <= now:
                out.append(spec)
        return out

    def sync(self, spec: SourceSpec, on_progress: Callable[[int], None] | None = None) -> Report:
        """Sync one source if no other replica is syncing it."""
        lease = self.settings.sources_lease
        claim = self.states.claim(spec.name, self.owner, self.clock.now(), lease)
        if claim is None:
            return Report(spec.name, Summary(), busy=True)
        log.info("source sync started", extra={"source": spec.name, "kind": spec.kind})
        started = time.monotonic()
        try:
            summary, cursor, documents = self._run(spec, claim, on_progress)
        except SourceError as exc:
            error = f"authentication failed: {exc}" if isinstance(exc, AuthError) else str(exc)
            partial = exc.partial if isinstance(exc.partial, Summary) else Summary()
            self.states.finish(claim, self.clock.now(), summary=partial.as_dict(), documents=0, cursor=None,
                               error=error)
            log.warning("source sync failed", extra={"source": spec.name, "error": error[:300]})
            return Report(spec.name, partial, error=error)
        except Exception as exc:  # a bug or a store failure: recorded, the scheduler goes on
            error = f"sync crashed: {type(exc).__name__}: {exc}"
            self.states.finish(claim, self.clock.now(), summary=None, documents=0, cursor=None, error=error)
            log.exception("source sync crashed", extra={"source": spec.name})
            return Report(spec.name, Summary(), error=error)
        self.states.finish(claim, self.clock.now(), summary=summary.as_dict(), documents=documents,
                           cursor=cursor, error=None)
        log.info("source sync finished", extra={
            "source": spec.name, "seconds": round(time.monotonic() - started, 2), "added": summary.added,
            "updated": summary.updated, "removed": summary.removed, "skipped": len(summary.skipped)})
        return Report(spec.name, summary)

    def _run(
        self, spec: SourceSpec, claim: Claim, on_progress: Callable[[int], None] | None,
    ) -> tuple[Summary, dict[str, object], int]:
        knowledge = self.knowledge
        if spec.collection not in knowledge.collections.names:
            raise SourceError(f"collection {spec.collection!r} is not defined in collections.yaml")
        indexer = knowledge.indexer()
        if spec.kind == "folder":
            summary = indexer.run([folder_path(spec)], on_progress=on_progress)
            return summary, {}, summary.added + summary.updated + summary.unchanged
        renewed = [time.monotonic()]

        def heartbeat() -> None:
            if time.monotonic() - renewed[0] < self.settings.sources_lease / 3:
                return
            if not self.states.renew(claim, self.clock.now(), self.settings.sources_lease):
                raise ClaimLost("another replica took this source over (our claim ran out); it syncs now")
            renewed[0] = time.monotonic()

        source = open_source(spec, self.settings)
        try:
            outcome = run_sync(source, indexer, claim.cursor, heartbeat=heartbeat, on_progress=on_progress)
        finally:
            source.close()
        return outcome.summary, outcome.cursor, outcome.documents
