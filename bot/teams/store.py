"""Stored conversation references: where the bot may post later (digests, pulses), even after a restart.

One row per Teams conversation (keyed by the conversation id without a thread suffix), upserted every
time the bot is installed in or spoken to there. The reference is the Bot Framework
`ConversationReference` as JSON; this module stays free of the SDK and handles it as a dict.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, String, Text, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base
from bot.db.engine import Database


class TeamsConversation(Base):
    __tablename__ = "teams_conversations"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    tenant_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    team_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    reference: Mapped[str] = mapped_column(Text)
    installed: Mapped[bool] = mapped_column(Boolean)
    welcomed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


@dataclass(frozen=True)
class StoredConversation:
    """A conversation the bot can post into: its id, kind (dm/group/channel) and reference dict."""

    id: str
    kind: str
    team_id: str | None
    reference: dict[str, Any]
    installed: bool


class ConversationStore:
    """Upserts and reads conversation references (SQLite and PostgreSQL)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def save(
        self, conversation_id: str, reference: dict[str, Any], *, kind: str,
        tenant_id: str | None = None, team_id: str | None = None,
    ) -> None:
        """Insert or refresh the reference of a conversation (marks it installed)."""
        values = {
            "id": conversation_id, "kind": kind, "tenant_id": tenant_id, "team_id": team_id,
            "reference": json.dumps(reference, sort_keys=True), "installed": True,
            "updated_at": datetime.now(UTC),
        }
        dialect = postgresql if self.db.engine.dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(TeamsConversation).values(**values)
        changed = {k: stmt.excluded[k] for k in ("kind", "tenant_id", "team_id", "reference", "installed", "updated_at")}
        with self.db.session() as s, s.begin():
            s.execute(stmt.on_conflict_do_update(index_elements=["id"], set_=changed))

    def get(self, conversation_id: str) -> StoredConversation | None:
        with self.db.session() as s:
            row = s.get(TeamsConversation, conversation_id)
            return _stored(row) if row is not None else None

    def all(self, *, installed_only: bool = True) -> list[StoredConversation]:
        """Every known conversation, most recently active first."""
        with self.db.session() as s:
            q = select(TeamsConversation).order_by(TeamsConversation.updated_at.desc())
            if installed_only:
                q = q.where(TeamsConversation.installed.is_(True))
            return [_stored(r) for r in s.scalars(q)]

    def claim_welcome(self, conversation_id: str) -> bool:
        """True exactly once per installation: the caller then posts the welcome."""
        with self.db.session() as s, s.begin():
            result = s.execute(
                update(TeamsConversation)
                .where(TeamsConversation.id == conversation_id, TeamsConversation.welcomed_at.is_(None))
                .values(welcomed_at=datetime.now(UTC))
            )
            return bool(getattr(result, "rowcount", 0))

    def uninstalled(self, conversation_id: str) -> None:
        """The bot was removed: stop posting there, welcome again on a new install."""
        with self.db.session() as s, s.begin():
            s.execute(
                update(TeamsConversation).where(TeamsConversation.id == conversation_id)
                .values(installed=False, welcomed_at=None, updated_at=datetime.now(UTC))
            )


def _stored(row: TeamsConversation) -> StoredConversation:
    return StoredConversation(row.id, row.kind, row.team_id, json.loads(row.reference), row.installed)
