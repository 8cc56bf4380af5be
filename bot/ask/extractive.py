"""The default answer: the sentences from the best passages that answer the question, quoted.

No model writes anything here, so nothing can be made up and nothing in a document can act as an
instruction: the answer is a selection of source sentences, each marked with its citation number.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from bot.search.retriever import Passage
from bot.text import is_heading_like, sentences, stems

MAX_SENTENCES = 6
MAX_CHARS = 1000
TERMINAL = (".", "!", "?", ":", "…", '"', "“", "”", ")", "`")
LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s")
RANK_PRIOR = (0.6, 0.45, 0.35, 0.25, 0.2)
NUMBER_CUE = re.compile(
    r"\b(how (many|much|long|often|soon)|wie (viele?|lange|oft|hoch)|wann|when|percent|prozent)\b", re.I
)


def _weights(question: str, passages: Sequence[Passage]) -> dict[str, float]:
    """Question stems weighted by how rare they are among the candidate passages."""
    q = list(dict.fromkeys(stems(question)))
    docs = [set(stems(p.text)) for p in passages]
    n = len(docs) or 1
    return {t: math.log(1 + n / (1 + sum(t in d for d in docs))) for t in q}


def _cut(sentence: str, pos: int, count: int) -> bool:
    """A sentence a chunk boundary cut: it starts mid-sentence, or the chunk ends before its full stop."""
    if pos == 0 and sentence[:1].islower():
        return True
    return pos == count - 1 and count > 1 and not sentence.rstrip().endswith(TERMINAL) and not LIST_ITEM.match(sentence)


def select(question: str, passages: Sequence[Passage], cites: Sequence[int]) -> list[tuple[int, str]]:
    """Pick (citation, sentence) pairs: the best passages' sentences that share the question's words.

    A sentence's score is its share of the question's (rarity-weighted) words plus a prior from its
    passage's rank, so across languages, where words are not shared, the best passages speak.
    """
    weights = _weights(question, passages)
    total = sum(weights.values()) or 1.0
    wants_number = bool(NUMBER_CUE.search(question))
    scored: list[tuple[float, int, int, str]] = []
    seen: set[str] = set()
    for rank, p in enumerate(passages):
        sents = sentences(p.text)
        for pos, sent in enumerate(sents):
            key = sent.lower()
            if len(sent) < 20 or key in seen or is_heading_like(sent) or _cut(sent, pos, len(sents)):
                continue
            seen.add(key)
            toks = set(stems(sent))
            overlap = sum(w for t, w in weights.items() if t in toks) / total
            prior = RANK_PRIOR[rank] if rank < len(RANK_PRIOR) else 0.1
            bonus = 0.15 if wants_number and any(ch.isdigit() for ch in sent) else 0.0
            scored.append((overlap + prior + bonus, rank, pos, sent))
    scored.sort(key=lambda x: -x[0])
    chosen: list[tuple[float, int, int, str]] = []
    used = 0
    for item in scored:
        if len(chosen) >= MAX_SENTENCES or (used + len(item[3]) > MAX_CHARS and chosen):
            break
        chosen.append(item)
        used += len(item[3])
    chosen.sort(key=lambda x: (x[1], x[2]))
    return [(cites[rank], sent) for _, rank, _, sent in chosen]


FAKE_CITATION = re.compile(r"\s*\[\d{1,4}\]")


def compose(question: str, passages: Sequence[Passage], cites: Sequence[int]) -> str:
    """Quoted sentences with their citation; `[n]` written inside a document is dropped (not ours)."""
    picked = select(question, passages, cites)
    return " ".join(f"{FAKE_CITATION.sub('', sent)} [{cite}]" for cite, sent in picked)
