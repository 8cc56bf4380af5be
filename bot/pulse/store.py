"""Pulse storage. Every state change is one guarded statement, so any number of replicas stay correct.

- Votes: see `bot.pulse.votes` (guarded upserts, group commit).
- A close is claimed with `UPDATE .. WHERE status = 'open'`: only the replica that changed the row posts
  the results. A claim left by a crashed replica is taken over after `STALE_CLAIM`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update

from bot.core.model import Conversation
from bot.db.engine import Database
from bot.pulse.models import CLOSED, CLOSING, OPEN, Pulse, PulseSchedule, PulseVote, Where
from bot.pulse.templates import Template
from bot.pulse.votes import Vote, write_votes

STALE_CLAIM = timedelta(minutes=5)

Tally = dict[int, dict[int, int]]  # statement -> score -> count


class PulseStore:
    """Reads and guarded writes on the pulse tables (synchronous; callers use a thread)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.dialect = db.engine.dialect.name

    def create(
        self, template: Template, lang: str, conv: Conversation, *, closes_at: datetime, creator_hash: str,
        remind_at: datetime | None = None, schedule_id: int | None = None,
    ) -> Pulse:
        pulse = Pulse(
            template=template.id, lang=lang, title=template.title[lang],
            statements_json=json.dumps([s[lang] for s in template.statements], ensure_ascii=False),
            n_statements=len(template.statements), scale_min=template.scale_min, scale_max=template.scale_max,
            status=OPEN, created_at=datetime.now(UTC), closes_at=closes_at, remind_at=remind_at,
            creator_hash=creator_hash, schedule_id=schedule_id, **Where.columns(conv),
        )
        with self.db.session() as s, s.begin():
            s.add(pulse)
        return pulse

    def set_message(self, pulse_id: int, message_id: str) -> None:
        with self.db.session() as s, s.begin():
            s.execute(update(Pulse).where(Pulse.id == pulse_id).values(message_id=message_id))

    def get(self, pulse_id: int) -> Pulse | None:
        with self.db.session() as s:
            return s.get(Pulse, pulse_id)

    def vote(self, vote: Vote, voter_hash: str) -> bool:
        """Store or change one vote if the pulse is open and the vote fits it. True if stored."""
        return write_votes(self.db.engine, [(vote, voter_hash)])[0]

    def participation(self, pulse_id: int) -> int:
        """How many different people have voted on at least one statement."""
        with self.db.session() as s:
            q = select(func.count(func.distinct(PulseVote.voter_hash))).where(PulseVote.pulse_id == pulse_id)
            return int(s.scalar(q) or 0)

    def tally(self, pulse_id: int) -> Tally:
        with self.db.session() as s:
            rows = s.execute(
                select(PulseVote.statement, PulseVote.score, func.count())
                .where(PulseVote.pulse_id == pulse_id)
                .group_by(PulseVote.statement, PulseVote.score)
            )
            out: Tally = {}
            for statement, score, count in rows:
                out.setdefault(int(statement), {})[int(score)] = int(count)
            return out

    def claim_close(self, pulse_id: int, *, due_only: bool) -> bool:
        """Take the close of one pulse (stop accepting votes). True for exactly one caller."""
        now = datetime.now(UTC)
        cond = [Pulse.id == pulse_id, self._claimable(now)]
        if due_only:
            cond.append(Pulse.closes_at <= now)
        with self.db.session() as s, s.begin():
            result = s.execute(update(Pulse).where(*cond).values(status=CLOSING, claimed_at=now))
            return bool(getattr(result, "rowcount", 0))

    @staticmethod
    def _claimable(now: datetime) -> Any:
        return or_(Pulse.status == OPEN, and_(Pulse.status == CLOSING, Pulse.claimed_at < now - STALE_CLAIM))

    def finish_close(self, pulse_id: int) -> None:
        with self.db.session() as s, s.begin():
            s.execute(update(Pulse).where(Pulse.id == pulse_id).values(status=CLOSED, closed_at=datetime.now(UTC)))

    def due(self, limit: int = 50) -> list[Pulse]:
        """Pulses whose close time has passed (or whose close claim went stale)."""
        now = datetime.now(UTC)
        with self.db.session() as s:
            q = select(Pulse).where(Pulse.closes_at <= now, self._claimable(now)).order_by(Pulse.closes_at)
            return list(s.scalars(q.limit(limit)))

    def claim_reminders(self, platforms: tuple[str, ...]) -> list[Pulse]:
        """Open pulses on `platforms` at their reminder time; each is handed out once (remind_at cleared)."""
        now = datetime.now(UTC)
        out = []
        with self.db.session() as s:
            q = select(Pulse).where(Pulse.status == OPEN, Pulse.remind_at <= now, Pulse.closes_at > now,
                                    Pulse.platform.in_(platforms))
            candidates = list(s.scalars(q.limit(50)))
        for pulse in candidates:
            with self.db.session() as s, s.begin():
                won = s.execute(update(Pulse).where(Pulse.id == pulse.id, Pulse.remind_at.is_not(None))
                                .values(remind_at=None))
                if getattr(won, "rowcount", 0):
                    out.append(pulse)
        return out

    def latest_open(self, conversation_key: str) -> Pulse | None:
        with self.db.session() as s:
            q = select(Pulse).where(Pulse.conversation_key == conversation_key, Pulse.status == OPEN)
            return s.scalars(q.order_by(Pulse.id.desc()).limit(1)).first()

    def latest_closed(self, conversation_key: str | None = None, platform: str | None = None) -> Pulse | None:
        with self.db.session() as s:
            q = select(Pulse).where(Pulse.status == CLOSED)
            if conversation_key:
                q = q.where(Pulse.conversation_key == conversation_key)
            if platform:
                q = q.where(Pulse.platform == platform)
            return s.scalars(q.order_by(Pulse.closed_at.desc(), Pulse.id.desc()).limit(1)).first()

    def latest_of(self, platform: str, hashes: Callable[[Pulse], tuple[str, str]], scan: int = 20) -> Pulse | None:
        """The newest closed pulse on `platform` that a person created or voted in.

        `hashes(pulse)` gives that person's creator hash and per-pulse voter hash.
        """
        with self.db.session() as s:
            q = select(Pulse).where(Pulse.status == CLOSED, Pulse.platform == platform)
            for pulse in s.scalars(q.order_by(Pulse.closed_at.desc(), Pulse.id.desc()).limit(scan)):
                creator, voter = hashes(pulse)
                voted = s.scalar(select(PulseVote.score).where(
                    PulseVote.pulse_id == pulse.id, PulseVote.voter_hash == voter).limit(1))
                if pulse.creator_hash == creator or voted is not None:
                    return pulse
        return None

    def previous(self, pulse: Pulse) -> Pulse | None:
        """The last closed pulse before this one with the same template in the same conversation."""
        with self.db.session() as s:
            q = select(Pulse).where(
                Pulse.template == pulse.template, Pulse.conversation_key == pulse.conversation_key,
                Pulse.status == CLOSED, Pulse.id < pulse.id,
            )
            return s.scalars(q.order_by(Pulse.id.desc()).limit(1)).first()

    def recent(self, conversation_key: str, limit: int = 10) -> list[Pulse]:
        with self.db.session() as s:
            q = select(Pulse).where(Pulse.conversation_key == conversation_key)
            return list(s.scalars(q.order_by(Pulse.id.desc()).limit(limit)))

    # ------------------------------------------------------------ schedules

    def add_schedule(self, row: PulseSchedule) -> PulseSchedule:
        with self.db.session() as s, s.begin():
            s.add(row)
        return row

    def schedules(self, conversation_key: str) -> list[PulseSchedule]:
        with self.db.session() as s:
            q = select(PulseSchedule).where(PulseSchedule.conversation_key == conversation_key,
                                            PulseSchedule.active.is_(True))
            return list(s.scalars(q.order_by(PulseSchedule.id)))

    def stop_schedule(self, schedule_id: int, conversation_key: str) -> bool:
        with self.db.session() as s, s.begin():
            result = s.execute(update(PulseSchedule).where(
                PulseSchedule.id == schedule_id, PulseSchedule.conversation_key == conversation_key,
                PulseSchedule.active.is_(True)).values(active=False))
            return bool(getattr(result, "rowcount", 0))

    def due_schedules(self) -> list[PulseSchedule]:
        with self.db.session() as s:
            q = select(PulseSchedule).where(PulseSchedule.active.is_(True),
                                            PulseSchedule.next_run_at <= datetime.now(UTC))
            return list(s.scalars(q.limit(50)))

    def claim_schedule(self, row: PulseSchedule, next_run_at: datetime) -> bool:
        """Move a due schedule to its next run; True for the one replica whose update won."""
        with self.db.session() as s, s.begin():
            result = s.execute(update(PulseSchedule).where(
                PulseSchedule.id == row.id, PulseSchedule.next_run_at == row.next_run_at,
                PulseSchedule.active.is_(True)).values(next_run_at=next_run_at))
            return bool(getattr(result, "rowcount", 0))
