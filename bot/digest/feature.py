"""The digest feature: `digest subscribe|unsubscribe|now|preview` and the delivery ticker.

Posting without an inbound turn goes through `services.ports` (the chat port of each platform), which
the Slack, Teams and console adapters fill. Other features add sections (the latest pulse) through
`services.digest_sections` (see `bot.core.digest`). Due dates follow `services.clock`.
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
from bot.digest.build import DOCTOR_HINT
from bot.digest.card import digest_card
from bot.digest.delivery import Deliverer
from bot.digest.service import DigestService
from bot.digest.store import DigestStore, Subscription
from bot.digest.when import parse_slot
from bot.i18n import LANGUAGES, N_, UserError
from bot.kpi.config import ConfigError
from bot.kpi.sources import SourceError
from bot.kpi.weeks import parse_label, week_of

if TYPE_CHECKING:
    from bot.app import Services

log = logging.getLogger(__name__)

USAGE = N_("digest subscribe [day] [time] [timezone] [en|de] | digest unsubscribe | digest now")
NO_CONFIG = N_("I can't build the digest: the KPI configuration is not available; {hint}.")


class DigestFeature:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.settings = services.settings
        self.store = DigestStore(services.db)
        self.service = DigestService(services.settings, QuestionLog(services.db), services.digest_sections)
        self.deliverer = Deliverer(self.store, self.make, services.ports, services.clock,
                                   lease=services.settings.digest_lease)

    def make(self, sub: Subscription, delivery_week: str) -> Outbound:
        """The digest posted in `delivery_week`: it reports the week before."""
        return digest_card(self.service.digest(parse_label(delivery_week) - 1, sub.conversation_key, sub.language))

    def last_week(self) -> int:
        now = self.services.clock.now().astimezone(ZoneInfo(self.settings.timezone))
        return week_of(now) - 1

    async def command(self, turn: Turn) -> None:
        """Weekly CX KPI digest: subscribe this channel, unsubscribe, or show it now."""
        t = turn.t
        words = turn.args.split()
        sub = words[0].lower() if words else "now"
        conv = turn.inbound.conversation
        if sub == "subscribe":
            # The digest's language: named (`en`/`de`), else the subscriber's; it posts in it every week.
            language = next((w.lower() for w in words[1:] if w.lower() in LANGUAGES), turn.language)
            try:
                slot = parse_slot([w for w in words[1:] if w.lower() not in LANGUAGES], self.settings.timezone)
            except UserError as exc:
                await turn.reply(Text(t.gettext("{problem}. Usage: `digest subscribe [day] [time] [timezone] [en|de]`.")
                                      .format(problem=exc.text(t))))
                return
            user = turn.inbound.user
            by = hash_user(self.settings.hash_key.get_secret_value(), user.platform, user.id)
            now = self.services.clock.now()
            await asyncio.to_thread(self.store.subscribe, conv, slot, by, now, language)
            await turn.reply(Text(t.gettext("Subscribed: the CX digest arrives here {when}.").format(when=slot.describe(t))))
        elif sub == "unsubscribe":
            done = await asyncio.to_thread(self.store.unsubscribe, conv)
            await turn.reply(Text(t.gettext("Unsubscribed: no more weekly digests here.") if done else
                                  t.gettext("This conversation has no digest subscription.")))
        elif sub in ("now", "preview"):
            try:
                week = parse_label(words[1]) if len(words) > 1 else self.last_week()
            except ValueError:
                await turn.reply(Text(t.gettext("`{text}` is not a week; give one like 2026-W05.").format(text=words[1][:40])))
                return
            try:
                digest = await asyncio.to_thread(self.service.digest, week, conv.key(), turn.language)
            except (ConfigError, SourceError) as exc:  # the details are for admins: the log and `cxbot doctor`
                log.warning("digest not built", extra={"error": str(exc)})
                await turn.reply(Text(t.gettext(NO_CONFIG).format(hint=t.gettext(DOCTOR_HINT))))
                return
            await turn.reply(digest_card(digest))
        else:
            await turn.reply(Text(t.gettext("Usage: `{usage}`.").format(usage=t.gettext(USAGE))))


def register(services: Services) -> DigestFeature:
    feature = DigestFeature(services)
    services.scheduler.every(services.settings.digest_tick, "digest-due", feature.deliverer.create_due)
    services.scheduler.every(services.settings.digest_tick, "digest-deliveries", feature.deliverer.tick)
    services.router.add_command("digest", feature.command, usage=USAGE,
                                summary=N_("Weekly CX KPI digest: subscribe this channel, unsubscribe, or show it now."))
    return feature
