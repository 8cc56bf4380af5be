"""A thin wrapper over APScheduler's asyncio scheduler that features add periodic jobs to.

Jobs here are *tickers*: each run looks in the database for work that is due (digests to send,
pulses to close) and claims it there before doing it, so any number of replicas may run the same
tickers and every piece of work still happens once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.db.engine import Database

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[object]]


@dataclass
class Ticker:
    name: str
    seconds: float
    job: Job


class Scheduler:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.tickers: list[Ticker] = []
        self._aps: AsyncIOScheduler | None = None

    def every(self, seconds: float, name: str, job: Job) -> None:
        """Run `job` every `seconds` (and once right at start, to catch up on missed work)."""
        self.tickers.append(Ticker(name, seconds, job))

    async def run_all_once(self) -> None:
        """Run every ticker once, in order (start-up catch-up, and tests)."""
        for t in self.tickers:
            await self._safe(t)

    async def _safe(self, ticker: Ticker) -> None:
        try:
            await ticker.job()
        except Exception:
            log.exception("scheduled job failed", extra={"job": ticker.name})

    def start(self) -> None:
        from datetime import datetime

        self._aps = AsyncIOScheduler(timezone="UTC")
        for t in self.tickers:
            self._aps.add_job(
                self._safe, "interval", seconds=t.seconds, args=[t], id=t.name,
                next_run_time=datetime.now(UTC), max_instances=1, coalesce=True,
            )
        self._aps.start()

    def shutdown(self) -> None:
        if self._aps is not None:
            self._aps.shutdown(wait=False)
            self._aps = None
