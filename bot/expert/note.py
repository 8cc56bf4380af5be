"""The "Verified by" note under an answer: light enough for `cxbot ask` (no database, no SQLAlchemy)."""

from __future__ import annotations

from pathlib import Path

from bot.ask.answer import Answer
from bot.core.model import Context
from bot.expert import cards, entries
from bot.i18n import Translator, translator


def verified_note(knowledge_dir: Path, answer: Answer, t: Translator | None = None) -> list[Context]:
    """"Verified by …" for each cited source that is a verified entry (only those files are read)."""
    root = knowledge_dir.resolve()
    notes: list[Context] = []
    for n, source in enumerate(answer.sources, 1):
        if not entries.is_verified_path(source.path):
            continue
        file = (root / source.path).resolve()
        meta = entries.read(file) if file.is_relative_to(root) else None
        if meta is not None:
            t = t or translator()
            notes.append(cards.verified_by(t, meta.by, t.date(meta.on) if meta.on else "", n))
    return notes
