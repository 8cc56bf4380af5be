"""What the gaps page shows of each group (question text only: nothing about who asked)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

NOT_ESCALATED = "not escalated"


def token(question_id: str) -> str:
    """A question's handle on the page: the group holding it is the one "Addressed" marks."""
    return hashlib.sha256(f"gaps:{question_id}".encode()).hexdigest()[:20]


class Escalations(Protocol):
    """The escalation state of logged questions (the escalation feature provides it)."""

    def states(self, question_ids: list[str]) -> dict[str, str]:
        """Status per question id (`bot.expert.models`: posting, open, answered, failed); others left out."""
        ...


@dataclass(frozen=True)
class Source:
    title: str
    path: str
    url: str | None = None
    closeness: float = 0.0  # cosine of its best passage to the question (e5: ~0.84 and up is on topic)


@dataclass(frozen=True)
class Addressed:
    """A group's "addressed" mark and what re-asking its questions after the next ingest gave."""

    mark_id: int
    marked_at: datetime
    asked: int  # questions the mark holds
    rechecked: int  # of those, re-asked after an ingest that followed the mark
    answered: int  # of those, answered now
    checked_at: datetime | None
    newer: int  # questions of the group the mark does not hold (asked since, or grouped with it since)

    @property
    def waiting(self) -> bool:
        """No ingest since the mark (or its re-ask still running)."""
        return self.checked_at is None


@dataclass
class Group:
    key: str  # `token` of its most typical question: what "Addressed" posts (no id shown on the page)
    question_ids: list[str]
    count: int
    unanswered: int
    thumbs_down: int
    weeks: list[tuple[str, int]]  # (first day, questions) per 7 days up to now, oldest first
    examples: list[str]  # distinct wordings, the most typical first
    sources: list[Source] = field(default_factory=list)
    escalation: str = NOT_ESCALATED
    escalated: int = 0  # questions of the group put to experts
    addressed: Addressed | None = None

    @property
    def central(self) -> str:
        return self.examples[0]

    @property
    def trend(self) -> str:
        """↑ when the last 7 days had more questions than the weeks before on average, ↓ fewer, → same."""
        counts = [n for _, n in self.weeks]
        if len(counts) < 2:
            return "→"
        before = sum(counts[:-1]) / (len(counts) - 1)
        last = counts[-1]
        return "↑" if last > before + 0.5 else "↓" if last < before - 0.5 else "→"
