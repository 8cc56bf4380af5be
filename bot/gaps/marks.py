"""Addressed marks: matching them to today's groups, and re-asking their questions after an ingest."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot.gaps.model import Addressed, Group
from bot.gaps.store import GapStore, Mark

log = logging.getLogger(__name__)


def addressed_of(group: Group, marks: list[Mark]) -> Addressed | None:
    """The newest mark holding any of the group's questions, with its re-ask outcome."""
    ids = set(group.question_ids)
    mine = [m for m in marks if ids & m.answered.keys()]
    if not mine:
        return None
    m = mine[-1]
    done = [v for v in m.answered.values() if v is not None]
    return Addressed(
        mark_id=m.id, marked_at=m.marked_at, asked=len(m.answered), rechecked=len(done),
        answered=sum(done), checked_at=m.checked_at, newer=len(ids - m.answered.keys()),
    )


def recheck_marks(store: GapStore, index_version: Callable[[], str], answered: Callable[[str], bool],
                  now: datetime) -> int:
    """Re-ask each mark's questions once per index version after the one it was marked under."""
    marks = store.marks()
    if not marks:
        return 0  # the index is not even opened
    version, done = index_version(), 0
    for m in marks:
        if m.index_version == version or m.checked_version == version or not store.claim_recheck(m.id, version):
            continue
        texts = store.questions(list(m.answered))
        outcome = {qid: answered(text) for qid, text in texts.items()}
        store.save_recheck(m.id, outcome, now)
        log.info("gaps: addressed group re-asked", extra={"mark": m.id, "questions": len(outcome),
                                                         "answered": sum(outcome.values())})
        done += 1
    return done
