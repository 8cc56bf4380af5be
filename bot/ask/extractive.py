"""The default answer: the sentences from the best passages that answer the question, quoted.

No model writes anything here, so nothing can be made up and nothing in a document can act as an
instruction: the answer is a selection of source sentences, each marked with its citation number.

Passages of one document that follow each other are joined first (their overlap removed), so a
sentence that a chunk boundary cut is whole again; the neighbouring chunks the retriever adds let an
answer run on past the passage that matched. Sentences are then picked greedily: each pick is the one
that adds most of the question's still-uncovered words, so a two-part question gets both parts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.search.retriever import Passage
from bot.text import LIST_ITEM, is_heading_line, sentences, stems

MAX_UNITS = 6.0
MAX_CHARS = 1000
TERMINAL = (".", "!", "?", ":", "…", '"', "“", "”", ")", "`")
RANK_PRIOR = (0.6, 0.45, 0.35, 0.25, 0.2)
# A neighbouring chunk that was not retrieved itself counts a little less than the one it follows.
NEIGHBOUR_DROP = 0.2
NEIGHBOUR_FLOOR = 0.1
NUMBER_CUE = re.compile(
    r"\b(how (many|much|long|often|soon)|wie (viele?|lange|oft|hoch)|wann|when|percent|prozent)\b", re.I
)
FULL, MARGINAL = 0.5, 0.8
LIST_PULL = 0.3
CONTINUE = 0.1
MIN_OVERLAP = 12


@dataclass
class Span:
    """Consecutive chunks of one document joined into one text."""

    cite: int
    text: str
    parts: list[tuple[str, float]]

    @property
    def prior(self) -> float:
        return max(p for _, p in self.parts)

    def prior_of(self, sentence: str) -> float:
        """A sentence counts with the prior of the best chunk that holds (the start or end of) it."""
        head, tail = sentence[:40], sentence[-40:]
        got = [p for text, p in self.parts if head in text or tail in text]
        return max(got, default=self.prior)


@dataclass
class Candidate:
    span: int
    pos: int
    text: str
    terms: set[str]
    prior: float
    units: float


def terms(text: str) -> set[str]:
    """Stems, plus the parts of hyphenated compounds ("IT-Abteilung" also counts as "Abteilung")."""
    out = set(stems(text))
    for word in re.findall(r"\w+(?:-\w+)+", text):
        out.update(stems(word.replace("-", " ")))
    return out


def join(a: str, b: str) -> str:
    """Append chunk b to chunk a, dropping the text they share at the seam."""
    for k in range(min(len(a), len(b), 400), MIN_OVERLAP - 1, -1):
        if a.endswith(b[:k]):
            return a + b[k:]
    return f"{a}\n\n{b}"


def spans(passages: Sequence[Passage], cites: Sequence[int], extra: Sequence[Passage] = ()) -> list[Span]:
    """Join each document's passages (and their neighbours) that follow each other in the document."""
    cite_of = {p.doc: c for p, c in zip(passages, cites, strict=True)}
    prior: dict[str, float] = {}
    for rank, p in enumerate(passages):
        prior.setdefault(p.id, RANK_PRIOR[rank] if rank < len(RANK_PRIOR) else 0.1)
    pool = {p.id: p for p in [*passages, *extra] if p.doc in cite_of}
    by_doc: dict[str, list[Passage]] = {}
    for p in pool.values():
        by_doc.setdefault(p.doc, []).append(p)
    out: list[Span] = []
    for doc, members in by_doc.items():
        members.sort(key=_chunk)
        runs: list[list[Passage]] = []
        for p in members:
            if runs and _chunk(p) == _chunk(runs[-1][-1]) + 1:
                runs[-1].append(p)
            else:
                runs.append([p])
        out.extend(_span(run, cite_of[doc], prior) for run in runs)
    out.sort(key=lambda s: -s.prior)
    return out


def _chunk(p: Passage) -> int:
    return p.meta.chunk


def _span(run: list[Passage], cite: int, prior: dict[str, float]) -> Span:
    text = run[0].text
    for q in run[1:]:
        text = join(text, q.text)
    own = [prior.get(q.id) for q in run]
    parts: list[tuple[str, float]] = []
    for k, q in enumerate(run):
        mine = own[k]
        if mine is None:
            near = [x for x in own[max(0, k - 1) : k + 2] if x is not None]
            mine = max(NEIGHBOUR_FLOOR, max(near, default=0.0) - NEIGHBOUR_DROP)
        parts.append((q.text, mine))
    return Span(cite, text, parts)


def _cut(sentence: str, pos: int, count: int) -> bool:
    """A sentence a chunk boundary cut: it starts mid-sentence, or the chunk ends before its full stop."""
    if pos == 0 and sentence[:1].islower():
        return True
    return pos == count - 1 and count > 1 and not sentence.rstrip().endswith(TERMINAL) and not LIST_ITEM.match(sentence)


def _heading(text: str, sentence: str) -> bool:
    """A heading, caption or credit: heading-like and on a line of its own (list items never are)."""
    if not is_heading_line(sentence):
        return False
    at = text.find(sentence[:30])
    return at <= 0 or text[at - 1] == "\n" or text[:at].rstrip(" ").endswith("\n")


def _candidates(all_spans: Sequence[Span]) -> list[Candidate]:
    out: list[Candidate] = []
    seen: set[str] = set()
    for n, span in enumerate(all_spans):
        sents = sentences(span.text)
        for pos, sent in enumerate(sents):
            key = sent.lower()
            short = len(sent) < (5 if LIST_ITEM.match(sent) else 20)
            if short or key in seen or _heading(span.text, sent) or _cut(sent, pos, len(sents)):
                continue
            seen.add(key)
            units = 0.5 if LIST_ITEM.match(sent) and len(sent) < 90 else 1.0
            out.append(Candidate(n, pos, sent, terms(sent), span.prior_of(sent), units))
    return out


def select(
    question: str, passages: Sequence[Passage], cites: Sequence[int], extra: Sequence[Passage] = (),
    bridged: Sequence[str] = (),
) -> list[tuple[int, str]]:
    """Pick (citation, sentence) pairs: the best passages' sentences that cover the question's words.

    A sentence's score is the prior of its passage's rank, plus its share of the question's
    (rarity-weighted) words and, more, of those words no sentence picked so far has. Across languages,
    where words are not shared, the question's words translated into the passages' language
    (`bridged`) count as question words, and beyond them the best passages speak.
    """
    all_spans = spans(passages, cites, extra)
    cands = _candidates(all_spans)
    q = list(dict.fromkeys([*terms(question), *terms(" ".join(bridged))]))
    n = len(cands) or 1
    weights = {t: math.log(1 + n / (1 + sum(t in c.terms for c in cands))) for t in q}
    total = sum(weights.values()) or 1.0
    wants_number = bool(NUMBER_CUE.search(question))
    covered: set[str] = set()
    chosen: list[Candidate] = []
    pulled: dict[tuple[int, int], float] = {}
    units = 0.0
    used = 0

    def value(c: Candidate, covered: set[str], pulled: dict[tuple[int, int], float]) -> float:
        full = sum(w for t, w in weights.items() if t in c.terms) / total
        new = sum(w for t, w in weights.items() if t in c.terms and t not in covered) / total
        bonus = 0.15 if wants_number and any(ch.isdigit() for ch in c.text) else 0.0
        return c.prior + FULL * full + MARGINAL * new + bonus + pulled.get((c.span, c.pos), 0.0)

    while cands:
        best = max(cands, key=lambda c: value(c, covered, pulled))
        if units + best.units > MAX_UNITS or (used + len(best.text) > MAX_CHARS and chosen):
            break
        cands.remove(best)
        chosen.append(best)
        covered |= best.terms
        units += best.units
        used += len(best.text)
        lists = best.text.rstrip().endswith(":") or LIST_ITEM.match(best.text)
        pulled[(best.span, best.pos + 1)] = LIST_PULL if lists else CONTINUE
    chosen.sort(key=lambda c: (c.span, c.pos))
    return [(all_spans[c.span].cite, c.text) for c in chosen]


FAKE_CITATION = re.compile(r"\s*\[\d{1,4}\]")


def compose(
    question: str, passages: Sequence[Passage], cites: Sequence[int], extra: Sequence[Passage] = (),
    bridged: Sequence[str] = (),
) -> str:
    """Quoted sentences with their citation; `[n]` written inside a document is dropped (not ours).

    Sentences run on as a paragraph; list items stand on lines of their own, as in the document.
    """
    out: list[str] = []
    after_item = False
    for cite, sent in select(question, passages, cites, extra, bridged):
        item = bool(LIST_ITEM.match(sent))
        if out:
            out.append("\n" if item or after_item else " ")
        out.append(f"{FAKE_CITATION.sub('', sent)} [{cite}]")
        after_item = item
    return "".join(out)
