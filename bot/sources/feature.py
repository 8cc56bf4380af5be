"""The sources feature in the server: scheduled syncs on the one scheduler, and the App Home section.

Every replica runs the same ticker; a source's claim in the database makes one of them sync it at a
time. Syncs run in a worker thread, one after the other, so answering goes on meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import TYPE_CHECKING

from bot.core.model import Block, Context, Section, User
from bot.schedule.clock import SystemClock
from bot.sources.config import SourcesError, SourceSpec, sources_file
from bot.sources.service import SourcesService
from bot.sources.state import Status

if TYPE_CHECKING:
    from bot.app import Services

log = logging.getLogger(__name__)


class SourcesFeature:
    def __init__(self, service: SourcesService) -> None:
        self.service = service

    async def tick(self) -> None:
        """Sync every scheduled source that is due (and not being synced by another replica)."""
        try:
            due = await asyncio.to_thread(self.service.due)
        except SourcesError as exc:
            log.warning("sources file not loaded; no scheduled syncs", extra={"error": str(exc).splitlines()[0]})
            return
        for spec in due:
            report = await asyncio.to_thread(self.service.sync, spec)
            if report.busy:
                log.info("source sync skipped: another replica holds it", extra={"source": spec.name})

    def overview(self) -> list[tuple[SourceSpec, Status | None]]:
        """Each configured source with its recorded state (empty without a sources file)."""
        if not sources_file(self.service.settings).exists():
            return []
        states = self.service.status()
        return [(spec, states.get(spec.name)) for spec in self.service.specs()]

    async def home_section(self, user: User) -> list[Block]:
        """Where the answers come from: each source, its documents and how fresh they are.

        Errors are only flagged here (chat never shows server internals); `cxbot doctor` tells why.
        """
        try:
            rows = await asyncio.to_thread(self.overview)
        except SourcesError:
            return [Context("Knowledge sources: the sources file has a problem; an admin can run `cxbot doctor`.")]
        if not rows:
            return []
        now = self.service.clock.now()
        lines = [line(spec, st, now) for spec, st in rows]
        return [Section("**Knowledge sources**\n" + "\n".join(lines))]


def ago(when: datetime, now: datetime) -> str:
    seconds = max(int((now - when).total_seconds()), 0)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return "just now"


def line(spec: SourceSpec, st: Status | None, now: datetime) -> str:
    head = f"- **{spec.name}** ({spec.kind})"
    if st is not None and st.syncing:
        return f"{head}: {st.documents} documents, syncing now"
    if st is None or st.finished_at is None:
        return f"{head}: not synced yet"
    if st.status == "error":
        good = f", last good sync {ago(st.ok_at, now)}" if st.ok_at else ""
        return (f"{head}: {st.documents} documents; ⚠️ the last sync failed ({ago(st.finished_at, now)}){good}"
                " — an admin can run `cxbot doctor`")
    return f"{head}: {st.documents} documents, synced {ago(st.finished_at, now)}"


def register(services: Services) -> SourcesFeature:
    """Scheduled syncs and the App Home section. Times are real time, whatever business clock runs."""
    service = SourcesService(services.settings, services.knowledge, services.db, clock=SystemClock())
    feature = SourcesFeature(service)
    services.scheduler.every(services.settings.sources_tick, "source-syncs", feature.tick)
    services.home_sections.append(feature.home_section)
    return feature
