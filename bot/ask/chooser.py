"""Scores every answer unit of the best documents against a question.

The score is a weighted sum of signals (`FEATURES`); the weights are fitted by `bench/fit_chooser.py`
on labelled questions the project wrote for that purpose (bench/eval/train_questions.jsonl and the dev
set), and committed in `chooser.json`. No single signal decides: meaning alone (e5) finds the topic but
not the sentence with the figure; words alone fail across languages.

One signal (`detail_ok`) is whether a unit, read with its parent item, holds the kind of detail the question
asks for (`bot.ask.detail`: a count, a share, an amount, a date, a person's name, a country …). The near-miss
check must not read units that climbed on it alone: it ranks by `topic_weights`, the same fit without it.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.ask.answertype import LIST, NAME, NUMBER, PERSON, Wants, satisfies
from bot.ask.detail import asked, holds
from bot.ingest.units import HEADING, ITEM, ROW, Unit, clean, units
from bot.text import stems

# Weight, in score units, of the share of the question's words a further piece would newly cover.
COVER = 3.0
FEATURES = (
    "sem", "sem_rel", "kw", "kw_ctx", "type_ok", "in_passage", "pass_rel", "doc_rank", "item", "row",
    "colon", "opening", "short", "logw", "list_q_item", "sem_focus", "sem_focus_rel", "hub", "lead_sim",
    "detail_ok",
)
# A unit's "hubness" (feature `hub`): its mean similarity to its HUB_K nearest units of the same document.
HUB_K = 5
# A question word whose stem is in at least this share of the first document's units (and in 3 or more),
# or in its title, may name the document ("according to the 2022 CEX Trendradar"): it picks the document,
# not the sentence that answers (see `source_words`).
COMMON_SHARE = 0.1
COMMON_MIN = 3
_FOCUS = FEATURES.index("sem_focus")
# Phrases that say where the answer should come from rather than what is asked: "according to the 2023
# study", "in the blog post about the survey", "the article says", "laut dem Trendradar 2022", "im Beitrag
# zur Studie". A German source is a run of capitalised words, figures and quoted titles (its nouns), so
# "laut dem Artikel zur Studie problematisch" keeps "problematisch".
_SOURCE_NOUN = (r"(?:blog\s+post|article|study|post|blog|survey|report|paper|piece|playbook|page|guide|document|"
                r"interview|artikel|beitrag|blog\w*|studie|umfrage|bericht|leitfaden|dokument)")
_CLAUSE_END = r"(?=\s*[,?;.!]|\s*$)"
_DE_NAME = r"(?:„[^“]*“|\"[^\"]*\"|[A-ZÄÖÜ0-9][^\s,?;]*)"
_DE_SOURCE = rf"(?:(?:de[mnr]|die|das|einer?m?)\s+)?{_DE_NAME}(?:\s+(?:(?:zu[rm]?|über|von|des|der)\s+)?{_DE_NAME})*"
_ATTRIBUTION = re.compile(
    r"(?i:\baccording to\b)[^,?;]*|"
    rf"(?i:\b(?:in|from)\s+(?:the|this|that|a|an|its)\s+(?:[^\s,?;]+\s+){{0,6}}?{_SOURCE_NOUN}\b"
    rf"(?:\s+(?:on|about|of|for)\b[^,?;]*{_CLAUSE_END})?)|"
    rf"(?i:\b(?:the|this|that)\s+(?:[^\s,?;]+\s+){{0,6}}?{_SOURCE_NOUN}\s+(?:says|states|mentions|names|describes|"
    r"claims|reports)\b)|"
    rf"(?i:\b(?:laut|gemäß)\s+){_DE_SOURCE}|"
    rf"(?i:\b(?:im|in\s+de[mr])\s+{_SOURCE_NOUN}\b)(?:\s+(?i:zu[rm]?|über|von)\s+{_DE_SOURCE})?",
)
_ASKS = re.compile(r"\b(?:which|what|welche[rsnm]?|was\s+für|wie\s+viele)\s+((?:[\w-]+\s+){0,1}[\w-]+)", re.I)


@lru_cache(maxsize=1)
def _raw() -> dict[str, Any]:
    raw: dict[str, Any] = json.loads(resources.files("bot.ask").joinpath("chooser.json").read_text())
    return raw


@lru_cache(maxsize=1)
def weights() -> tuple[npt.NDArray[np.float64], float]:
    raw = _raw()
    return np.array([float(raw["weights"].get(f, 0.0)) for f in FEATURES]), float(raw.get("bias", 0.0))


@lru_cache(maxsize=1)
def topic_weights() -> npt.NDArray[np.float64]:
    """Weights fitted without `detail_ok` (chooser.json "topic", written by `bench/fit_chooser.py --write`): they rank units by how much they are about what
    is asked, whether or not they hold the kind of detail asked for. The near-miss check reads those units: with
    `detail_ok`, any unit holding some figure or name climbs into the first three."""
    raw = _raw()
    topic = raw.get("topic", raw["weights"])
    return np.array([0.0 if f == "detail_ok" else float(topic.get(f, 0.0)) for f in FEATURES])


def terms(text: str) -> set[str]:
    """Stems, plus the parts of hyphenated compounds ("IT-Abteilung" also counts as "Abteilung").

    (Splitting closed German compounds with `compound-split` was tried: its model costs 360 MB and
    seconds to load in every process that answers, for no measured gain.)"""
    out = set(stems(text))
    for word in re.findall(r"\w+(?:-\w+)+", text):
        out.update(stems(word.replace("-", " ")))
    return out


def asked_terms(question: str) -> set[str]:
    """The stems of what the question asks for: the words right after its which/what/welche."""
    m = _ASKS.search(question)
    return terms(m.group(1)) if m else set()


def source_words(question: str, unit_terms: Sequence[set[str]], title: str = "") -> set[str]:
    """The question's stems that name its first document rather than what is asked: in its title or in
    many of its units, and not the thing asked for ("Which personas ..." keeps "personas")."""
    counts: Counter[str] = Counter(t for ts in unit_terms for t in ts)
    limit = max(COMMON_MIN, COMMON_SHARE * len(unit_terms))
    own = terms(question)
    common = {t for t in own if counts[t] >= limit} | (own & terms(title))
    return common - asked_terms(question)


def focus(question: str, unit_terms: Sequence[set[str]], title: str = "") -> str:
    """The question without the phrase that says where to look ("according to the 2023 study", "laut dem
    Artikel zur Studie": `_ATTRIBUTION`) and without the words that name its first document (`source_words`).

    Those words (the study's or article's name) make every sentence of the document look alike to e5,
    and the attribution line ("This is one of the results of the CEX Trendradar 2023") closest of all.
    The question as asked when nothing (or everything) would be dropped."""
    drop = source_words(question, unit_terms, title)
    kept = [w for w in _ATTRIBUTION.sub(" ", question).split() if not set(stems(w)) & drop]
    return " ".join(kept) if kept else question


@dataclass
class DocInput:
    """One cited document: its units (with vectors where the index has them) and what retrieval found."""

    cite: int
    doc: str
    lang: str
    units: list[Unit]
    vectors: npt.NDArray[np.float32]
    passages: Sequence[tuple[str, float]]  # retrieved chunk texts of this document with their scores
    rank: int
    terms: list[set[str]] = field(default_factory=list)
    context_terms: list[set[str]] = field(default_factory=list)
    title: str = ""


@dataclass
class Candidate:
    cite: int
    unit: Unit
    terms: set[str]
    x: npt.NDArray[np.float64]
    score: float = 0.0


@dataclass
class Scored:
    ranked: list[Candidate]
    docs: dict[int, DocInput]
    qweights: dict[str, float]
    asks: list[Scored] = field(default_factory=list)  # for a question of several asks, each scored on its own

    def units_of(self, c: Candidate) -> list[Unit]:
        return self.docs[c.cite].units

    def terms_of(self, cite: int, unit: Unit) -> set[str]:
        return self.docs[cite].terms[unit.n]

    def new_share(self, c: Candidate, covered: set[str]) -> float:
        total = sum(self.qweights.values()) or 1.0
        return sum(w for t, w in self.qweights.items() if t in c.terms and t not in covered) / total


def from_chunks(chunks: Sequence[tuple[str, str]]) -> list[Unit]:
    """Units re-cut from a document's chunks (an index from before units were stored at ingest)."""
    sections: list[tuple[str, str]] = []
    for section, text in chunks:
        if sections and sections[-1][0] == section:
            prev = sections[-1][1]
            k = next((k for k in range(min(len(prev), len(text), 400), 11, -1) if prev.endswith(text[:k])), 0)
            sections[-1] = (section, prev + text[k:] if k else f"{prev}\n\n{text}")
        else:
            sections.append((section, text))
    return units(sections)


def _context(u: Unit, all_units: list[Unit]) -> str:
    idx = [i for i in (u.parent, u.lead, u.intro) if 0 <= i < len(all_units)]
    return " ".join([u.section, *(all_units[i].text for i in idx)])


def score(
    question: str, qvec: npt.NDArray[np.float32] | None, docs: list[DocInput], bridged: dict[str, list[str]],
    idf: Callable[[str], float], want: Wants, embed: Callable[[str], npt.NDArray[np.float32]] | None = None,
) -> Scored:
    """Every quotable unit of `docs`, scored and ranked best first.

    `embed` gives the query vector of a text: with it, units are also compared with the question's
    `focus` (one more query embedding when the focus differs from the question)."""
    own = terms(question)
    qterms: dict[str, set[str]] = {}
    qweights: dict[str, float] = {t: idf(t) for t in own}
    for d in docs:
        extra = terms(" ".join(bridged.get(d.lang, [])))
        qterms[d.lang] = own | extra
        for t in extra:
            qweights.setdefault(t, idf(t) * 0.8)
    w, bias = weights()
    detail = asked(question)
    cands: list[Candidate] = []
    sems: list[float] = []
    fsems: list[float] = []
    for d in docs:
        if len(d.terms) != len(d.units):  # in place: the lists may be the index copy's cache
            # Other threads may read them meanwhile: both computed first, `terms` (the one tested) set last.
            unit_terms = [terms(u.text) for u in d.units]
            d.context_terms[:] = [terms(_context(u, d.units)) for u in d.units]
            d.terms[:] = unit_terms
    fvec = qvec
    if embed is not None and qvec is not None and docs:
        focused = focus(question, docs[0].terms, docs[0].title)
        if focused != question:
            fvec = np.asarray(embed(focused), dtype=np.float32)
    for d in docs:
        q = qterms[d.lang]
        total = sum(qweights[t] for t in q) or 1.0
        has_vec = qvec is not None and d.vectors.shape[0] == len(d.units) and d.vectors.shape[1] == qvec.shape[0]
        sim = d.vectors @ qvec if has_vec and qvec is not None else np.zeros(len(d.units), dtype=np.float32)
        fsim = d.vectors @ fvec if has_vec and fvec is not None else sim
        top_pass = max((s for _, s in d.passages), default=0.0)
        located = [(clean(text), s) for text, s in d.passages]
        found: list[tuple[Unit, list[float]]] = []
        for u in d.units:
            if u.kind == HEADING:
                continue
            head = _locator(u)
            inside = [s for text, s in located if head in text]
            if inside or not d.passages:  # else not where retrieval located the answer
                found.append((u, inside))
        hub, lead = _hubness(d, [u.n for u, _ in found], has_vec)
        for u, inside in found:
            ut = d.terms[u.n]
            ctx = d.context_terms[u.n]
            x = np.array([
                float(sim[u.n]), 0.0,
                sum(qweights[t] for t in q if t in ut) / total,
                sum(qweights[t] for t in q if t in ctx and t not in ut) / total,
                _type_ok(want, u, d.units),
                1.0 if inside else 0.0,
                (max(inside) - top_pass) if inside else -0.3,
                float(d.rank),
                float(u.kind == ITEM), float(u.kind == ROW),
                float(u.text.rstrip().endswith(":")),
                float(u.n < 2),
                float(len(u.text.split()) < 5),
                math.log(1 + len(u.text.split())),
                float(want.kind == LIST and u.kind == ITEM),
                float(fsim[u.n]), 0.0,
                hub.get(u.n, 0.0), lead.get(u.n, 0.0),
                0.0 if detail is None else (1.0 if holds(detail, with_parent(u, d.units), question, d.lang) else -1.0),
            ])
            sems.append(float(sim[u.n]))
            fsems.append(float(fsim[u.n]))
            cands.append(Candidate(d.cite, u, ut, x))
    best_sem, best_focus = max(sems, default=0.0), max(fsems, default=0.0)
    for c in cands:
        c.x[1] = c.x[0] - best_sem if c.x[0] else -0.1
        c.x[_FOCUS + 1] = c.x[_FOCUS] - best_focus if c.x[_FOCUS] else -0.1
        c.score = float(w @ c.x + bias)
    cands.sort(key=lambda c: -c.score)
    seen: set[str] = set()
    ranked = []
    for c in cands:  # the same sentence twice in a document (a lead repeated, say) is one candidate
        if c.unit.text not in seen:
            seen.add(c.unit.text)
            ranked.append(c)
    return Scored(ranked, {d.cite: d for d in docs}, qweights)


def with_parent(u: Unit, all_units: Sequence[Unit]) -> str:
    """A unit's text after its parent item's (a nested item says little on its own)."""
    parent = all_units[u.parent].text if 0 <= u.parent < len(all_units) else ""
    return f"{parent} {u.text}"


def _hubness(d: DocInput, idx: list[int], has_vec: bool) -> tuple[dict[int, float], dict[int, float]]:
    """For the units numbered `idx`: how generic each is within its document, and how close to its opening.

    The first is the mean similarity to the unit's HUB_K most similar other units: an attribution line or
    a summary sentence resembles much of its document, and e5 puts it near any question about the document
    (a "hub"); the sentence with the asked detail stands apart. The second is the similarity to the first
    unit that is not a heading. Zero without vectors. Computed for the candidates only: one row of
    similarities each, never the whole document's square matrix."""
    if not has_vec or not idx:
        return {}, {}
    v = d.vectors
    sims = v[idx] @ v.T
    sims[np.arange(len(idx)), idx] = -np.inf
    k = min(HUB_K, v.shape[0] - 1)
    hub = np.sort(sims, axis=1)[:, -k:].mean(axis=1) if k > 0 else np.zeros(len(idx))
    first = next((u.n for u in d.units if u.kind != HEADING), 0)
    lead = v[idx] @ v[first]
    return dict(zip(idx, map(float, hub), strict=True)), dict(zip(idx, map(float, lead), strict=True))


def _locator(u: Unit) -> str:
    """What a unit's text starts with in its chunk: a table row is written "Header: cell · Header: cell" as
    a unit, but stands in the chunk as "| cell | cell |", so its first cell finds it there."""
    if u.kind != ROW:
        return u.text[:40]
    first = u.text.split(" · ", 1)[0]
    return first.split(": ", 1)[-1][:40]


def _type_ok(want: Wants, u: Unit, all_units: list[Unit]) -> float:
    if want.kind not in (NUMBER, PERSON, NAME):
        return 0.0
    return 1.0 if satisfies(want, with_parent(u, all_units)) else -1.0
