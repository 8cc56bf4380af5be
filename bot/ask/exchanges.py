"""Thread history: the questions cxbot answered in a thread, and its answers, kept for follow-ups.

Every platform with threads shares it (a Slack thread, a Teams channel reply chain): when cxbot answers in
a thread it keeps the exchange here, and a later question in the same thread carries the earlier
exchanges as its history. Teams offers no way to read a reply chain back without extra Graph permissions,
so this is where its history comes from; on Slack the stored exchanges come before what the adapter read
from the thread, because they hold cxbot's answers too. (`AnsweredThreads` in `bot.ask.threads` only
says *that* cxbot answered in a thread.) Conversations without a thread keep nothing.

Rows hold the question text: they expire like asked questions, and `cxbot forget` deletes a person's.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import DateTime, Index, Integer, String, Text, delete, insert, select
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.model import Conversation, Exchange
from bot.db.base import Base
from bot.db.engine import Database

KEEP = timedelta(days=30)
MAX_HISTORY = 5  # earlier exchanges a follow-up carries
MAX_CHARS = 4000  # of each question and answer kept


class ThreadExchange(Base):
    """Table `ask_thread_exchanges` (core migration core_0003)."""

    __tablename__ = "ask_thread_exchanges"
    __table_args__ = (Index("ix_ask_thread_exchanges_thread", "platform", "conversation", "thread"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(16))
    conversation: Mapped[str] = mapped_column(String(255))
    thread: Mapped[str] = mapped_column(String(255))
    user_hash: Mapped[str] = mapped_column(String(64), index=True)
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)


_KEEP = insert(ThreadExchange)


class ThreadHistory:
    """Keeps and reads the exchanges of threads (SQLite and PostgreSQL)."""

    def __init__(self, db: Database, keep: timedelta = KEEP) -> None:
        self.db = db
        self.keep = keep

    def remember(self, conversation: Conversation, user_hash: str, question: str, answer: str) -> bool:
        """Keep one exchange of a thread; False (nothing kept) where the conversation has no thread."""
        if not conversation.thread:
            return False
        with self.db.engine.begin() as conn:
            conn.execute(_KEEP, {
                "platform": conversation.platform, "conversation": conversation.id[:255],
                "thread": conversation.thread[:255], "user_hash": user_hash, "asked_at": datetime.now(UTC),
                "question": question[:MAX_CHARS], "answer": answer[:MAX_CHARS],
            })
        return True

    def history(self, conversation: Conversation, limit: int = MAX_HISTORY) -> tuple[Exchange, ...]:
        """The thread's latest `limit` exchanges, oldest first (none without a thread)."""
        if not conversation.thread:
            return ()
        since = datetime.now(UTC) - self.keep
        q = (select(ThreadExchange.question, ThreadExchange.answer)
             .where(ThreadExchange.platform == conversation.platform,
                    ThreadExchange.conversation == conversation.id[:255],
                    ThreadExchange.thread == conversation.thread[:255], ThreadExchange.asked_at >= since)
             .order_by(ThreadExchange.id.desc()).limit(limit))
        with self.db.engine.connect() as conn:
            rows = conn.execute(q).all()
        return tuple(Exchange(question, answer) for question, answer in reversed(rows))

    def purge(self, now: datetime | None = None) -> int:
        """Forget exchanges older than the keep time (idempotent: safe on every replica)."""
        before = (now or datetime.now(UTC)) - self.keep
        with self.db.engine.begin() as conn:
            result = conn.execute(delete(ThreadExchange).where(ThreadExchange.asked_at < before))
            return int(getattr(result, "rowcount", 0))

    def forget(self, user_hash: str) -> int:
        """Delete the exchanges one person started (`cxbot forget`)."""
        with self.db.engine.begin() as conn:
            result = conn.execute(delete(ThreadExchange).where(ThreadExchange.user_hash == user_hash))
            return int(getattr(result, "rowcount", 0))
