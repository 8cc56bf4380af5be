"""Private (`/cx`) answers kept for a day, so "Share in channel" posts exactly what the asker saw.

Slack does not send the content of an ephemeral message with a button click, so the rendered
blocks are stored here when the answer is shown, keyed by the question id on the button.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, String, Text, delete
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base
from bot.db.engine import Database

TTL = timedelta(days=1)


class PrivateAnswer(Base):
    __tablename__ = "slack_private_answers"

    question_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    channel: Mapped[str] = mapped_column(String(64))
    thread: Mapped[str | None] = mapped_column(String(64), nullable=True)
    user_id: Mapped[str] = mapped_column(String(64))
    blocks: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)


@dataclass(frozen=True)
class Shareable:
    """A stored private answer: where it was asked and its Block Kit blocks (without the share button)."""

    channel: str
    thread: str | None
    user_id: str
    blocks: list[dict[str, Any]]
    text: str


class PrivateAnswers:
    def __init__(self, db: Database, ttl: timedelta = TTL) -> None:
        self.db = db
        self.ttl = ttl

    def save(self, question_id: str, item: Shareable) -> None:
        with self.db.session() as s, s.begin():
            s.merge(PrivateAnswer(
                question_id=question_id[:64], created_at=datetime.now(UTC), channel=item.channel,
                thread=item.thread, user_id=item.user_id, blocks=json.dumps(item.blocks), text=item.text,
            ))

    def get(self, question_id: str) -> Shareable | None:
        with self.db.session() as s:
            row = s.get(PrivateAnswer, question_id[:64])
            if row is None:
                return None
            return Shareable(row.channel, row.thread, row.user_id, json.loads(row.blocks), row.text)

    def purge(self, now: datetime | None = None) -> int:
        before = (now or datetime.now(UTC)) - self.ttl
        with self.db.session() as s, s.begin():
            result = s.execute(delete(PrivateAnswer).where(PrivateAnswer.created_at < before))
            return int(getattr(result, "rowcount", 0))
