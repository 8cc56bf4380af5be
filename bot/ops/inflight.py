"""Graceful shutdown: count the events being handled, stop taking new ones, wait for the rest.

`ops.serving.install` adds `Inflight.middleware` to the router's middleware chain, so every inbound event from
any edge is counted (metrics `cxbot_requests{platform,kind}`) and tracked here. Edges that queue work
after acknowledging it should wrap the queued part in `inflight.track()` as soon as they accept the event.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from bot.ops import metrics

if TYPE_CHECKING:
    from bot.core.model import Inbound
    from bot.core.port import ChatPort
    from bot.core.router import Dispatch

log = logging.getLogger(__name__)


class Inflight:
    """How many inbound events are being handled, and whether we are shutting down."""

    def __init__(self) -> None:
        self.count = 0
        self.stopping = False
        self._idle: asyncio.Event | None = None

    def _event(self) -> asyncio.Event:
        if self._idle is None:
            self._idle = asyncio.Event()
            if self.count == 0:
                self._idle.set()
        return self._idle

    @asynccontextmanager
    async def track(self) -> AsyncIterator[None]:
        """Count the enclosed work as in flight until it finishes."""
        self.count += 1
        metrics.INFLIGHT.inc()
        self._event().clear()
        try:
            yield
        finally:
            self.count -= 1
            metrics.INFLIGHT.dec()
            if self.count == 0:
                self._event().set()

    async def drain(self, timeout: float) -> bool:
        """Mark the process as stopping and wait up to `timeout` s for in-flight work; True if done."""
        self.stopping = True
        started = time.monotonic()
        log.info("draining in-flight work", extra={"inflight": self.count})
        try:
            await asyncio.wait_for(self._event().wait(), timeout)
        except TimeoutError:
            log.warning("shutdown timeout with work in flight", extra={"inflight": self.count})
            return False
        log.info("drained", extra={"seconds": round(time.monotonic() - started, 3)})
        return True

    async def middleware(self, inbound: Inbound, port: ChatPort, call_next: Dispatch) -> None:
        """Router middleware: count each event by platform and kind, and track it while it runs."""
        metrics.REQUESTS.labels(inbound.conversation.platform, inbound.kind.value).inc()
        async with self.track():
            await call_next(inbound, port)
