"""Orders the retrieved documents by a weighted sum of per-document signals.

Retrieval ranks chunks; which document a question is about is a different call. A question written as a
scene ("I'm off for a week soon. How early should I tell the team?") or in the other language of its
answer often has its answer's document among the retrieved ones but not first. No single signal places
it: the best chunk, the best answer units, the last sentence's best units, keyword evidence (own and
bridged), how much of the document retrieval found, and the question's language gap each help on some.
(Also tried, with no gain in cross-validation: the mean similarity of a document's units and of its chunks,
its title's, the share of the question's rare words its retrieved text holds, word-by-word soft matches.)

One signal is the answer units' similarity with every vector centred on its language's mean unit
(`centred`): e5 rates whatever is written in the question's language, and whatever sounds like the bulk
of a language's documents, closer to everything; taken out on both sides, what is left is what this
unit says that the others do not.

A question of several sentences is scored with a second set of weights added (`multi`): there the last
sentence usually asks, and the ones before set a scene, which shifts what each signal is worth. (The scene's
own best units as a signal were fitted a positive weight that pulled scenes' documents up: left out.)

The weights are fitted by `bench/fit_docrank.py` on labelled questions (bench/eval/train_questions.jsonl
and the dev set) and committed in `docrank.json`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import numpy.typing as npt

from bot.search.retriever import Passage

FEATURES = (
    "score", "dense", "kw", "bridged", "chunks", "second", "unit", "unit3", "ask", "ask3",
    "gap", "xling", "rank", "askc", "centred", "centred_ask",
)
# The last sentence's signals (zero for a question of one sentence).
ASKED = ("ask", "ask3", "askc", "centred_ask")
# A document without answer units (an index from before they were cut) scores this far below the best one.
MISSING = -0.05

Vec = npt.NDArray[np.float32]
Weights = tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]


@lru_cache(maxsize=1)
def weights() -> Weights:
    """The weights of every question, and those added for a question of several sentences."""
    raw = json.loads(resources.files("bot.ask").joinpath("docrank.json").read_text())
    one = np.array([float(raw["weights"].get(f, 0.0)) for f in FEATURES])
    multi = np.array([float(raw.get("multi", {}).get(f, 0.0)) for f in FEATURES])
    return one, multi


@dataclass(frozen=True)
class Signals:
    """What the features are computed from, besides the retrieved passages."""

    qlang: str
    qvec: Vec
    # The last sentence of a question of several (None for one sentence).
    askvec: Vec | None
    # A document's answer units' vectors and language (None for a document without unit vectors).
    units: Callable[[str], tuple[npt.NDArray[np.float32], str] | None]
    # Every chunk of a document's similarity to a vector (None without chunk vectors).
    chunks: Callable[[str, Vec], npt.NDArray[np.float32] | None]
    # Per language, the mean vector of its answer units.
    means: Mapping[str, Vec]
    # Per document in another language, what the question's language gap adds to retrieval's bonus.
    gap: Mapping[str, float]
    keyword_floor: float

    @property
    def multi(self) -> bool:
        return self.askvec is not None


def _relative(values: list[float]) -> list[float]:
    """Each value less the best (documents without one get `MISSING`)."""
    have = [v for v in values if not math.isnan(v)]
    top = max(have, default=0.0)
    return [MISSING if math.isnan(v) else v - top for v in values]


def _best(sims: npt.NDArray[np.float32] | None) -> float:
    return float(sims.max()) if sims is not None and sims.size else math.nan


def _best3(sims: npt.NDArray[np.float32] | None) -> float:
    if sims is None or not sims.size:
        return math.nan
    return float(np.sort(sims)[-3:].mean())


def _centred(vectors: npt.NDArray[np.float32], lang: str, vec: Vec, s: Signals) -> float:
    """The best unit's similarity with unit and vector each less its language's mean unit."""
    own, theirs = s.means.get(lang), s.means.get(s.qlang)
    if own is None or theirs is None:
        return math.nan
    return float(((vectors - own) @ (vec - theirs)).max())


def features(groups: Sequence[Sequence[Passage]], s: Signals) -> npt.NDArray[np.float64]:
    """One row of `FEATURES` per document (each group: a document's retrieved passages, best first).

    Similarities are relative to the best document's (a shift every document shares changes no order)."""
    every = [p for g in groups for p in g]
    kscale = max(max((p.keyword for p in every), default=0.0), s.keyword_floor)
    bscale = max(max((p.bridged for p in every), default=0.0), s.keyword_floor)
    best_score = max((g[0].score for g in groups), default=0.0)
    best_dense = max((p.dense for p in every), default=0.0)
    cols: dict[str, list[float]] = {f: [] for f in FEATURES}
    for i, g in enumerate(groups):
        doc, same = g[0].doc, g[0].meta.lang == s.qlang
        cols["score"].append(g[0].score - best_score)
        cols["dense"].append(max(p.dense for p in g) - best_dense)
        cols["kw"].append(max(p.keyword for p in g) / kscale if same else 0.0)
        cols["bridged"].append(0.0 if same else max(p.bridged for p in g) / bscale)
        cols["chunks"].append(math.log(len(g)))
        cols["second"].append((g[1].score if len(g) > 1 else g[0].score - 0.05) - best_score)
        cols["gap"].append(s.gap.get(doc, 0.0))
        cols["xling"].append(0.0 if same else 1.0)
        cols["rank"].append(1.0 / (1 + i))
        got = s.units(doc)
        sims = got[0] @ s.qvec if got is not None else None
        cols["unit"].append(_best(sims))
        cols["unit3"].append(_best3(sims))
        cols["centred"].append(_centred(got[0], got[1], s.qvec, s) if got is not None else math.nan)
        if s.askvec is not None:
            asked = got[0] @ s.askvec if got is not None else None
            cols["ask"].append(_best(asked))
            cols["ask3"].append(_best3(asked))
            cols["askc"].append(_best(s.chunks(doc, s.askvec)))
            cols["centred_ask"].append(_centred(got[0], got[1], s.askvec, s) if got is not None else math.nan)
    for f in ("unit", "unit3", "centred", *ASKED):
        cols[f] = _relative(cols[f]) if cols[f] else [0.0] * len(groups)
    return np.array([cols[f] for f in FEATURES], dtype=np.float64).T.reshape(len(groups), len(FEATURES))


def scores(x: npt.NDArray[np.float64], multi: bool, w: Weights) -> npt.NDArray[np.float64]:
    one, more = w
    return np.asarray(x @ (one + more if multi else one))


def order(groups: list[list[Passage]], s: npt.NDArray[np.float64]) -> list[list[Passage]]:
    """The groups sorted by score, best first (ties keep retrieval's order)."""
    return [groups[i] for i in sorted(range(len(groups)), key=lambda i: (-s[i], i))]
