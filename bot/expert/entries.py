"""Verified entries as Markdown documents with front matter (who verified it, when, when to review).

    ---
    verified_by: Ana Example
    date: 2026-11-30
    review: 2027-05-29
    question: How long do we keep call recordings?
    ---
    # How long do we keep call recordings?

    The reply, as the expert wrote it.

They live in a `verified/` folder inside their collection's folder, so the collection rules map them to
that collection; the ingest loader drops the front matter from the indexed text. An admin may edit
the text or the review date in the file; the review ticker reads the date from the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

FOLDER = "verified"
_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_SLUG = re.compile(r"[^a-z0-9]+")
_SLACK_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")


@dataclass(frozen=True)
class Verified:
    """What a verified entry's front matter says."""

    by: str
    on: date | None
    review: date | None
    question: str = ""


def slug(text: str, limit: int = 50) -> str:
    return _SLUG.sub("-", text.lower()).strip("-")[:limit].strip("-") or "answer"


def is_verified_path(path: str) -> bool:
    """A cited path inside a `verified/` folder (cheap: no file is read for other sources)."""
    parts = path.replace("\\", "/").split("/")
    return FOLDER in parts[:-1]


def render(question: str, answer: str, by: str, on: date, review: date) -> str:
    """The Markdown document for one verified answer."""
    question = " ".join(question.split())
    answer = _SLACK_LINK.sub(r"[\2](\1)", answer.strip())
    front = yaml.safe_dump({"verified_by": by, "date": on, "review": review, "question": question},
                           allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{front}---\n# {question}\n\n{answer}\n"


def write(folder: Path, entry_id: int, question: str, answer: str, by: str, on: date, review: date) -> Path:
    """Write the document under `folder/verified/` (a new file; never overwrites another entry)."""
    target = folder / FOLDER / f"{on.isoformat()}-{slug(question)}-{entry_id}.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8") as f:
        f.write(render(question, answer, by, on, review))
    return target


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def read(path: Path) -> Verified | None:
    """The front matter of a verified entry, or None when the file is gone or has none."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    m = _FRONT.match(text.replace("\r\n", "\n"))
    if not m:
        return None
    try:
        data = yaml.safe_load(m.group(1))
    except yaml.YAMLError:
        return None
    if not isinstance(data, dict) or not data.get("verified_by"):
        return None
    return Verified(str(data["verified_by"]), _date(data.get("date")), _date(data.get("review")),
                    str(data.get("question") or ""))
