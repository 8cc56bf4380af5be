"""The delivery ticker: post every due digest exactly once per subscription and ISO week.

Each run (on every replica) first creates the week's delivery rows that are due, then claims them
one at a time and posts them:

1. *claim* — a compare-and-set update makes the row `sending`, owned by this replica, with a lease
   (wall-clock seconds) and the next attempt number; the first claim's time is kept;
2. *post* through the platform's ChatPort (bounded by half the lease), tagged with the delivery's
   `PostKey` where the port can tag messages (Slack: message metadata);
3. *mark sent* — only if the row is still ours with the same attempt number.

A platform error puts the row back to `pending` with exponential backoff. A replica that dies
between 1 and 3 leaves a `sending` row whose lease runs out; any replica then claims it again.
A post that runs past half the lease is abandoned client-side: its outcome is *unknown* (the
platform may have accepted it), so it is handled like a crash, never as "not posted".

**Retries look before they post.** An earlier attempt may have reached the platform after all (a
crash, a lost response, a client-side timeout after the platform accepted the message but before 3
committed). So every attempt after the first asks the port for a message tagged with this delivery
since the first claim (minus a margin for clock skew) and, if there is one, marks the delivery sent
with that message instead of posting again.

**What is left of the duplicate window**: platforms whose port cannot look (Teams, the console:
`find_posted` answers None), and a lookup that fails (history scope missing, Slack unreachable or
rate-limited) — then the retry posts again rather than never. A chart upload that a crash cut off
after its message was posted is not redone.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections.abc import Callable
from datetime import timedelta

from bot.core.model import Card, MessageRef, Outbound, card_text
from bot.core.port import ChatPort, PostKey, find_posted, post_keyed
from bot.digest.store import Delivery, DigestStore, Subscription
from bot.ops import metrics
from bot.schedule.clock import Clock, SystemClock, utc

log = logging.getLogger(__name__)

MakeDigest = Callable[[Subscription, str], Outbound]
SKEW = timedelta(minutes=5)  # replicas' clocks against the platform's: look back this much further


class Deliverer:
    """Runs one delivery pass per `tick()`; `clock` decides what is due, `wall` times leases and backoff."""

    def __init__(self, store: DigestStore, make: MakeDigest, ports: dict[str, ChatPort], clock: Clock,
                 *, wall: Clock | None = None, lease: float = 120.0, owner: str | None = None,
                 backoff: tuple[float, float] = (5.0, 900.0), max_per_tick: int = 200) -> None:
        self.store, self.make, self.ports, self.clock = store, make, ports, clock
        self.wall = wall or SystemClock()
        self.lease = lease
        self.owner = owner or uuid.uuid4().hex[:12]
        self.backoff = backoff
        self.max_per_tick = max_per_tick

    def retry_delay(self, attempts: int) -> float:
        base, cap = self.backoff
        return float(min(cap, base * 2 ** max(0, attempts - 1)) * random.uniform(0.8, 1.2))

    async def create_due(self) -> int:
        """Create the delivery rows that are due now (its own ticker, so slow posts never delay it)."""
        return await asyncio.to_thread(self.store.ensure_due, self.clock.now())

    async def tick(self) -> int:
        """Create due deliveries, then claim and post ready ones; returns how many were posted."""
        posted = 0
        for _ in range(self.max_per_tick):
            # re-checked before every claim: a long pass must not let a slot's week run out unseen
            await asyncio.to_thread(self.store.ensure_due, self.clock.now())
            d = await asyncio.to_thread(self.store.claim, self.owner, self.wall.now(), self.lease)
            if d is None:
                break
            posted += await self.deliver(d)
        return posted

    async def deliver(self, d: Delivery) -> int:
        sub = await asyncio.to_thread(self.store.get, d.subscription_id)
        if sub is None or not sub.active:
            await asyncio.to_thread(self.store.cancel, d, "unsubscribed")
            return 0
        port = self.ports.get(sub.platform)
        try:
            if port is None:
                raise RuntimeError(f"no chat port for {sub.platform} in this process")
            out = await asyncio.to_thread(self.make, sub, d.week)
            ref = await asyncio.wait_for(self.post_once(port, sub, d, out), timeout=self.lease / 2)
        except Exception as exc:
            delay = self.retry_delay(d.attempts)
            log.warning("digest delivery failed, retrying", extra={
                "delivery": d.id, "attempt": d.attempts, "retry_in": round(delay, 1), "error": repr(exc)[:200]})
            await asyncio.to_thread(self.store.mark_failed, d, self.wall.now() + timedelta(seconds=delay), repr(exc))
            metrics.digest(sent=False)
            return 0
        text = card_text(out) if isinstance(out, Card) else out.text
        if not await asyncio.to_thread(self.store.mark_sent, d, self.wall.now(), ref.id if ref else None, text):
            log.warning("digest posted after its claim was taken over; it may appear twice",
                        extra={"delivery": d.id, "attempt": d.attempts})
        metrics.digest(sent=True)
        log.info("digest delivered", extra={"delivery": d.id, "week": d.week, "subscription": sub.id})
        return 1

    async def post_once(self, port: ChatPort, sub: Subscription, d: Delivery, out: Outbound) -> MessageRef | None:
        """Post `out` tagged with the delivery, unless an earlier attempt's post is found on the platform."""
        key = PostKey("digest", "delivery", str(d.id))
        if d.attempts > 1:  # an earlier attempt may have landed (crash, lost response, timeout)
            since = utc(d.first_claimed_at or d.due_at) - SKEW
            try:
                earlier = await find_posted(port, sub.conversation, key, since)
            except Exception as exc:  # cannot tell: posting again beats never posting
                log.warning("could not look for an earlier digest post; posting, which may repeat it", extra={
                    "delivery": d.id, "attempt": d.attempts, "error": repr(exc)[:200]})
                earlier = None
            if earlier is not None:
                log.info("digest was already posted by an earlier attempt; not posting again", extra={
                    "delivery": d.id, "attempt": d.attempts, "message": earlier.id})
                return earlier
        return await post_keyed(port, sub.conversation, out, key)
