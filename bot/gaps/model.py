"""What the gaps page shows of each group (question text only: nothing about who asked)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

NOT_ESCALATED = "not escalated"


class Escalations(Protocol):
    """The escalation state of logged questions (the escalation feature provides it)."""

    def states(self, question_ids: list[str]) -> dict[str, str]:
        """State per question id; ids never escalated may be left out."""
        ...


@dataclass(frozen=True)
class Source:
    title: str
    path: str
    url: str | None = None


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
    key: str  # the id of its most typical question: what "Addressed" posts
    question_ids: list[str]
    count: int
    unanswered: int
    thumbs_down: int
    weeks: list[tuple[str, int]]  # (first day, questions) per 7 days up to now, oldest first
    examples: list[str]  # distinct wordings, the most typical first
    sources: list[Source] = field(default_factory=list)
    escalation: str = NOT_ESCALATED
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
