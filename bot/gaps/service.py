"""The gaps of the last N weeks: logged unanswered and 👎 questions, grouped by meaning, with their
closest sources, escalation state and "addressed" outcome.

Question vectors are kept in the database by model and text hash (`GapStore`), so a page view embeds
only questions it has not seen; the server's ticker embeds new ones ahead (`warm`) and re-asks the
questions of groups marked addressed once an ingest followed the mark (`recheck`).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from bot.ask.store import AskedQuestion, QuestionLog
from bot.db.engine import Database
from bot.embed.base import Embedder
from bot.embed.cache import text_hash
from bot.gaps.cluster import central, cluster
from bot.gaps.escalations import group_state
from bot.gaps.marks import addressed_of, recheck_marks
from bot.gaps.model import NOT_ESCALATED, Escalations, Group, Source, token
from bot.gaps.store import GapStore
from bot.schedule.clock import utc

log = logging.getLogger(__name__)

MAX_WEEKS = 52
PAGE_WEEKS = 8  # the dashboard's default window
PAGE_GROUPS = 60  # groups the page shows (with their closest sources); the export has them all
MEMORY_VECTORS = 20_000  # ~30 MB of e5-small vectors
EXAMPLES = 5


def norm(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Unique:
    """One distinct wording (case and spacing aside) and the logged questions that used it."""

    text: str
    rows: list[AskedQuestion]


class GapsService:
    def __init__(
        self, db: Database, embedder: Callable[[], Embedder], *,
        sources: Callable[[str], list[Source]] | None = None,
        escalations: Escalations | None = None,
        index_version: Callable[[], str] = lambda: "",
        answered: Callable[[str], bool] | None = None,
    ) -> None:
        self.log, self.store = QuestionLog(db), GapStore(db)
        self._embedder = embedder
        self._sources = sources
        self.escalations = escalations
        self.index_version = index_version
        self._answered = answered
        self._source_cache: dict[tuple[str, str], list[Source]] = {}
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()  # the newest vectors, kept in memory
        self._labels: OrderedDict[str, np.ndarray] = OrderedDict()  # grouping per set of wordings
        self._lock = threading.Lock()

    def questions(self, weeks: int, now: datetime) -> list[Unique]:
        """The window's gap questions (the digest's query), one entry per distinct wording."""
        rows = self.log.gaps(now - timedelta(weeks=min(max(weeks, 1), MAX_WEEKS)), now)
        out: dict[str, Unique] = {}
        for r in rows:
            text = norm(r.question)
            if text:
                out.setdefault(text.casefold(), Unique(text, [])).rows.append(r)
        return list(out.values())

    def vectors(self, texts: list[str], now: datetime) -> np.ndarray:
        """Unit vectors of questions (e5 "query: " side, as one question is compared with another)."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        emb = self._embedder()
        keys = [f"{emb.name}:{text_hash(t)}" for t in texts]
        with self._lock:
            found = {k: v for k in keys if (v := self._vectors.get(k)) is not None}
        if len(found) < len(keys):
            found.update(self.store.vectors([k for k in keys if k not in found]))
        missing = [i for i, k in enumerate(keys) if k not in found]
        if missing:
            fresh = emb.words([texts[i] for i in missing])  # batched, embedded as queries
            rows = {keys[i]: np.asarray(fresh[j], dtype=np.float32) for j, i in enumerate(missing)}
            self.store.put_vectors(rows, now)
            found.update(rows)
        with self._lock:
            self._vectors.update(found)
            while len(self._vectors) > MEMORY_VECTORS:
                self._vectors.popitem(last=False)
        return np.stack([found[k] for k in keys]).astype(np.float32)

    def _cluster(self, texts: list[str], vectors: np.ndarray) -> np.ndarray:
        """The grouping of these wordings, computed once while they stay the same."""
        key = text_hash("\n".join(texts))
        with self._lock:
            labels = self._labels.get(key)
        if labels is None:
            labels = cluster(vectors)
            with self._lock:
                self._labels[key] = labels
                while len(self._labels) > 16:
                    self._labels.popitem(last=False)
        return labels

    def warm(self, now: datetime, limit: int | None = None) -> int:
        """Embed up to `limit` gap questions (newest first) not embedded yet; drop vectors past the
        longest window and marks left without questions. Returns how many were embedded."""
        self.store.prune_vectors(now - timedelta(weeks=MAX_WEEKS + 1))
        self.store.prune_marks()
        texts = [u.text for u in reversed(self.questions(MAX_WEEKS, now))]
        if not texts:
            return 0
        name = self._embedder().name
        have = self.store.vectors([f"{name}:{text_hash(t)}" for t in texts])
        missing = [t for t in texts if f"{name}:{text_hash(t)}" not in have][:limit]
        self.vectors(missing, now)
        return len(missing)

    def groups(self, weeks: int, now: datetime, *, details: bool = True, sources: int | None = None) -> list[Group]:
        """Groups of the last `weeks` weeks, the largest first. `details`: escalation state and marks for
        every group, and the closest sources for the first `sources` groups (None: all)."""
        uniques = self.questions(weeks, now)
        if not uniques:
            return []
        texts = [u.text for u in uniques]
        vectors = self.vectors(texts, now)
        labels = self._cluster(texts, vectors)
        span = min(max(weeks, 1), MAX_WEEKS)
        starts = [f"{now - timedelta(weeks=span - i):%Y-%m-%d}" for i in range(span)]
        out: list[Group] = []
        for g in range(int(labels.max()) + 1):
            members = [uniques[i] for i in np.flatnonzero(labels == g)]
            members = [members[i] for i in central(vectors[labels == g])]
            rows = [r for u in members for r in u.rows]
            per_week = [0] * span  # 7-day spans ending now, oldest first: the last one is never a stub
            for r in rows:
                age = (now - utc(r.asked_at)) // timedelta(weeks=1)
                if 0 <= age < span:
                    per_week[span - 1 - age] += 1
            out.append(Group(
                key=token(members[0].rows[0].id), question_ids=[r.id for r in rows], count=len(rows),
                unanswered=sum(not r.answered for r in rows), thumbs_down=sum(r.feedback == -1 for r in rows),
                weeks=list(zip(starts, per_week, strict=True)), examples=[u.text for u in members[:EXAMPLES]],
            ))
        out.sort(key=lambda grp: -grp.count)
        if details:
            self._details(out, len(out) if sources is None else sources)
        return out

    def _details(self, groups: list[Group], sources: int) -> None:
        marks = self.store.marks()
        states = self.escalations.states([q for g in groups for q in g.question_ids]) if self.escalations else {}
        for n, g in enumerate(groups):
            if n < sources:
                g.sources = self.sources(g.central)
            label, g.escalated = group_state(states, g.question_ids)
            g.escalation = label or NOT_ESCALATED
            g.addressed = addressed_of(g, marks)

    def sources(self, question: str) -> list[Source]:
        """The closest sources of a question (cached per index version)."""
        if self._sources is None:
            return []
        key = (question, self.index_version())
        with self._lock:
            hit = self._source_cache.get(key)
        if hit is None:
            hit = self._sources(question)
            with self._lock:
                self._source_cache[key] = hit
                while len(self._source_cache) > 4096:
                    self._source_cache.pop(next(iter(self._source_cache)))
        return hit

    def mark(self, key: str, weeks: int, now: datetime) -> int | None:
        """Mark the group that now holds the question `key` stands for; None if no group holds it."""
        for g in self.groups(weeks, now, details=False):
            if any(token(q) == key for q in g.question_ids):
                return self.store.mark(g.question_ids, self.index_version(), now)
        return None

    def recheck(self, now: datetime) -> int:
        """Re-ask the questions of marks made before the current index; returns the marks re-asked."""
        if self._answered is None:
            return 0
        return recheck_marks(self.store, self.index_version, self._answered, now)
