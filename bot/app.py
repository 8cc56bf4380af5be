"""The composition root: builds every service once from settings and lets features register."""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass, field
from typing import Any

from bot.core.router import Router
from bot.db.engine import Database
from bot.knowledge import Knowledge
from bot.schedule.runner import Scheduler
from bot.settings import Settings

log = logging.getLogger(__name__)

# Each module has `register(services: Services) -> None`: it adds its commands, actions and jobs.
FEATURES = [
    "bot.ask.feature",
    "bot.pulse.feature",
    "bot.digest.feature",
    "bot.trust.feature",
]


@dataclass
class Services:
    """Everything a feature or adapter may need, built once at start-up."""

    settings: Settings
    db: Database
    knowledge: Knowledge
    router: Router
    scheduler: Scheduler
    extras: dict[str, Any] = field(default_factory=dict)

    def close(self) -> None:
        self.db.dispose()


def build_services(settings: Settings) -> Services:
    settings.ensure_dirs()
    db = Database(settings)
    services = Services(
        settings=settings,
        db=db,
        knowledge=Knowledge(settings),
        router=Router(),
        scheduler=Scheduler(db),
    )
    for name in FEATURES:
        importlib.import_module(name).register(services)
    return services
