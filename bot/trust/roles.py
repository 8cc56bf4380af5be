"""Who may run the commands that change things for everyone (pulses, auto-answer channels)."""

from __future__ import annotations

from bot.core.model import User
from bot.settings import Settings


def is_evangelist(settings: Settings, user: User) -> bool:
    """Evangelists are configured by user id or group id (`CXBOT_EVANGELISTS`); with none configured,
    only the local console."""
    ids = settings.evangelist_ids
    if not ids:
        return user.platform == "console"
    return user.id in ids or any(g in ids for g in user.groups)
