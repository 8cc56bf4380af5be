"""Scheduler tickers for pulses: close on time, remind halfway, start recurring pulses.

Each run claims its work in the database first (see `bot.pulse.store`), so every replica may run them.
"""

from __future__ import annotations

import asyncio
import calendar
import logging
from datetime import UTC, datetime, timedelta

from bot.core.model import Text
from bot.i18n import N_, translator
from bot.pulse.cards import when
from bot.pulse.models import PulseSchedule
from bot.pulse.service import PulseService
from bot.schedule.clock import utc

log = logging.getLogger(__name__)

CADENCES = {"weekly": 7, "biweekly": 14, "monthly": 0}
CADENCE_NAMES = {"weekly": N_("weekly"), "biweekly": N_("biweekly"), "monthly": N_("monthly")}


def add_cadence(moment: datetime, cadence: str) -> datetime:
    """The next run after `moment`: a week, two weeks, or the same day next month (clamped)."""
    days = CADENCES[cadence]
    if days:
        return moment + timedelta(days=days)
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def following_run(row: PulseSchedule, now: datetime) -> datetime:
    nxt = add_cadence(utc(row.next_run_at), row.cadence)
    while nxt <= now:  # runs missed while the bot was down are skipped, not piled up
        nxt = add_cadence(nxt, row.cadence)
    return nxt


async def start_scheduled(service: PulseService) -> int:
    """Start the pulses of every due schedule whose platform this replica can post to."""
    started = 0
    for row in await asyncio.to_thread(service.store.due_schedules):
        port = service.ports.get(row.platform)
        if port is None:
            continue
        template = service.templates()[0].get(row.template)
        claimed = await asyncio.to_thread(service.store.claim_schedule, row, following_run(row, datetime.now(UTC)))
        if not claimed:
            continue
        if template is None:
            log.warning("scheduled pulse template missing", extra={"schedule": row.id, "template": row.template})
            continue
        await service.start(template, template.lang(row.lang), row.conversation, timedelta(seconds=row.duration_seconds),
                            port, creator_hash=row.creator_hash, schedule_id=row.id)
        started += 1
    return started


async def remind(service: PulseService) -> int:
    """At the reminder time of each open pulse, nudge the channel if participation is low."""
    sent = 0
    for pulse in await asyncio.to_thread(service.store.claim_reminders, tuple(service.ports)):
        n = await asyncio.to_thread(service.store.participation, pulse.id)
        if n >= service.settings.pulse_remind_below:
            continue
        t = translator(pulse.lang)
        text = t.ngettext(
            "⏳ Halfway through pulse #{id} “{title}” and only {n} has taken part so far. "
            "It takes a minute and is anonymous — please add your view before {when}.",
            "⏳ Halfway through pulse #{id} “{title}” and only {n} have taken part so far. "
            "It takes a minute and is anonymous — please add your view before {when}.", n,
        ).format(id=pulse.id, title=pulse.title, n=t.number(n), when=when(pulse.closes_at, t))
        try:
            await service.ports[pulse.platform].post(pulse.conversation, Text(text))
            sent += 1
        except Exception:
            log.exception("pulse reminder failed", extra={"pulse": pulse.id})
    return sent

