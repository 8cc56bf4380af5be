"""What the gaps page keeps: "addressed" marks with their questions' re-asked outcome, and question vectors.

A mark points at the logged questions (`asked_questions`) with a cascading foreign key: when the log
forgets a person or purges old questions, their part of a mark goes too. Vectors are keyed by the model
and a hash of the text (never the text) and dropped once older than the longest window the page reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, LargeBinary, String, delete, select, update
from sqlalchemy.orm import Mapped, mapped_column

from bot.ask.store import AskedQuestion
from bot.db.base import Base
from bot.db.engine import Database


class GapMark(Base):
    __tablename__ = "gap_marks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    marked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    index_version: Mapped[str] = mapped_column(String(64))  # the index when marked: re-ask after it changes
    checked_version: Mapped[str | None] = mapped_column(String(64), nullable=True)
    checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class GapMarkQuestion(Base):
    __tablename__ = "gap_mark_questions"

    mark_id: Mapped[int] = mapped_column(ForeignKey("gap_marks.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[str] = mapped_column(
        ForeignKey("asked_questions.id", ondelete="CASCADE"), primary_key=True, index=True)
    answered: Mapped[bool | None] = mapped_column(Boolean, nullable=True)


class GapVector(Base):
    __tablename__ = "gap_vectors"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    vec: Mapped[bytes] = mapped_column(LargeBinary)
    made_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


@dataclass(frozen=True)
class Mark:
    """A group marked addressed: its questions and, once an ingest followed, whether each is answered now."""

    id: int
    marked_at: datetime
    index_version: str
    checked_version: str | None
    checked_at: datetime | None
    answered: dict[str, bool | None]  # question id -> answered on the last re-ask (None: not yet re-asked)


class GapStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def mark(self, question_ids: list[str], index_version: str, now: datetime) -> int | None:
        """Mark these logged questions addressed (ids not in the log are ignored); None if none is."""
        with self.db.session() as s, s.begin():
            known = list(s.scalars(select(AskedQuestion.id).where(AskedQuestion.id.in_(question_ids))))
            if not known:
                return None
            mark = GapMark(marked_at=now, index_version=index_version)
            s.add(mark)
            s.flush()
            s.add_all(GapMarkQuestion(mark_id=mark.id, question_id=q) for q in dict.fromkeys(known))
            return mark.id

    def marks(self) -> list[Mark]:
        with self.db.session() as s:
            rows = s.execute(select(GapMark, GapMarkQuestion.question_id, GapMarkQuestion.answered)
                             .join(GapMarkQuestion, GapMarkQuestion.mark_id == GapMark.id)
                             .order_by(GapMark.id)).all()
        out: dict[int, Mark] = {}
        for m, qid, answered in rows:
            mark = out.setdefault(m.id, Mark(m.id, m.marked_at, m.index_version, m.checked_version,
                                             m.checked_at, {}))
            mark.answered[qid] = answered
        return list(out.values())

    def unmark(self, mark_id: int) -> bool:
        with self.db.session() as s, s.begin():
            return bool(getattr(s.execute(delete(GapMark).where(GapMark.id == mark_id)), "rowcount", 0))

    def prune_marks(self) -> int:
        """Drop marks whose questions the log has all purged or forgotten."""
        held = select(GapMarkQuestion.mark_id)
        with self.db.session() as s, s.begin():
            return int(getattr(s.execute(delete(GapMark).where(GapMark.id.not_in(held))), "rowcount", 0))

    def claim_recheck(self, mark_id: int, version: str) -> bool:
        """Take a mark's re-ask for this index version (compare-and-set: one replica does it)."""
        with self.db.session() as s, s.begin():
            result = s.execute(update(GapMark).where(
                GapMark.id == mark_id, GapMark.index_version != version,
                (GapMark.checked_version.is_(None)) | (GapMark.checked_version != version),
            ).values(checked_version=version, checked_at=None))
            return getattr(result, "rowcount", 0) == 1

    def save_recheck(self, mark_id: int, answered: dict[str, bool], now: datetime) -> None:
        with self.db.session() as s, s.begin():
            for qid, ok in answered.items():
                s.execute(update(GapMarkQuestion).where(
                    GapMarkQuestion.mark_id == mark_id, GapMarkQuestion.question_id == qid).values(answered=ok))
            s.execute(update(GapMark).where(GapMark.id == mark_id).values(checked_at=now))

    def questions(self, ids: list[str]) -> dict[str, str]:
        """The text of logged questions by id (for re-asking)."""
        with self.db.session() as s:
            return dict(s.execute(select(AskedQuestion.id, AskedQuestion.question)
                                  .where(AskedQuestion.id.in_(ids))).tuples().all())

    def vectors(self, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with self.db.session() as s:
            for i in range(0, len(keys), 500):
                rows = s.execute(select(GapVector.key, GapVector.vec).where(GapVector.key.in_(keys[i:i + 500])))
                found.update((k, np.frombuffer(v, dtype=np.float32)) for k, v in rows)
        return found

    def put_vectors(self, rows: dict[str, np.ndarray], now: datetime) -> None:
        if not rows:
            return
        with self.db.session() as s, s.begin():
            have = set(s.scalars(select(GapVector.key).where(GapVector.key.in_(list(rows)))))
            s.add_all(GapVector(key=k, vec=v.astype(np.float32).tobytes(), made_at=now)
                      for k, v in rows.items() if k not in have)

    def prune_vectors(self, before: datetime) -> int:
        with self.db.session() as s, s.begin():
            return int(getattr(s.execute(delete(GapVector).where(GapVector.made_at < before)), "rowcount", 0))
