"""The sources feature in the server: scheduled syncs on the one scheduler, and the App Home section.

Every replica runs the same ticker; a source's claim in the database makes one of them sync it at a
time. Syncs run in a worker thread, one after the other, so answering goes on meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.core.model import Block, Context, Section, User
from bot.i18n import Translator, translator
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

    async def home_section(self, user: User, language: str) -> list[Block]:
        """Where the answers come from: each source, its documents and how fresh they are.

        Errors are only flagged here (chat never shows server internals); `cxbot doctor` tells why.
        """
        t = translator(language)
        try:
            rows = await asyncio.to_thread(self.overview)
        except SourcesError:
            return [Context(t.gettext("Knowledge sources: the sources file has a problem; an admin can run `cxbot doctor`."))]
        if not rows:
            return []
        now = self.service.clock.now()
        lines = [line(spec, st, now, t) for spec, st in rows]
        return [Section("**" + t.gettext("Knowledge sources") + "**\n" + "\n".join(lines))]


def ago(when: datetime, now: datetime, t: Translator | None = None) -> str:
    """"3h ago" / "vor 3 Std."."""
    t = t or translator()
    seconds = max(int((now - when).total_seconds()), 0)
    if seconds < 60:
        return t.gettext("just now")
    from babel.dates import format_timedelta

    return format_timedelta(-timedelta(seconds=seconds), threshold=1.0, add_direction=True, format="narrow",
                            locale=t.language)


def line(spec: SourceSpec, st: Status | None, now: datetime, t: Translator | None = None) -> str:
    t = t or translator()
    head = f"- **{spec.name}** ({spec.kind})"
    docs = t.ngettext("{n} document", "{n} documents", st.documents).format(n=t.number(st.documents)) if st else ""
    if st is not None and st.syncing:
        return t.gettext("{head}: {documents}, syncing now").format(head=head, documents=docs)
    if st is None or st.finished_at is None:
        return t.gettext("{head}: not synced yet").format(head=head)
    if st.status == "error":
        good = t.gettext(", last good sync {ago}").format(ago=ago(st.ok_at, now, t)) if st.ok_at else ""
        return t.gettext("{head}: {documents}; ⚠️ the last sync failed ({ago}){good} — an admin can run `cxbot doctor`"
                         ).format(head=head, documents=docs, ago=ago(st.finished_at, now, t), good=good)
    return t.gettext("{head}: {documents}, synced {ago}").format(head=head, documents=docs, ago=ago(st.finished_at, now, t))


def register(services: Services) -> SourcesFeature:
    """Scheduled syncs and the App Home section. Times are real time, whatever business clock runs."""
    service = SourcesService(services.settings, services.knowledge, services.db, clock=SystemClock())
    feature = SourcesFeature(service)
    services.scheduler.every(services.settings.sources_tick, "source-syncs", feature.tick)
    services.home_sections.append(feature.home_section)
    return feature
