"""The expert feature's tables (migrations expert_0001, expert_0002)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base

POSTING, OPEN, ANSWERED, FAILED = "posting", "open", "answered", "failed"


class Escalation(Base):
    """A question put to a collection's experts: where it was asked, and the thread it was posted as.

    One per asked question (`question_id` is unique): a second "Ask an expert" finds this row.
    """

    __tablename__ = "expert_escalations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    question_id: Mapped[str] = mapped_column(String(64), unique=True)
    platform: Mapped[str] = mapped_column(String(16))
    collection: Mapped[str] = mapped_column(String(64))
    question: Mapped[str] = mapped_column(Text)
    asker_id: Mapped[str] = mapped_column(String(255), index=True)
    asker_name: Mapped[str] = mapped_column(String(255))
    conversation: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))
    thread: Mapped[str | None] = mapped_column(String(255), nullable=True)
    team: Mapped[str | None] = mapped_column(String(255), nullable=True)
    private: Mapped[bool] = mapped_column(Boolean)
    message_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    expert_channel: Mapped[str] = mapped_column(String(255))
    expert_thread: Mapped[str | None] = mapped_column(String(255), nullable=True, index=True)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)  # expert_0002: the asker's


class ExpertReply(Base):
    """A reply in an escalation's thread (once per platform message id)."""

    __tablename__ = "expert_replies"
    __table_args__ = (UniqueConstraint("escalation_id", "message_id", name="uq_expert_replies_escalation_message"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("expert_escalations.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[str] = mapped_column(String(255))
    author_id: Mapped[str] = mapped_column(String(255))
    author_name: Mapped[str] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class VerifiedEntry(Base):
    """An expert's reply saved as a document: where it lives, when it is due for review, and the flag's claim."""

    __tablename__ = "expert_verified"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reply_id: Mapped[int | None] = mapped_column(ForeignKey("expert_replies.id", ondelete="SET NULL"),
                                                 nullable=True, unique=True)
    platform: Mapped[str] = mapped_column(String(16))
    collection: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(1024), unique=True)
    question: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(255))
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    review_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    claim_owner: Mapped[str | None] = mapped_column(String(64), nullable=True)
    claim_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    flagged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
