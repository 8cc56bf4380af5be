"""The composition root: builds every service once from settings and lets features register."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.ask import feature as ask
from bot.core.digest import DigestSection
from bot.core.home import HomeSection
from bot.core.listen import Listening, NotListening
from bot.core.port import ChatPort
from bot.core.router import Router
from bot.dashboard import feature as dashboard
from bot.db.engine import Database
from bot.digest import feature as digest
from bot.expert import feature as expert
from bot.gaps import feature as gaps
from bot.i18n import LANGUAGES, translator
from bot.knowledge import Knowledge
from bot.ops.inflight import Inflight
from bot.pulse import feature as pulse
from bot.schedule.clock import Clock, SystemClock, clock_from_spec
from bot.schedule.runner import Scheduler
from bot.settings import Settings
from bot.sources import feature as sources
from bot.trust import feature as trust

if TYPE_CHECKING:
    from bot.ask.feature import AskFeature
    from bot.digest.feature import DigestFeature
    from bot.gaps.feature import GapsFeature
    from bot.pulse.service import PulseService
    from bot.sources.feature import SourcesFeature

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Features:
    """The feature objects `build_services` registered (their commands are on the router)."""

    ask: AskFeature
    pulse: PulseService
    digest: DigestFeature
    sources: SourcesFeature
    gaps: GapsFeature


@dataclass
class Services:
    """Everything a feature or adapter may need, built once at start-up.

    - `clock`: business time for due dates: the system clock, or the scaled one `CXBOT_CLOCK` names.
    - `ports`: the chat port of each platform (`"slack"`, `"teams"`, `"console"`), added when its edge
      mounts; features post through it without an inbound turn (digests, pulses).
    - `home_sections`: what features show on a person's home view (`bot.core.home`).
    - `digest_sections`: what features add to a channel's weekly digest (`bot.core.digest`).
    - `inflight`: the inbound events being handled, so shutdown can wait for them (`bot.ops.inflight`).
    - `listening`: which unaddressed messages are answered, and suggested prompts (`bot.core.listen`);
      the ask feature sets it.
    """

    settings: Settings
    db: Database
    knowledge: Knowledge
    router: Router
    scheduler: Scheduler
    clock: Clock = field(default_factory=SystemClock)
    ports: dict[str, ChatPort] = field(default_factory=dict)
    home_sections: list[HomeSection] = field(default_factory=list)
    digest_sections: list[DigestSection] = field(default_factory=list)
    inflight: Inflight = field(default_factory=Inflight)
    listening: Listening = field(default_factory=NotListening)
    features: Features = field(init=False)

    def close(self) -> None:
        self.db.dispose()


def build_services(settings: Settings) -> Services:
    """Every shared service, then each feature's `register(services)`: commands, actions and jobs."""
    settings.ensure_dirs()
    db = Database(settings).migrate()  # the schema first: features and edges assume it is current
    services = Services(
        settings=settings,
        db=db,
        knowledge=Knowledge(settings),
        router=Router(language=settings.language),
        scheduler=Scheduler(db),
        clock=clock_from_spec(settings.clock),
    )
    services.features = Features(
        ask=ask.register(services),
        pulse=pulse.register(services),
        digest=digest.register(services),
        sources=sources.register(services),
        gaps=gaps.register(services),
    )
    trust.register(services)
    dashboard.register(services)
    expert.register(services)  # after ask: it adds to the answer cards
    for language in LANGUAGES:  # read the catalogs now (~50-80 ms), not on the first message in each language
        translator(language)
    return services
