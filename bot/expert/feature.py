"""The expert feature: "Ask an expert" on answer cards, expert replies passed on, "Save as answer", review flags."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bot.core.router import Turn
from bot.expert.cards import ASK, SAVE
from bot.expert.config import Experts, ExpertsError, load_experts
from bot.expert.escalate import Escalations
from bot.expert.store import ExpertStore
from bot.expert.verify import Verification

if TYPE_CHECKING:
    from bot.app import Services

log = logging.getLogger(__name__)

RETENTION_TICK = 3600.0


@dataclass(frozen=True)
class ExpertFeature:
    experts: dict[str, Experts]
    escalations: Escalations
    verification: Verification

    async def action(self, turn: Turn) -> None:
        """The feature's buttons: "Ask an expert" on answer cards, "Save as answer" in expert threads."""
        if turn.inbound.action == ASK:
            await self.escalations.ask(turn)
        elif turn.inbound.action == SAVE:
            await self.verification.save(turn)


def register(services: Services) -> ExpertFeature:
    settings = services.settings
    try:
        experts = load_experts(settings.knowledge_dir, settings.collections_file)
    except ExpertsError as exc:
        log.error("expert settings not loaded: %s", exc)
        experts = {}
    store = ExpertStore(services.db)
    feature = ExpertFeature(experts, Escalations(services, store, experts), Verification(services, store, experts))
    services.router.add_action("expert", feature.action)
    services.router.use(feature.escalations.middleware)
    services.features.ask.extras.append(feature.verification.extras)
    services.scheduler.every(settings.expert_review_tick, "expert-review", feature.verification.review)

    async def retention() -> None:  # escalations hold the question and who asked: kept as long as questions
        before = datetime.now(UTC) - timedelta(days=settings.question_retention_days)
        await asyncio.to_thread(store.purge, before)

    services.scheduler.every(RETENTION_TICK, "expert-retention", retention)
    return feature
