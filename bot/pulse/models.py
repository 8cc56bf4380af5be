"""The pulse tables: pulses, their anonymous votes, and recurring pulse schedules."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.model import Conversation, MessageRef, Platform
from bot.db.base import Base
from bot.schedule.clock import utc

OPEN, CLOSING, CLOSED = "open", "closing", "closed"


class Where:
    """Columns naming the conversation a pulse or schedule lives in."""

    platform: Mapped[str] = mapped_column(String(16))
    conversation_id: Mapped[str] = mapped_column(String(255))
    conversation_kind: Mapped[str] = mapped_column(String(16))
    team: Mapped[str | None] = mapped_column(String(255), nullable=True)
    conversation_key: Mapped[str] = mapped_column(String(300), index=True)

    @property
    def conversation(self) -> Conversation:
        platform: Platform = self.platform  # type: ignore[assignment]
        return Conversation(platform, self.conversation_id, self.conversation_kind, None, self.team)  # type: ignore[arg-type]

    @staticmethod
    def columns(conv: Conversation) -> dict[str, str | None]:
        return {
            "platform": conv.platform, "conversation_id": conv.id, "conversation_kind": conv.kind,
            "team": conv.team, "conversation_key": conv.key(),
        }


class Pulse(Where, Base):
    """One pulse check: the statements (copied from the template at start), where its card is, when it closes."""

    __tablename__ = "pulses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    template: Mapped[str] = mapped_column(String(64), index=True)
    lang: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(255))
    statements_json: Mapped[str] = mapped_column(Text)
    n_statements: Mapped[int] = mapped_column(SmallInteger)
    scale_min: Mapped[int] = mapped_column(SmallInteger)
    scale_max: Mapped[int] = mapped_column(SmallInteger)
    message_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    status: Mapped[str] = mapped_column(String(16), index=True, default=OPEN)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    remind_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)
    creator_hash: Mapped[str] = mapped_column(String(64))
    schedule_id: Mapped[int | None] = mapped_column(Integer, nullable=True)

    @property
    def statements(self) -> list[str]:
        items: list[str] = json.loads(self.statements_json)
        return items

    @property
    def ref(self) -> MessageRef | None:
        return MessageRef(self.conversation, self.message_id) if self.message_id else None

    @property
    def is_open(self) -> bool:
        return self.status == OPEN and utc(self.closes_at) > datetime.now(UTC)


class PulseVote(Base):
    """One person's score for one statement; the person is only a per-pulse keyed hash."""

    __tablename__ = "pulse_votes"

    pulse_id: Mapped[int] = mapped_column(ForeignKey("pulses.id", ondelete="CASCADE"), primary_key=True)
    statement: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    voter_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    score: Mapped[int] = mapped_column(SmallInteger)
    voted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PulseSchedule(Where, Base):
    """A recurring pulse: which template, how often, for how long, where; `next_run_at` is claimed by tickers."""

    __tablename__ = "pulse_schedules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    template: Mapped[str] = mapped_column(String(64))
    lang: Mapped[str] = mapped_column(String(8))
    cadence: Mapped[str] = mapped_column(String(16))
    duration_seconds: Mapped[int] = mapped_column(Integer)
    next_run_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    creator_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
