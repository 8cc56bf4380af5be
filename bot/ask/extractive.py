"""The default answer: the sentences from the best passages that answer the question, quoted.

No model writes anything here, so nothing can be made up and nothing in a document can act as an
instruction: the answer is a selection of source sentences, each marked with its citation number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from bot.search.retriever import Passage
from bot.text import sentences, stems

MAX_SENTENCES = 4
MAX_CHARS = 900


def _weights(question: str, passages: Sequence[Passage]) -> dict[str, float]:
    """Question stems weighted by how rare they are among the candidate passages."""
    q = list(dict.fromkeys(stems(question)))
    docs = [set(stems(p.text)) for p in passages]
    n = len(docs) or 1
    return {t: math.log(1 + n / (1 + sum(t in d for d in docs))) for t in q}


def select(question: str, passages: Sequence[Passage], cites: Sequence[int]) -> list[tuple[int, str]]:
    """Pick (citation, sentence) pairs, best passages first, in reading order within a passage."""
    weights = _weights(question, passages)
    scored: list[tuple[float, int, int, str]] = []
    for rank, p in enumerate(passages):
        sents = sentences(p.text)
        for pos, sent in enumerate(sents):
            if len(sent) < 25:
                continue
            toks = set(stems(sent))
            overlap = sum(w for t, w in weights.items() if t in toks)
            prior = 1.0 / (1 + rank) + 0.15 / (1 + pos)
            scored.append((overlap + prior, rank, pos, f"{sent}"))
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


def compose(question: str, passages: Sequence[Passage], cites: Sequence[int]) -> str:
    picked = select(question, passages, cites)
    return " ".join(f"{sent} [{cite}]" for cite, sent in picked)
