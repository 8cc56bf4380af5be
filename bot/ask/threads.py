"""What the ask feature keeps about conversations: threads it answered, and auto-answer channels.

Both live in the database (migration `ask_threads_0001`), so every replica sees the same: a follow-up
delivered to another replica than the answer still finds its thread, and `auto on` holds everywhere.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import DateTime, String, delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.model import Conversation
from bot.db.base import Base
from bot.db.engine import Database

THREAD_TTL = timedelta(days=30)


class AnsweredThread(Base):
    """Table `ask_threads`: a thread the bot answered in (conversation key and thread id)."""

    __tablename__ = "ask_threads"

    conversation: Mapped[str] = mapped_column(String(255), primary_key=True)
    thread: Mapped[str] = mapped_column(String(255), primary_key=True)
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class AutoChannel(Base):
    """Table `ask_auto_channels`: a channel whose every top-level question is answered."""

    __tablename__ = "ask_auto_channels"

    conversation: Mapped[str] = mapped_column(String(255), primary_key=True)
    enabled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    enabled_by: Mapped[str] = mapped_column(String(64))  # the evangelist's hashed id


_REMEMBER = insert(AnsweredThread)
_AUTO = select(AutoChannel.conversation)


class AnsweredThreads:
    """Threads the bot answered in, forgotten `ttl` after the first answer."""

    def __init__(self, db: Database, ttl: timedelta = THREAD_TTL) -> None:
        self.db = db
        self.ttl = ttl

    def remember(self, conversation: Conversation) -> None:
        if not conversation.thread:
            return
        try:
            with self.db.engine.begin() as conn:
                conn.execute(_REMEMBER, {"conversation": conversation.key()[:255],
                                         "thread": conversation.thread[:255], "answered_at": datetime.now(UTC)})
        except IntegrityError:  # answered there before: already known
            pass

    def known(self, conversation: Conversation) -> bool:
        """Whether the bot answered in this conversation's thread (within the TTL)."""
        if not conversation.thread:
            return False
        since = datetime.now(UTC) - self.ttl
        query = select(AnsweredThread.thread).where(
            AnsweredThread.conversation == conversation.key()[:255],
            AnsweredThread.thread == conversation.thread[:255], AnsweredThread.answered_at >= since)
        with self.db.engine.connect() as conn:
            return conn.execute(query).first() is not None

    def purge(self, now: datetime | None = None) -> int:
        before = (now or datetime.now(UTC)) - self.ttl
        with self.db.session() as s, s.begin():
            result = s.execute(delete(AnsweredThread).where(AnsweredThread.answered_at < before))
            return int(getattr(result, "rowcount", 0))


class AutoChannels:
    """Channels in auto-answer mode (`auto on` / `auto off`)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def enabled(self, conversation: Conversation) -> bool:
        with self.db.engine.connect() as conn:
            return conn.execute(_AUTO.where(AutoChannel.conversation == conversation.key()[:255])).first() is not None

    def set(self, conversation: Conversation, on: bool, by: str = "") -> bool:
        """Switch auto-answer on or off; False when it already was so."""
        key = conversation.key()[:255]
        try:
            with self.db.session() as s, s.begin():
                if not on:
                    result = s.execute(delete(AutoChannel).where(AutoChannel.conversation == key))
                    return bool(getattr(result, "rowcount", 0))
                if s.get(AutoChannel, key) is not None:
                    return False
                s.add(AutoChannel(conversation=key, enabled_at=datetime.now(UTC), enabled_by=by[:64]))
        except IntegrityError:  # switched on at the same moment elsewhere
            return False
        return True
