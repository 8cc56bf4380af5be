"""Each source's sync state in the database: the claim that lets one replica sync it at a time,
the last outcome (for `cxbot sources status`, the doctor and App Home) and the cursor the next sync
starts from (a delta link, the last commit, the crawl's validators).

A claim is a compare-and-set on the row: taken when free or when its lease ran out, renewed while
the sync works, and every later write is fenced by the owner and the claim's number, so a replica
whose lease was taken over cannot overwrite the newer outcome.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, Integer, String, Text, and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base
from bot.db.engine import Database
from bot.schedule.clock import utc

OK, ERROR, NEVER = "ok", "error", "never"


class SourceSync(Base):
    __tablename__ = "source_syncs"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str | None] = mapped_column(String(64), nullable=True)
    claims: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    ok_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default=NEVER)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    documents: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[str | None] = mapped_column(Text, nullable=True)
    cursor: Mapped[str | None] = mapped_column(Text, nullable=True)


@dataclass(frozen=True)
class Claim:
    name: str
    owner: str
    number: int
    cursor: dict[str, Any]


@dataclass(frozen=True)
class Status:
    """What `cxbot sources status` shows for one source."""

    name: str
    status: str
    started_at: datetime | None
    finished_at: datetime | None
    ok_at: datetime | None
    error: str | None
    documents: int
    summary: dict[str, Any] | None
    syncing: bool


class SyncStates:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _ensure(self, name: str) -> None:
        dialect = postgresql if self.db.engine.dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(SourceSync).values(name=name, claims=0, status=NEVER, documents=0)
        with self.db.session() as s, s.begin():
            s.execute(stmt.on_conflict_do_nothing(index_elements=["name"]))

    def claim(self, name: str, owner: str, now: datetime, lease: float) -> Claim | None:
        """Take the source for a sync, or None while another replica holds it."""
        self._ensure(name)
        free = or_(SourceSync.lease_until.is_(None), SourceSync.lease_until < now)
        with self.db.session() as s, s.begin():
            result = s.execute(update(SourceSync).where(SourceSync.name == name, free).values(
                owner=owner, claims=SourceSync.claims + 1, lease_until=now + timedelta(seconds=lease),
                started_at=now))
            if getattr(result, "rowcount", 0) != 1:
                return None
            row = s.get(SourceSync, name)
            assert row is not None
            return Claim(name, owner, row.claims, json.loads(row.cursor) if row.cursor else {})

    def _mine(self, claim: Claim) -> Any:
        return and_(SourceSync.name == claim.name, SourceSync.owner == claim.owner,
                    SourceSync.claims == claim.number)

    def renew(self, claim: Claim, now: datetime, lease: float) -> bool:
        """Extend the lease; False when the claim was taken over (the sync must stop)."""
        with self.db.session() as s, s.begin():
            result = s.execute(update(SourceSync).where(self._mine(claim)).values(
                lease_until=now + timedelta(seconds=lease)))
            return getattr(result, "rowcount", 0) == 1

    def finish(
        self, claim: Claim, now: datetime, *, summary: dict[str, Any] | None, documents: int,
        cursor: dict[str, Any] | None, error: str | None,
    ) -> bool:
        """Record the outcome and release the claim. An error keeps the last good cursor and counts."""
        values: dict[str, Any] = {"owner": None, "lease_until": None, "finished_at": now,
                                  "status": ERROR if error else OK, "error": error}
        if summary is not None:
            values["summary"] = json.dumps(summary)
        if error is None:
            values.update(ok_at=now, documents=documents, cursor=json.dumps(cursor or {}))
        with self.db.session() as s, s.begin():
            result = s.execute(update(SourceSync).where(self._mine(claim)).values(**values))
            return getattr(result, "rowcount", 0) == 1

    def all(self, now: datetime) -> dict[str, Status]:
        with self.db.session() as s:
            rows = list(s.scalars(select(SourceSync)))
        return {
            r.name: Status(
                r.name, r.status, utc(r.started_at), utc(r.finished_at), utc(r.ok_at), r.error, r.documents,
                json.loads(r.summary) if r.summary else None,
                r.lease_until is not None and (utc(r.lease_until) or now) > now,
            )
            for r in rows
        }
