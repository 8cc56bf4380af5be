"""The groups as CSV: what the page shows, without any id of a person or a question.

Cells that a spreadsheet would run as a formula (question text is typed by anyone) get a leading quote.
"""

from __future__ import annotations

import csv
import io

from bot.core.privacy import scrub_ids
from bot.gaps.model import Addressed, Group

HEADER = ["group", "questions", "unanswered", "thumbs_down", "trend", "per_week", "question",
          "other_wordings", "closest_sources", "escalation", "addressed"]


def cell(text: str) -> str:
    text = scrub_ids(text)  # a mention typed into a question names a person: never in an export
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def addressed_text(a: Addressed | None) -> str:
    if a is None:
        return ""
    if a.waiting:
        return f"marked {a.marked_at:%Y-%m-%d}; waiting for the next ingest"
    return f"marked {a.marked_at:%Y-%m-%d}; answered now {a.answered} of {a.rechecked}"


def to_csv(groups: list[Group]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(HEADER)
    for n, g in enumerate(groups, 1):
        w.writerow([
            n, g.count, g.unanswered, g.thumbs_down, g.trend,
            " ".join(f"{week}:{count}" for week, count in g.weeks),
            cell(g.central), cell(" | ".join(g.examples[1:])),
            cell(" | ".join(s.title or s.path for s in g.sources)), g.escalation, addressed_text(g.addressed),
        ])
    return out.getvalue()
