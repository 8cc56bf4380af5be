"""Writing votes: one guarded upsert per click, and group commit for clicks that arrive together.

A vote is `INSERT .. SELECT .. WHERE the pulse is open and the vote fits it .. ON CONFLICT DO UPDATE`
(SQLite and PostgreSQL): a double click or a changed vote updates the one row; a click after the close
inserts nothing. On PostgreSQL the SELECT takes a share lock on the pulse row, so a close waits for
votes in flight and the results see every vote that was accepted.

Committing is what costs (a WAL flush per transaction), so `VoteWriter` writes all clicks that queued
up while the previous batch was being committed in one transaction, in key order (no deadlocks between
replicas), and answers each click on its own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Integer, String, column, literal, select, union_all, values
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from bot.pulse.models import OPEN, Pulse, PulseVote

log = logging.getLogger(__name__)

MAX_BATCH = 400  # SQLite allows 500 terms in a compound SELECT
RETRIES = 3
COLUMNS = ["pulse_id", "statement", "voter_hash", "score", "voted_at"]


@dataclass(frozen=True)
class Vote:
    pulse_id: int
    statement: int
    score: int


def parse_vote(value: str) -> Vote | None:
    """`"<pulse_id>:<statement>:<score>"` from a button, or None if it is not one."""
    parts = value.split(":")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    return Vote(int(parts[0]), int(parts[1]), int(parts[2]))


def upsert(dialect: str, vote: Vote, voter_hash: str, now: datetime) -> Any:
    """The guarded upsert of one vote; it returns a row only if the vote was stored."""
    source = (
        select(literal(vote.pulse_id), literal(vote.statement), literal(voter_hash), literal(vote.score),
               literal(now, Pulse.created_at.type))
        .select_from(Pulse)
        .where(
            Pulse.id == vote.pulse_id, Pulse.status == OPEN, Pulse.closes_at > now,
            Pulse.n_statements > vote.statement, Pulse.scale_min <= vote.score, Pulse.scale_max >= vote.score,
        )
    )
    if dialect == "postgresql":
        source = source.with_for_update(read=True)
    stmt: Any = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(PulseVote).from_select(COLUMNS, source)
    return stmt.on_conflict_do_update(
        index_elements=["pulse_id", "statement", "voter_hash"],
        set_={"score": stmt.excluded.score, "voted_at": stmt.excluded.voted_at},
    ).returning(PulseVote.score)  # rowcount of INSERT .. SELECT is not reliable on every driver


def _write_batch(conn: Connection, items: Sequence[tuple[Vote, str]], now: datetime) -> list[bool]:
    """One statement for the whole batch (one round trip): the guarded upsert over a list of rows."""
    last = {(v.pulse_id, v.statement, h): v.score for v, h in items}  # of two clicks on one key, the later wins
    rows = [(p, st, h, score) for (p, st, h), score in sorted(last.items())]  # key order: no deadlocks
    v: Any
    if conn.dialect.name == "postgresql":
        v = values(column("pulse_id", Integer), column("statement", Integer), column("voter_hash", String),
                   column("score", Integer), name="v").data(rows)
    else:  # SQLite has no `(VALUES ..) AS v(cols)`: a UNION ALL of one-row SELECTs
        v = union_all(*(
            select(literal(p).label("pulse_id"), literal(st).label("statement"), literal(h).label("voter_hash"),
                   literal(score).label("score"))
            for p, st, h, score in rows
        )).subquery("v")
    source = (
        select(v.c.pulse_id, v.c.statement, v.c.voter_hash, v.c.score, literal(now, Pulse.created_at.type))
        .select_from(v.join(Pulse, Pulse.id == v.c.pulse_id))
        .where(Pulse.status == OPEN, Pulse.closes_at > now, v.c.statement < Pulse.n_statements,
               v.c.score >= Pulse.scale_min, v.c.score <= Pulse.scale_max)
    )
    if conn.dialect.name == "postgresql":
        source = source.with_for_update(read=True, of=Pulse)
    stmt: Any = (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(PulseVote).from_select(COLUMNS, source)
    stmt = stmt.on_conflict_do_update(
        index_elements=["pulse_id", "statement", "voter_hash"],
        set_={"score": stmt.excluded.score, "voted_at": stmt.excluded.voted_at},
    ).returning(PulseVote.pulse_id, PulseVote.statement, PulseVote.voter_hash)
    stored = {(int(r[0]), int(r[1]), str(r[2])) for r in conn.execute(stmt)}
    return [(v.pulse_id, v.statement, h) in stored for v, h in items]


def _write(conn: Connection, items: Sequence[tuple[Vote, str]]) -> list[bool]:
    dialect = conn.dialect.name
    now = datetime.now(UTC)
    if len(items) > 1:
        return _write_batch(conn, items, now)
    stored = [False] * len(items)
    order = sorted(range(len(items)), key=lambda i: (items[i][0].pulse_id, items[i][0].statement, items[i][1]))
    for i in order:  # a stable sort: of two clicks on the same key, the later one wins
        vote, voter = items[i]
        stored[i] = conn.execute(upsert(dialect, vote, voter, now)).first() is not None
    return stored


def write_votes(engine: Engine, items: Sequence[tuple[Vote, str]]) -> list[bool]:
    """Store votes in one transaction; for each, whether it was stored. Retried on deadlocks."""
    for attempt in range(RETRIES):
        try:
            with engine.begin() as conn:
                return _write(conn, items)
        except DBAPIError:
            if attempt == RETRIES - 1:
                raise
            log.warning("vote batch retried", extra={"size": len(items), "attempt": attempt + 1})
    raise AssertionError("unreachable")


class VoteWriter:
    """Group commit for clicks: `await writer.vote(...)` returns once the click's batch is committed."""

    def __init__(self, engine: Engine, max_batch: int = MAX_BATCH) -> None:
        self.engine = engine
        self.max_batch = max_batch
        self._pending: list[tuple[Vote, str, asyncio.Future[bool]]] = []
        self._task: asyncio.Task[None] | None = None

    async def vote(self, vote: Vote, voter_hash: str) -> bool:
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._pending.append((vote, voter_hash, future))
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())
        return await future

    async def _run(self) -> None:
        while self._pending:
            batch, self._pending = self._pending[: self.max_batch], self._pending[self.max_batch :]
            try:
                stored = await asyncio.to_thread(write_votes, self.engine, [(v, h) for v, h, _ in batch])
            except Exception as exc:
                log.exception("vote batch failed", extra={"size": len(batch)})
                for _, _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, _, future), ok in zip(batch, stored, strict=True):
                if not future.done():
                    future.set_result(ok)
