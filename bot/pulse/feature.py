"""The pulse feature: registers the `pulse` command, the vote buttons, tickers and the home section.

Features and adapters share a registry of chat ports for posting without an inbound turn:
`services.extras["ports"]` (`dict[platform, ChatPort]`). Slack and Teams register theirs when their edge
mounts, the console in `cxbot chat`. The home tab can show `services.extras["home_sections"]`: a list of
`async fn(user) -> list[Block]`; pulses add the latest results there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.home import add_home_section
from bot.pulse.cards import VOTE
from bot.pulse.commands import USAGE, PulseCommands
from bot.pulse.service import PulseService
from bot.pulse.tickers import remind, start_scheduled

if TYPE_CHECKING:
    from bot.app import Services

__all__ = ["USAGE", "register"]


def register(services: Services) -> None:
    service = PulseService(services.settings, services.db, services.extras.setdefault("ports", {}))
    commands = PulseCommands(service)
    services.router.add_command("pulse", commands.pulse, usage="pulse start|close|results|list|schedule")
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
    add_home_section(services.extras, service.home_section)
    services.extras["pulse"] = service
    services.extras["digest_pulse"] = service.digest_summary
