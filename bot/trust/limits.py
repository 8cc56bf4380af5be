"""Per-user question rate limit, counted in the shared question log so every replica agrees."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, func, select

from bot.ask.store import AskedQuestion
from bot.db.engine import Database
from bot.i18n import N_
from bot.settings import Settings

RATE_LIMITED = N_("You're asking faster than I can look things up 🙂 Please wait a minute, then ask again.")

# Built once (asked before every question): bound values, so the compiled statement is reused.
_ASKED_SINCE = (
    select(func.count()).select_from(AskedQuestion)
    .where(AskedQuestion.user_hash == bindparam("user_hash"), AskedQuestion.asked_at >= bindparam("since"))
)


def over_rate_limit(db: Database, settings: Settings, user_hash: str, now: datetime | None = None) -> bool:
    """True when this user already asked `CXBOT_ASK_RATE_LIMIT` questions in the current window."""
    if settings.ask_rate_limit <= 0:
        return False
    since = (now or datetime.now(UTC)) - timedelta(seconds=settings.ask_rate_window)
    with db.engine.connect() as conn:
        count = conn.execute(_ASKED_SINCE, {"user_hash": user_hash, "since": since}).scalar()
    return int(count or 0) >= settings.ask_rate_limit
