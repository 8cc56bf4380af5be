"""A listwise softmax fit, shared by the fitters of the answer-unit chooser and the document ranker.

Each question contributes its candidates' features `x` (one row per candidate) and labels `y` (1 for a
right one). The weights maximise the mean log-probability that the first candidate is a right one (a softmax
over the question's candidates), by gradient ascent with momentum on standardised features, L2-regularised
towards `anchor` (or 0). Questions without a right candidate teach nothing and are left out.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import numpy as np


def fit_listwise(
    groups: Sequence[tuple[np.ndarray, np.ndarray]], dim: int, l2: float, steps: int, rate: float,
    start: np.ndarray | None = None, anchor: np.ndarray | None = None, verbose: bool = False,
) -> np.ndarray:
    """Weights in raw feature units (a shift cancels in a softmax, so there is no bias). `start` and `anchor`
    are in raw units too; `verbose` prints the loss every 100 steps."""
    usable = [(x, y) for x, y in groups if y.any()]
    allx = np.concatenate([x for x, _ in usable])
    mu, sd = allx.mean(0), allx.std(0) + 1e-6
    zs = [((x - mu) / sd, y) for x, y in usable]
    w = np.zeros(dim) if start is None else start * sd
    w0 = np.zeros(dim) if anchor is None else anchor * sd
    v = np.zeros(dim)
    for step in range(steps):
        grad = l2 * (w - w0)
        loss = 0.5 * l2 * float((w - w0) @ (w - w0))
        for z, y in zs:
            s = z @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            q = p * y
            loss -= float(np.log(q.sum() + 1e-12)) / len(zs)
            q /= q.sum()
            grad -= (q - p) @ z / len(zs)
        v = 0.9 * v - rate * grad
        w += v
        if verbose and step % 100 == 0:
            print(f"  step {step}: loss {loss:.4f}", file=sys.stderr)
    return np.asarray(w / sd)
