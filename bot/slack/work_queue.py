"""A few queue workers that do the real work after Slack got its acknowledgement.

One task per event would start hundreds of answers at once under a burst and slow every
acknowledgement; a small fixed pool keeps the event loop free to ack while answers queue up.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[None]]

_IN_WORKER: contextvars.ContextVar[bool] = contextvars.ContextVar("slack_in_worker", default=False)


class WorkQueue:
    """`submit` never blocks; `start` runs `size` workers; `join` waits until the queue is empty."""

    def __init__(self, size: int = 4) -> None:
        self.size = max(1, size)
        self.queue: asyncio.Queue[Job] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []

    def submit(self, job: Job) -> None:
        self.queue.put_nowait(job)

    async def run_or_submit(self, job: Job) -> None:
        """Run `job` now when already on a worker (an event bolt dispatches from the queue), else queue it."""
        if _IN_WORKER.get():
            await job()
        else:
            self.submit(job)

    def start(self) -> None:
        if not self._tasks:
            self._tasks = [asyncio.create_task(self._run(), name=f"slack-worker-{n}") for n in range(self.size)]

    async def join(self) -> None:
        await self.queue.join()

    async def stop(self, grace: float = 10.0) -> None:
        """Finish queued work (up to `grace` seconds), then stop the workers."""
        if self._tasks:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.queue.join(), grace)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    async def _run(self) -> None:
        _IN_WORKER.set(True)
        while True:
            job = await self.queue.get()
            try:
                await job()
            except Exception:
                log.exception("slack job failed")
            finally:
                self.queue.task_done()
