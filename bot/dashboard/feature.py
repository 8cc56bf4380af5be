"""The `dashboard` command: an evangelist gets a single-use sign-in link, privately.

On Slack `/cx dashboard` answers ephemerally; in a direct message (Slack, Teams, the console) the reply
is private anyway. Asked in a channel by a mention, the link is not posted: whoever reads the channel
could use it first.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from bot.core.model import Inbound, Text, User
from bot.core.privacy import hash_user
from bot.core.router import Turn
from bot.dashboard import PREFIX
from bot.dashboard.sessions import LINK_TTL, Sessions, Who
from bot.i18n import N_
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.app import Services

log = logging.getLogger(__name__)

NOT_ALLOWED = N_("Sorry, the dashboard is for CX evangelists. If you need access, please ask your CX team.")
NOT_HERE = N_("I won't post a sign-in link where others can read it. Ask me with `/cx dashboard`, "
              "or write `dashboard` to me in a direct message.")
LINK = N_("Your sign-in link to the CX dashboard (it works once, for {minutes} minutes; don't share it):\n{url}")
SUMMARY = N_("Get a sign-in link to the CX dashboard (CX evangelists).")


ADMIN = "admin"  # the platform of a link printed by `cxbot dashboard link` for an id without one


def user_hash(settings: Settings, platform: str, user_id: str) -> str:
    return hash_user(settings.hash_key.get_secret_value(), platform, user_id, "dashboard")


def link_for(settings: Settings, sessions: Sessions, who: Who) -> str:
    """A fresh single-use sign-in URL for `who` under `CXBOT_PUBLIC_URL`."""
    return f"{settings.base_url}{PREFIX}/login/{sessions.issue_link(who)}"


def private(inbound: Inbound) -> bool:
    return inbound.private or inbound.conversation.kind == "dm"


class DashboardCommand:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.sessions = Sessions(services.db, services.settings.hash_key.get_secret_value())

    def is_evangelist(self, user: User) -> bool:
        return self.services.features.pulse.is_evangelist(user)

    async def dashboard(self, turn: Turn) -> None:
        user, t = turn.inbound.user, turn.t
        if not self.is_evangelist(user):
            await turn.reply(Text(t.gettext(NOT_ALLOWED)))
            return
        if not private(turn.inbound):
            await turn.reply(Text(t.gettext(NOT_HERE)))
            return
        settings = self.services.settings
        who = Who(user_hash(settings, user.platform, user.id), user.platform, user.name)
        url = await asyncio.to_thread(link_for, settings, self.sessions, who)
        minutes = int(LINK_TTL.total_seconds() // 60)
        log.info("dashboard link issued", extra={"platform": user.platform})
        await turn.reply(Text(t.gettext(LINK).format(minutes=minutes, url=url)))


def register(services: Services) -> DashboardCommand:
    command = DashboardCommand(services)
    services.router.add_command("dashboard", command.dashboard, usage="dashboard", summary=SUMMARY)
    return command
