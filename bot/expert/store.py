"""Escalations, expert replies and verified entries in the database (SQLite and PostgreSQL).

Posting is claimed before it happens: the first "Ask an expert" inserts the question's row (its id is
unique), a second finds it and posts nothing. A verified entry's review flag is claimed with a lease,
posted, then marked, as the digest delivers: every replica runs the ticker, each entry is flagged once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from bot.core.model import Conversation, User
from bot.db.engine import Database
from bot.expert.models import ANSWERED, FAILED, OPEN, POSTING, Escalation, ExpertReply, VerifiedEntry


@dataclass(frozen=True)
class Asked:
    """Who asked for an expert, where, and about which question."""

    question_id: str
    question: str
    asker: User
    where: Conversation
    private: bool
    message_id: str | None
    language: str | None = None


STUCK = timedelta(minutes=5)  # a post still "posting" after this was never finished


def _cut(value: str | None, limit: int = 255) -> str | None:
    return value[:limit] if value is not None else None


class ExpertStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _insert(self, table: type[Escalation] | type[ExpertReply], **values: object) -> bool:
        """Insert unless a unique key is taken; True when this call inserted (a row came back)."""
        dialect = postgresql if self.db.engine.dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(table).values(**values).on_conflict_do_nothing().returning(table.id)
        with self.db.engine.begin() as conn:  # Core, not the ORM: RETURNING says whether it inserted
            return conn.execute(stmt).first() is not None

    def claim(self, asked: Asked, collection: str, channel: str, now: datetime) -> Escalation | None:
        """Claim posting this question (None: it was asked for already, or is being posted)."""
        where = asked.where
        values = dict(
            question_id=asked.question_id[:64], platform=where.platform, collection=collection, question=asked.question,
            asker_id=asked.asker.id[:255], asker_name=asked.asker.name[:255], conversation=where.id[:255],
            kind=where.kind, thread=_cut(where.thread), team=_cut(where.team), private=asked.private,
            message_id=_cut(asked.message_id),
            expert_channel=channel, status=POSTING, created_at=now, language=asked.language,
        )
        if not self._insert(Escalation, **values):
            stuck = and_(Escalation.status == POSTING, Escalation.created_at < now - STUCK)  # its poster died
            with self.db.session() as s, s.begin():  # a failed post may be tried again
                taken = s.execute(update(Escalation).where(
                    Escalation.question_id == asked.question_id, or_(Escalation.status == FAILED, stuck),
                ).values(**values).execution_options(synchronize_session=False))
                if not getattr(taken, "rowcount", 0):
                    return None
        return self.by_question(asked.question_id)

    def by_question(self, question_id: str) -> Escalation | None:
        with self.db.session() as s:
            return s.scalars(select(Escalation).where(Escalation.question_id == question_id)).first()

    def posted(self, escalation_id: int, thread: str | None) -> None:
        with self.db.session() as s, s.begin():
            s.execute(update(Escalation).where(Escalation.id == escalation_id)
                      .values(status=OPEN if thread else FAILED, expert_thread=thread))

    def by_thread(self, platform: str, channel: str, thread: str) -> Escalation | None:
        with self.db.session() as s:
            return s.scalars(select(Escalation).where(
                Escalation.expert_thread == thread, Escalation.platform == platform,
                Escalation.expert_channel == channel)).first()

    def add_reply(self, esc: Escalation, message_id: str, author: User, text: str, now: datetime) -> ExpertReply | None:
        """Record a reply in the thread (None: this message was recorded already)."""
        message_id = message_id[:255]
        if not self._insert(ExpertReply, escalation_id=esc.id, message_id=message_id, author_id=author.id[:255],
                            author_name=author.name[:255], text=text, at=now):
            return None
        with self.db.session() as s, s.begin():
            s.execute(update(Escalation).where(Escalation.id == esc.id).values(status=ANSWERED, answered_at=now))
            return s.scalars(select(ExpertReply).where(
                ExpertReply.escalation_id == esc.id, ExpertReply.message_id == message_id)).first()

    def reply(self, reply_id: int) -> tuple[ExpertReply, Escalation] | None:
        with self.db.session() as s:
            row = s.get(ExpertReply, reply_id)
            esc = s.get(Escalation, row.escalation_id) if row is not None else None
            return (row, esc) if row is not None and esc is not None else None

    # ------------------------------------------------------------ verified entries

    def add_verified(self, entry: VerifiedEntry) -> VerifiedEntry | None:
        """Store a verified entry (None: this reply was saved already)."""
        try:
            with self.db.session() as s, s.begin():
                s.add(entry)
        except IntegrityError:
            return None
        return entry

    def set_path(self, entry_id: int, path: str) -> None:
        with self.db.session() as s, s.begin():
            s.execute(update(VerifiedEntry).where(VerifiedEntry.id == entry_id).values(path=path))

    def drop_verified(self, entry_id: int) -> None:
        with self.db.session() as s, s.begin():
            s.execute(delete(VerifiedEntry).where(VerifiedEntry.id == entry_id))

    def verified(self) -> list[VerifiedEntry]:
        with self.db.session() as s:
            return list(s.scalars(select(VerifiedEntry).order_by(VerifiedEntry.review_at)))

    def claim_due(self, now: datetime, wall: datetime, owner: str, lease: float) -> VerifiedEntry | None:
        """Claim one entry past its review date and not yet flagged (a lease: a dead claimer's runs out)."""
        with self.db.session() as s, s.begin():
            free = or_(VerifiedEntry.claim_until.is_(None), VerifiedEntry.claim_until < wall)
            due = and_(VerifiedEntry.review_at <= now, VerifiedEntry.flagged_at.is_(None), free)
            entry = s.scalars(select(VerifiedEntry).where(due).order_by(VerifiedEntry.review_at).limit(1)).first()
            if entry is None:
                return None
            taken = s.execute(update(VerifiedEntry).where(VerifiedEntry.id == entry.id, due).values(
                claim_owner=owner, claim_until=wall + timedelta(seconds=lease)
            ).execution_options(synchronize_session=False))
            if not getattr(taken, "rowcount", 0):
                return None
        return entry

    def flagged(self, entry_id: int, owner: str, at: datetime) -> bool:
        with self.db.session() as s, s.begin():
            done = s.execute(update(VerifiedEntry).where(
                VerifiedEntry.id == entry_id, VerifiedEntry.claim_owner == owner).values(flagged_at=at))
            return bool(getattr(done, "rowcount", 0))

    def release(self, entry_id: int, owner: str, *, retry_at: datetime | None = None,
                review_at: datetime | None = None) -> None:
        """Give up a claim: try again at `retry_at`, or (the file's date moved) wait for the new `review_at`."""
        values: dict[str, object] = {"claim_owner": None, "claim_until": retry_at}
        if review_at is not None:
            values["review_at"] = review_at
        with self.db.session() as s, s.begin():
            s.execute(update(VerifiedEntry).where(
                VerifiedEntry.id == entry_id, VerifiedEntry.claim_owner == owner).values(**values))

    def purge(self, before: datetime) -> int:
        """Delete escalations (and their replies) asked before `before`: kept as long as questions are."""
        with self.db.session() as s, s.begin():
            gone = s.execute(delete(Escalation).where(Escalation.created_at < before))
            return int(getattr(gone, "rowcount", 0))

    def forget(self, platform: str, user_id: str) -> int:
        """Delete the escalations one person asked for, and the replies they wrote (`cxbot forget`)."""
        with self.db.session() as s, s.begin():
            gone = s.execute(delete(Escalation).where(Escalation.platform == platform, Escalation.asker_id == user_id))
            s.execute(delete(ExpertReply).where(ExpertReply.author_id == user_id))
            return int(getattr(gone, "rowcount", 0))
