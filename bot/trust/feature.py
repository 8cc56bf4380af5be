"""The trust feature: the retention ticker that expires asked questions."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from bot.trust.privacy import purge_questions

if TYPE_CHECKING:
    from bot.app import Services

RETENTION_TICK = 3600.0


def register(services: Services) -> None:
    async def retention() -> None:
        await asyncio.to_thread(purge_questions, services.settings, services.db)

    services.scheduler.every(RETENTION_TICK, "question-retention", retention)
