"""Escalation states of gap questions, read from the expert feature's table (one row per escalated question)."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.engine import Database
from bot.expert.models import ANSWERED, FAILED, OPEN, POSTING, Escalation

LABEL = {ANSWERED: "answered by an expert", OPEN: "escalated, waiting for an expert",
         POSTING: "escalated, waiting for an expert", FAILED: "escalation failed"}
RANK = {ANSWERED: 0, OPEN: 1, POSTING: 1, FAILED: 2}  # a group shows its furthest-along escalation


class ExpertEscalations:
    def __init__(self, db: Database) -> None:
        self.db = db

    def states(self, question_ids: list[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        with self.db.session() as s:
            for i in range(0, len(question_ids), 500):
                rows = s.execute(select(Escalation.question_id, Escalation.status)
                                 .where(Escalation.question_id.in_(question_ids[i:i + 500])))
                out.update((q, status) for q, status in rows)
        return out


def group_state(states: dict[str, str], question_ids: list[str]) -> tuple[str, int]:
    """The group's escalation label and how many of its questions were escalated ("" and 0: none)."""
    mine = [states[q] for q in question_ids if q in states]
    if not mine:
        return "", 0
    best = min(mine, key=lambda st: RANK.get(st, 3))
    return LABEL.get(best, best), len(mine)
