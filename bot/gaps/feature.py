"""The gaps feature in the server: one `GapsService` for the dashboard, and a ticker that embeds new gap
questions ahead of page views and re-asks addressed groups once an ingest followed their mark.

Re-asking goes through an `AskService` without a writer: retrieval and the abstention decision, no LLM.
"""

from __future__ import annotations

import asyncio
import logging
from functools import partial
from typing import TYPE_CHECKING

from bot.gaps.escalations import ExpertEscalations
from bot.gaps.model import Source
from bot.gaps.service import PAGE_GROUPS, PAGE_WEEKS, GapsService

if TYPE_CHECKING:
    from bot.app import Services
    from bot.ask.service import AskService
    from bot.db.engine import Database
    from bot.knowledge import Knowledge

log = logging.getLogger(__name__)

TICK_SECONDS = 120
WARM_BATCH = 256  # wordings embedded per run (a few seconds of one core)
MAX_SOURCES = 3


def closest_sources(knowledge: Knowledge, question: str) -> list[Source]:
    from bot.ask.service import rank_documents

    docs = rank_documents(knowledge.retriever.search(question))[:MAX_SOURCES]
    return [Source(g[0].meta.shown_title, g[0].path, g[0].meta.url or None, max(p.dense for p in g)) for g in docs]


def plain_answerer(knowledge: Knowledge) -> AskService:
    from bot.ask.service import AskService

    return AskService(knowledge.retriever, writer=None, contact=knowledge.settings.ask_contact,
                      max_chars=knowledge.settings.max_question_chars)


def make_service(db: Database, k: Knowledge) -> GapsService:
    """The service on the knowledge's embedder and index (built on first use)."""
    asker: list[AskService] = []

    def answered(question: str) -> bool:
        if not asker:
            asker.append(plain_answerer(k))
        # Re-asks follow an ingest: read the index as it is now, not the copy of up to a second ago.
        k.retriever.refresh(force=True)
        return asker[0].answer(question).answered

    return GapsService(
        db, lambda: k.embedder,
        escalations=ExpertEscalations(db),
        sources=lambda q: closest_sources(k, q),
        index_version=lambda: k.store.version(),
        answered=answered,
    )


class GapsFeature:
    def __init__(self, services: Services) -> None:
        self.service = make_service(services.db, services.knowledge)
        self.clock = services.clock
        self.ticks = 0

    async def tick(self) -> None:
        """Embed new gap questions, re-ask addressed groups if an ingest followed their mark, and group
        the default page's questions (so its first view finds grouping and sources cached).

        The start-up catch-up run (the first) does nothing: serving waits for it, and embedding a backlog
        of questions can take minutes; the scheduler's own runs follow at once in the background.
        """
        self.ticks += 1
        if self.ticks == 1:
            return
        now = self.clock.now()
        await asyncio.to_thread(self.service.warm, now, WARM_BATCH)
        await asyncio.to_thread(self.service.recheck, now)
        # the default page ahead of its viewers: grouping and closest sources cached
        await asyncio.to_thread(partial(self.service.groups, PAGE_WEEKS, now, sources=PAGE_GROUPS))


def register(services: Services) -> GapsFeature:
    feature = GapsFeature(services)
    services.scheduler.every(TICK_SECONDS, "gaps", feature.tick)
    return feature
