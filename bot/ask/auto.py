"""`auto on|off`: a channel where every top-level question is answered in a thread (evangelists only)."""

from __future__ import annotations

import asyncio

from bot.ask.threads import AutoChannels
from bot.core.model import Text
from bot.core.privacy import hash_user
from bot.core.router import Turn
from bot.i18n import N_
from bot.settings import Settings
from bot.trust.roles import is_evangelist

# Platforms whose adapter sees a channel's unaddressed messages (Teams delivers only mentions to bots).
AUTO_PLATFORMS = frozenset({"slack"})

USAGE = N_("Usage: `auto on` or `auto off` in the channel (CX evangelists), `auto` to see the current mode.")
NOT_ALLOWED = N_("Sorry, only CX evangelists can switch auto-answer on or off.")
CHANNELS_ONLY = N_("Auto-answer works in Slack channels only (write the command in the channel).")
IS_ON = N_("Auto-answer is on here: I answer every question in a thread, and stay silent when I don't know.")
IS_OFF = N_("Auto-answer is off here: mention me or use `/cx` to ask.")
TURNED_ON = N_("Auto-answer is now on: I'll answer every question in this channel in a thread, and stay "
               "silent when our knowledge doesn't cover it. Invite me to the channel if I'm not in it yet.")
TURNED_OFF = N_("Auto-answer is now off: mention me or use `/cx` to ask.")


class AutoCommand:
    def __init__(self, settings: Settings, channels: AutoChannels) -> None:
        self.settings = settings
        self.channels = channels

    async def run(self, turn: Turn) -> None:
        """`auto on`, `auto off`: switch the channel's auto-answer mode; `auto`: say what it is."""
        word = turn.args.strip().lower()
        t = turn.t
        conv = turn.inbound.conversation
        if word not in ("", "on", "off"):
            await turn.reply(Text(t.gettext(USAGE)))
            return
        if conv.kind == "dm" or conv.platform not in AUTO_PLATFORMS:
            await turn.reply(Text(t.gettext(CHANNELS_ONLY)))
            return
        if not word:
            on = await asyncio.to_thread(self.channels.enabled, conv)
            await turn.reply(Text(t.gettext(IS_ON if on else IS_OFF)))
            return
        user = turn.inbound.user
        if not is_evangelist(self.settings, user):
            await turn.reply(Text(t.gettext(NOT_ALLOWED)))
            return
        by = hash_user(self.settings.hash_key.get_secret_value(), user.platform, user.id, "auto-answer")
        await asyncio.to_thread(self.channels.set, conv, word == "on", by)
        done = TURNED_ON if word == "on" else TURNED_OFF
        await turn.reply(Text(t.gettext(done)))
