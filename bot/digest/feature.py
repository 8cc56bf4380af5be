"""The digest feature: `digest subscribe|unsubscribe|now|preview` and the delivery ticker.

Posting without an inbound turn uses the shared port registry `services.extras["ports"]`
(`dict[platform, ChatPort]`), which the Slack, Teams and console adapters fill. The latest pulse
result comes from the optional hook `services.extras["digest_pulse"]` (see `bot.digest.service`).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.ask.store import QuestionLog
from bot.core.model import Outbound, Text
from bot.core.privacy import hash_user
from bot.core.router import Turn
from bot.digest.card import digest_card
from bot.digest.delivery import Deliverer
from bot.digest.service import DigestService
from bot.digest.store import DigestStore, Subscription
from bot.digest.when import parse_slot
from bot.kpi.config import ConfigError
from bot.kpi.sources import SourceError
from bot.kpi.weeks import parse_label, week_of
from bot.schedule.clock import clock_from_spec

if TYPE_CHECKING:
    from bot.app import Services

log = logging.getLogger(__name__)

USAGE = "digest subscribe [day] [time] [timezone] | digest unsubscribe | digest now"


class DigestFeature:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.settings = services.settings
        self.store = DigestStore(services.db)
        self.service = DigestService(services.settings, QuestionLog(services.db), pulse=self._pulse)
        self.ports = services.extras.setdefault("ports", {})

    def _pulse(self, key: str) -> str | None:
        hook = self.services.extras.get("digest_pulse")
        return hook(key) if callable(hook) else None

    def make(self, sub: Subscription, delivery_week: str) -> Outbound:
        """The digest posted in `delivery_week`: it reports the week before."""
        return digest_card(self.service.digest(parse_label(delivery_week) - 1, sub.conversation_key))

    def last_week(self) -> int:
        now = self.services.scheduler.clock.now().astimezone(ZoneInfo(self.settings.timezone))
        return week_of(now) - 1

    async def command(self, turn: Turn) -> None:
        """Weekly CX KPI digest: subscribe this channel, unsubscribe, or show it now."""
        words = turn.args.split()
        sub = words[0].lower() if words else "now"
        conv = turn.inbound.conversation
        if sub == "subscribe":
            try:
                slot = parse_slot(words[1:], self.settings.timezone)
            except ValueError as exc:
                await turn.reply(Text(f"{exc}. Usage: `digest subscribe [day] [time] [timezone]`."))
                return
            user = turn.inbound.user
            by = hash_user(self.settings.hash_key.get_secret_value(), user.platform, user.id)
            now = self.services.scheduler.clock.now()
            await asyncio.to_thread(self.store.subscribe, conv, slot, by, now)
            await turn.reply(Text(f"Subscribed: the CX digest arrives here {slot.describe()}."))
        elif sub == "unsubscribe":
            done = await asyncio.to_thread(self.store.unsubscribe, conv)
            await turn.reply(Text("Unsubscribed: no more weekly digests here." if done else
                                  "This conversation has no digest subscription."))
        elif sub in ("now", "preview"):
            try:
                week = parse_label(words[1]) if len(words) > 1 else self.last_week()
                digest = await asyncio.to_thread(self.service.digest, week, conv.key())
            except (ValueError, ConfigError, SourceError) as exc:
                await turn.reply(Text(f"I can't build the digest: {exc}"))
                return
            await turn.reply(digest_card(digest))
        else:
            await turn.reply(Text(f"Usage: `{USAGE}`."))


def register(services: Services) -> None:
    feature = DigestFeature(services)
    if services.settings.clock:
        services.scheduler.clock = clock_from_spec(services.settings.clock)
    deliverer = Deliverer(feature.store, feature.make, feature.ports, services.scheduler.clock,
                          lease=services.settings.digest_lease)
    services.scheduler.every(services.settings.digest_tick, "digest-due", deliverer.create_due)
    services.scheduler.every(services.settings.digest_tick, "digest-deliveries", deliverer.tick)
    services.router.add_command("digest", feature.command, usage=USAGE)
    services.extras["digest"] = feature
    services.extras["digest_deliverer"] = deliverer
