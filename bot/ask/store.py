"""The questions people asked, with the user hashed: feedback and knowledge-gap reports read them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import Boolean, DateTime, SmallInteger, String, Text, delete, func, insert, select, update
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base
from bot.db.engine import Database


class AskedQuestion(Base):
    __tablename__ = "asked_questions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    platform: Mapped[str] = mapped_column(String(16))
    conversation: Mapped[str] = mapped_column(String(255), index=True)
    user_hash: Mapped[str] = mapped_column(String(64), index=True)
    question: Mapped[str] = mapped_column(Text)
    answered: Mapped[bool] = mapped_column(Boolean)
    top_source: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    feedback: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)


_RECORD = insert(AskedQuestion)  # built once: one per question asked, a quarter of the ORM's cost


class QuestionLog:
    def __init__(self, db: Database) -> None:
        self.db = db

    def record(
        self, *, platform: str, conversation: str, user_hash: str, question: str, answered: bool,
        top_source: str | None,
    ) -> str:
        qid = uuid.uuid4().hex
        with self.db.engine.begin() as conn:
            conn.execute(_RECORD, {
                "id": qid, "asked_at": datetime.now(UTC), "platform": platform, "conversation": conversation,
                "user_hash": user_hash, "question": question, "answered": answered, "top_source": top_source,
            })
        return qid

    def feedback(self, qid: str, value: int) -> bool:
        with self.db.session() as s, s.begin():
            result = s.execute(update(AskedQuestion).where(AskedQuestion.id == qid).values(feedback=value))
            return bool(getattr(result, "rowcount", 0))

    def get(self, qid: str) -> AskedQuestion | None:
        with self.db.session() as s:
            return s.get(AskedQuestion, qid)

    def gaps(self, since: datetime, until: datetime, conversation: str | None = None) -> list[AskedQuestion]:
        """Unanswered or thumbs-down questions in a time window (for digests)."""
        with self.db.session() as s:
            q = select(AskedQuestion).where(
                AskedQuestion.asked_at >= since, AskedQuestion.asked_at < until,
                (AskedQuestion.answered.is_(False)) | (AskedQuestion.feedback == -1),
            )
            if conversation:
                q = q.where(AskedQuestion.conversation == conversation)
            return list(s.scalars(q.order_by(AskedQuestion.asked_at)))

    def most_asked(self, since: datetime, limit: int = 20, min_askers: int = 2) -> list[tuple[str, str | None]]:
        """Answered questions asked by at least `min_askers` people since `since`, most askers first:
        (the question as first worded, the source it was answered from). Case is ignored."""
        key = func.lower(AskedQuestion.question)
        askers = func.count(func.distinct(AskedQuestion.user_hash))
        query = (
            select(func.min(AskedQuestion.question), func.max(AskedQuestion.top_source))
            .where(AskedQuestion.asked_at >= since, AskedQuestion.answered.is_(True))
            .group_by(key).having(askers >= min_askers).order_by(askers.desc(), key).limit(limit)
        )
        with self.db.engine.connect() as conn:
            return [(str(q), s) for q, s in conn.execute(query)]

    def purge(self, before: datetime) -> int:
        with self.db.session() as s, s.begin():
            result = s.execute(delete(AskedQuestion).where(AskedQuestion.asked_at < before))
            return int(getattr(result, "rowcount", 0))

    def forget(self, user_hash: str) -> int:
        with self.db.session() as s, s.begin():
            result = s.execute(delete(AskedQuestion).where(AskedQuestion.user_hash == user_hash))
            return int(getattr(result, "rowcount", 0))
