"""Suggested prompts for an assistant surface: the most-asked questions, then the collections' documents.

Both come only from what the reader may see:
- a most-asked question is one that at least two different people asked (same words, case ignored) in
  the last 90 days and that was answered from a document visible to this reader, so a question asked
  once, or answered from a collection the reader cannot see, is never shown to someone else;
- the rest are the titles of documents in the reader's visible collections, one collection after
  another, so every collection gets a turn.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bot.ask.store import QuestionLog
from bot.core.listen import Prompt
from bot.core.model import Readers
from bot.i18n import translator

if TYPE_CHECKING:
    from bot.knowledge import Knowledge
    from bot.search.chunks import ChunkMeta

log = logging.getLogger(__name__)

WINDOW = timedelta(days=90)
TITLE_CHARS = 75
CACHE_SECONDS = 300.0  # the most-asked list is read at most this often (a GROUP BY over 90 days of questions)


def _short(text: str, limit: int = TITLE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def about(title: str, language: str) -> str:
    """The question a document's prompt asks, in `language`."""
    return translator(language).gettext("What does {title} say?").format(title=title)


def _round_robin(docs: list[ChunkMeta]) -> list[ChunkMeta]:
    """Documents one collection after another (first of each, then second of each, ...)."""
    by: dict[str, list[ChunkMeta]] = {}
    for meta in docs:
        by.setdefault(meta.collection, []).append(meta)
    lists = list(by.values())
    out: list[ChunkMeta] = []
    for n in range(max((len(x) for x in lists), default=0)):
        out.extend(x[n] for x in lists if n < len(x))
    return out


class SuggestedPrompts:
    """Picks up to four prompts for one reader (see the module docstring for which)."""

    def __init__(self, questions: QuestionLog, knowledge: Knowledge, window: timedelta = WINDOW,
                 cache_seconds: float = CACHE_SECONDS) -> None:
        self.questions = questions
        self.knowledge = knowledge
        self.window = window
        self.cache_seconds = cache_seconds
        self._asked: tuple[float, int, list[tuple[str, str | None]]] | None = None  # (when, limit, rows)

    def most_asked(self, limit: int) -> list[tuple[str, str | None]]:
        """The most-asked answered questions (the same for every reader; filtered per reader later)."""
        now = time.monotonic()
        if self._asked is None or now - self._asked[0] > self.cache_seconds or limit > self._asked[1]:
            self._asked = (now, limit, self.questions.most_asked(datetime.now(UTC) - self.window, limit))
        return self._asked[2][:limit]

    def pick(self, readers: Readers, language: str, limit: int = 4) -> list[Prompt]:
        try:
            allowed = self.knowledge.collections.visible(**dict(readers))
            docs = self.knowledge.retriever.documents(allowed)
        except Exception as exc:  # the index is unavailable: no prompts rather than no thread
            log.warning("suggested prompts unavailable", extra={"error": type(exc).__name__})
            return []
        visible = {m.path for m in docs}
        prompts: list[Prompt] = []
        seen: set[str] = set()
        for question, source in self.most_asked(limit * 5):
            if source in visible and question.lower() not in seen:
                prompts.append(Prompt(_short(question), question))
                seen.add(question.lower())
        for meta in _round_robin(docs):
            title = "" if meta.label else meta.title.strip()  # a nameless document: no "about <its first sentence>"
            if title and title.lower() not in seen:
                prompts.append(Prompt(_short(title), about(title, language)))
                seen.add(title.lower())
        return prompts[:limit]
