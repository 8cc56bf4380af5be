"""Logging gap questions for the gaps tests (as the ask feature logs them: the user only hashed)."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa

from bot.ask.store import AskedQuestion
from bot.db.engine import Database


def log_question(db: Database, text: str, at: datetime, *, answered: bool = False, feedback: int | None = None,
                 user_hash: str = "5f0c-user-hash", conversation: str = "slack:C0GAPS") -> str:
    qid = uuid.uuid4().hex
    with db.engine.begin() as conn:
        conn.execute(sa.insert(AskedQuestion), {
            "id": qid, "asked_at": at, "platform": "slack", "conversation": conversation, "user_hash": user_hash,
            "question": text, "answered": answered, "top_source": None, "feedback": feedback,
        })
    return qid
