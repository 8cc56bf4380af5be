"""Fit the near-miss combiner (bot/ask/abstain.json) on labelled questions.

    CXBOT_DATA_DIR=/tmp/corpus-index python bench/fit_abstain.py [--write] [--min-precision 0.95]

Fitted on bench/eval/train_questions.jsonl only; the shared dev set is a check it prints, never fitted on
(and bench/eval/own_questions.jsonl is never read). Questions that retrieval's similarity floor already
declines are left out: the combiner only decides the ones that reach the answer stage. Logistic
regression, L2-regularised, on standardised features; the threshold is the one with the best F1 among
those whose precision on the fitting data is at least --min-precision, so that refusals stay trustworthy
on questions nobody fitted. At 0.85 the threshold sat among the answerable questions whose detail is present
(those with little word coverage, often cross-lingual), so unseen questions of that kind were refused; at 0.95
a refusal needs the detail to be missing. The same fit is cross-validated (10 folds, threshold chosen inside each fold)
and the held-out figures are printed: those, not the fitted ones, say how well it generalises.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
TRAIN = ROOT / "bench" / "eval" / "train_questions.jsonl"
DEV = SHARED / "eval" / "dev_questions.jsonl"
Collected = tuple[list[str], np.ndarray, np.ndarray, int, int]


def collect(path: Path) -> Collected:
    """Features of the questions that reach the answer stage, their labels, and how many unanswerable
    (and answerable) questions retrieval's floor declined before it."""
    from bot.ask import abstain
    from bot.knowledge import Knowledge
    from bot.settings import Settings

    service = Knowledge(Settings()).ask
    ids: list[str] = []
    rows: list[list[float]] = []
    labels: list[float] = []
    gated = gated_wrong = 0
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        q = json.loads(line)
        unanswerable = q["kind"] == "unanswerable" or not q["expected_sources"]
        f = service.explained(q["question"])[1]
        if "best" not in f:
            gated += int(unanswerable)
            gated_wrong += int(not unanswerable)
            continue
        ids.append(q["id"])
        rows.append([f[k] for k in abstain.FEATURES])
        labels.append(float(unanswerable))
    return ids, np.array(rows), np.array(labels), gated, gated_wrong


def fit(x: np.ndarray, y: np.ndarray, l2: float = 0.3, steps: int = 5000) -> tuple[np.ndarray, float]:
    mu, sd = x.mean(0), x.std(0) + 1e-6
    z = (x - mu) / sd
    w = np.zeros(x.shape[1])
    b = 0.0
    pos = max(y.mean(), 1e-3)
    cw = np.where(y > 0, 0.5 / pos, 0.5 / (1 - pos))  # balanced classes
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        g = (p - y) * cw
        w -= 0.1 * (z.T @ g / len(y) + l2 * w / len(y))
        b -= 0.1 * g.mean()
    return w / sd, b - float((w / sd) @ mu)


def prob(x: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    return np.asarray(1 / (1 + np.exp(-(x @ w + b))))


def threshold(p: np.ndarray, y: np.ndarray, gated: int, min_precision: float) -> tuple[float, float, float, float]:
    """(F1, threshold, precision, recall with the floor) of the best threshold at that precision.

    Thresholds that decide every fitting question alike tie; the middle one of the tied run is taken, not its
    lowest, which would lie just above the highest-scored question it answers (no margin for unseen ones)."""
    found: list[tuple[float, float, float, float]] = []
    for t in np.arange(0.30, 0.99, 0.01):
        pred = p >= t
        tp = float((pred & (y > 0)).sum())
        prec = tp / max(pred.sum(), 1)
        rec = (tp + gated) / max(y.sum() + gated, 1)
        f1 = 2 * prec * rec / max(prec + rec, 1e-9)
        if pred.sum() and prec >= min_precision:
            found.append((f1, float(t), prec, rec))
    if not found:
        return (0.0, 0.99, 0.0, 0.0)
    top = max(f for f, *_ in found)
    tied = [r for r in found if r[0] >= top - 1e-9]
    run = [tied[0]]  # the first run of consecutive tied thresholds
    for r in tied[1:]:
        if abs(r[1] - run[-1][1] - 0.01) > 1e-6:
            break
        run.append(r)
    return run[len(run) // 2]


def figures(pred: np.ndarray, y: np.ndarray, gated: int, gated_wrong: int = 0) -> str:
    """Abstain precision / recall / F1 over the whole set (the floor's declines included)."""
    tp = float((pred & (y > 0)).sum()) + gated
    declined = float(pred.sum()) + gated + gated_wrong
    prec, rec = tp / max(declined, 1), tp / max(y.sum() + gated, 1)
    return f"precision {prec:.2f}, recall {rec:.2f}, F1 {2 * prec * rec / max(prec + rec, 1e-9):.2f}"


def cross_validated(x: np.ndarray, y: np.ndarray, gated: int, min_precision: float, folds: int = 10) -> str:
    fold = np.random.RandomState(0).permutation(len(y)) % folds
    pred = np.zeros(len(y), dtype=bool)
    for k in range(folds):
        fit_on, held = fold != k, fold == k
        w, b = fit(x[fit_on], y[fit_on])
        t = threshold(prob(x[fit_on], w, b), y[fit_on], 0, min_precision)[1]
        pred[held] = prob(x[held], w, b) >= t
    return figures(pred, y, gated)


def main() -> None:
    from bot.ask.abstain import FEATURES

    ap = argparse.ArgumentParser()
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--min-precision", type=float, default=0.95)
    args = ap.parse_args()
    ids, x, y, gated, _ = collect(TRAIN)
    print(f"{len(ids)} training questions reach the answer stage ({int(y.sum())} unanswerable); "
          f"{gated} unanswerable already declined by the similarity floor")
    w, b = fit(x, y)
    p = prob(x, w, b)
    best = threshold(p, y, gated, args.min_precision)
    print(f"threshold {best[1]:.2f}: precision {best[2]:.2f}, recall {best[3]:.2f} (with the floor), F1 {best[0]:.2f}")
    print(f"train, 10-fold cross-validated: {cross_validated(x, y, gated, args.min_precision)}")
    _, dx, dy, dgated, dwrong = collect(DEV)
    print(f"dev (a check, not fitted): {figures(prob(dx, w, b) >= best[1], dy, dgated, dwrong)}")
    for i in np.argsort(-p)[:25]:
        print(f"  {ids[i]:<24} p={p[i]:.2f} label={int(y[i])}")
    print(json.dumps({f: round(float(v), 4) for f, v in zip(FEATURES, w, strict=True)}), round(b, 4))
    if args.write:
        out = {"note": "fitted by bench/fit_abstain.py on bench/eval/train_questions.jsonl",
               "bias": round(b, 4), "threshold": round(best[1], 2),
               "weights": {f: round(float(v), 4) for f, v in zip(FEATURES, w, strict=True)}}
        (ROOT / "bot" / "ask" / "abstain.json").write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
