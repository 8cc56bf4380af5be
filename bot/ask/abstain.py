"""Near misses without an LLM: the right documents, but not the detail asked for.

After the answer units are scored, a small logistic combiner reads question-level signals: whether any of
the units it would quote gives the detail asked for (a count, a share, an amount, a date, a name; see
`detail`), how much of the question's rare vocabulary the best document contains at all, how much of it
the best units hold; and two of retrieval's, for questions off the knowledge's topic altogether that e5 still
rates close to some chunk (a recipe, the weather): how far the best passage is above the similarity floor, and
how much of the question is made of words the index has never seen in any language (`AskService.unknown`).
Its weights are
fitted by `bench/fit_abstain.py` on the project's own labelled questions and committed in
`abstain.json`; its threshold is set for precision (a wrong refusal costs more than a missed one).
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from importlib import resources

from bot.ask.answertype import NAME, NUMBER, PERSON, Wants
from bot.ask.chooser import Candidate, Scored, topic_weights, with_parent
from bot.ask.detail import asked, holds
from bot.ask.extractive import following

# Signals that mean the same whatever the size of the index (similarity levels and margins do not; how far the
# best passage is above retrieval's own floor is measured against the floor, which is set per embedder).
FEATURES = ("detail_miss", "doc_cov", "best_kw", "above_floor", "unknown")
# Of them, those retrieval computed before the answer stage (`AskService.features`), read as they are.
RETRIEVAL = ("dense", "margin", "xling", "above_floor", "unknown")
# The units read for the detail: those an answer would quote first.
QUOTED = 3


@lru_cache(maxsize=1)
def model() -> tuple[dict[str, float], float, float]:
    raw = json.loads(resources.files("bot.ask").joinpath("abstain.json").read_text())
    return {k: float(v) for k, v in raw["weights"].items()}, float(raw["bias"]), float(raw["threshold"])


def _with_parent(scored: Scored, c: Candidate, first: bool = False) -> str:
    """A unit as an answer quotes it: with its parent item, and, for the first line, the sentence after it
    in its paragraph (see `extractive.compose`)."""
    units = scored.units_of(c)
    nxt = following(c, units) if first else None
    return with_parent(c.unit, units) + (f" {nxt.text}" if nxt is not None else "")


def on_topic(scored: Scored) -> list[Candidate]:
    """The units ranked by how much they are about what is asked (`chooser.topic_weights`, fitted without the
    chooser's detail signal): with it, a unit holding some figure or name climbs into the first three whatever
    it is about, and a near miss would always look answered."""
    w = topic_weights()
    return sorted(scored.ranked, key=lambda c: -float(w @ c.x))


def detail_miss(question: str, scored: Scored) -> float:
    """1.0 when the question asks for a detail and none of the units most about it gives one."""
    kind = asked(question)
    if kind is None:
        return 0.0
    return float(not any(holds(kind, _with_parent(scored, c, k == 0), question, scored.docs[c.cite].lang)
                         for k, c in enumerate(on_topic(scored)[:QUOTED])))


def features(
    question: str, scored: Scored, want: Wants, idf_unknown: float, base: dict[str, float],
) -> dict[str, float]:
    """Question-level signals, from the scored units of the cited documents and retrieval's own."""
    ranked = scored.ranked
    if not ranked:
        return {**{f: 0.0 for f in FEATURES}, **{k: base.get(k, 0.0) for k in RETRIEVAL}}
    top = ranked[:3]
    typed = want.kind in (NUMBER, PERSON, NAME)
    total = sum(scored.qweights.values()) or 1.0
    first = scored.docs[ranked[0].cite]
    have = set().union(*first.terms) if first.terms else set()
    every = set().union(*(t for d in scored.docs.values() for t in d.terms))
    missing = [w for t, w in scored.qweights.items() if t not in every]
    return {
        "best": ranked[0].score,
        "best_sem": float(ranked[0].x[0]),
        "best_kw": max(float(c.x[2]) for c in ranked[:5]),
        "typed_miss": float(typed and all(c.x[4] < 1.0 for c in top)),
        "detail_miss": detail_miss(question, scored),
        "doc_cov": sum(w for t, w in scored.qweights.items() if t in have) / total,
        "missing": max(missing, default=0.0) / max(idf_unknown, 1e-6),
        **{k: base.get(k, 0.0) for k in RETRIEVAL},
    }


def probability(f: dict[str, float]) -> float:
    weights, bias, _ = model()
    z = bias + sum(weights.get(k, 0.0) * v for k, v in f.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def declines(f: dict[str, float]) -> bool:
    """True when the detail asked for is, by these signals, not in the knowledge."""
    return probability(f) >= model()[2]
