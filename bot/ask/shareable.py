"""Private answers kept for a day, so "Share in channel" posts publicly what the asker saw.

A click does not always come with the message it was on (Slack sends nothing of an ephemeral
message), so the ask feature keeps every private answer here, keyed by its question id, until it is a
day old. Sharing rebuilds the same card from the kept answer.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import DateTime, String, Text, delete
from sqlalchemy.orm import Mapped, mapped_column

from bot.ask.answer import Answer, Source
from bot.core.model import Conversation
from bot.db.base import Base
from bot.db.engine import Database

TTL = timedelta(days=1)


class ShareableAnswer(Base):
    """Table `ask_shareable_answers` (core migration core_0002)."""

    __tablename__ = "ask_shareable_answers"

    question_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    platform: Mapped[str] = mapped_column(String(16))
    conversation: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))
    thread: Mapped[str | None] = mapped_column(String(255), nullable=True)
    team: Mapped[str | None] = mapped_column(String(255), nullable=True)
    user_id: Mapped[str] = mapped_column(String(255))
    answer: Mapped[str] = mapped_column(Text)


@dataclass(frozen=True)
class Kept:
    """A private answer and where, and by whom, it was asked."""

    conversation: Conversation
    user_id: str
    answer: Answer


class ShareableAnswers:
    def __init__(self, db: Database, ttl: timedelta = TTL) -> None:
        self.db = db
        self.ttl = ttl

    def save(self, question_id: str, conversation: Conversation, user_id: str, answer: Answer) -> None:
        with self.db.session() as s, s.begin():
            s.merge(ShareableAnswer(
                question_id=question_id[:64], created_at=datetime.now(UTC), platform=conversation.platform,
                conversation=conversation.id, kind=conversation.kind, thread=conversation.thread,
                team=conversation.team, user_id=user_id, answer=json.dumps(asdict(answer)),
            ))

    def get(self, question_id: str) -> Kept | None:
        with self.db.session() as s:
            row = s.get(ShareableAnswer, question_id[:64])
            if row is None:
                return None
            data = json.loads(row.answer)
            answer = Answer(**{**data, "sources": [Source(**src) for src in data["sources"]]})
            where = Conversation(row.platform, row.conversation, row.kind, row.thread, row.team)  # type: ignore[arg-type]
            return Kept(where, row.user_id, answer)

    def purge(self, now: datetime | None = None) -> int:
        """Forget answers older than the TTL (idempotent: safe on every replica)."""
        before = (now or datetime.now(UTC)) - self.ttl
        with self.db.session() as s, s.begin():
            result = s.execute(delete(ShareableAnswer).where(ShareableAnswer.created_at < before))
            return int(getattr(result, "rowcount", 0))

    def forget(self, platform: str, user_id: str) -> int:
        """Delete the kept answers one person asked (`cxbot forget`)."""
        with self.db.session() as s, s.begin():
            result = s.execute(delete(ShareableAnswer).where(
                ShareableAnswer.platform == platform, ShareableAnswer.user_id == user_id))
            return int(getattr(result, "rowcount", 0))
