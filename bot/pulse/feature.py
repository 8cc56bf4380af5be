"""The pulse feature: registers the `pulse` command, the vote buttons, tickers, and its sections.

Pulses post without an inbound turn through `services.ports` (the chat port of each platform, added when
its edge mounts, the console's in `cxbot chat`). A person's home view shows the latest results they took
part in (`services.home_sections`), and a channel's weekly digest its latest closed pulse
(`services.digest_sections`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.digest import DigestSection
from bot.i18n import N_
from bot.pulse.cards import VOTE
from bot.pulse.commands import USAGE, PulseCommands
from bot.pulse.service import PulseService
from bot.pulse.tickers import remind, start_scheduled

if TYPE_CHECKING:
    from bot.app import Services

__all__ = ["USAGE", "register"]


DIGEST_TITLE = N_("Latest pulse")


def register(services: Services) -> PulseService:
    service = PulseService(services.settings, services.db, services.ports)
    commands = PulseCommands(service)
    services.router.add_command("pulse", commands.pulse, usage=N_("pulse start|close|results|list|schedule"),
                                summary=N_("Run anonymous pulse checks on customer centricity (`pulse help` for more)."))
    services.router.add_action(VOTE, commands.vote)
    every = services.settings.pulse_tick_seconds

    async def close_due() -> None:
        await service.close_due()

    async def reminders() -> None:
        await remind(service)

    async def recurring() -> None:
        await start_scheduled(service)

    services.scheduler.every(every, "pulse-close", close_due)
    services.scheduler.every(every, "pulse-remind", reminders)
    services.scheduler.every(every, "pulse-schedule", recurring)
    services.home_sections.append(service.home_section)
    services.digest_sections.append(DigestSection(DIGEST_TITLE, service.digest_summary))
    return service
