"""Fit the document ranker's weights (bot/ask/docrank.json) on labelled questions.

    CXBOT_DATA_DIR=/tmp/corpus-index python bench/fit_docrank.py [--write] [--folds 10]

Trains on bench/eval/train_questions.jsonl (written for fitting) plus the shared dev set; never on
bench/eval/own_questions.jsonl, which is reported only. Per answerable question, the documents retrieval
finds (the first `Policy.rerank_docs`) are the candidates; those named in its expected sources are the
positives. The model is a listwise softmax over each question's candidates (what matters is which document
comes first), L2-regularised, fitted on standardised features. Prints hit@1, hit@3 and MRR (over the
candidates; a question whose answer was not retrieved counts as a miss) for the committed weights, for
k-fold cross-validation on train, and for weights fitted on train and checked on dev.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from listwise import fit_listwise

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SETS = {"train": ROOT / "bench" / "eval" / "train_questions.jsonl", "dev": SHARED / "eval" / "dev_questions.jsonl",
        "own": ROOT / "bench" / "eval" / "own_questions.jsonl"}  # own: reported only, never fitted on
CACHE = Path(tempfile.gettempdir()) / f"cxbot-docrank-features-{ROOT.name}.npz"
# id, kind (+ "/x" when cross-lingual), features (those of `FEATURES`, then the same again for a question of
# several sentences, zeros for one), labels
Row = tuple[str, str, np.ndarray, np.ndarray]


def basename(src: str) -> str:
    return src.split("#", 1)[0].rstrip("/\\").replace("\\", "/").split("/")[-1].casefold()


def collect(path: Path, depth: int) -> list[Row]:
    """Per answerable question: its first `depth` retrieved documents' features and labels."""
    from bot.ask import docrank
    from bot.ask.service import rank_documents
    from bot.knowledge import Knowledge
    from bot.settings import Settings

    service = Knowledge(Settings()).ask
    out: list[Row] = []
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        q = json.loads(line)
        if not q["expected_sources"]:
            continue
        want = {basename(s) for s in q["expected_sources"]}
        groups = rank_documents(service.retriever.search(q["question"]))[:depth]
        if not groups:
            continue
        signals = service.signals(q["question"], groups)
        x = docrank.features(groups, signals)
        x = np.concatenate([x, x * float(signals.multi)], axis=1)
        y = np.array([float(basename(g[0].path) in want) for g in groups])
        kind = q["kind"] + ("/x" if q.get("cross_lingual") else "")
        out.append((q["id"], kind, x, y))
    return out


def rates(data: list[Row], w: np.ndarray, kind: str = "") -> dict[str, float]:
    """hit@1, hit@3 and MRR of the weights' order (over questions whose kind contains `kind`)."""
    h1 = h3 = rr = 0.0
    rows = [r for r in data if kind in r[1]]
    for _, _, x, y in rows:
        s = x @ w
        order = sorted(range(len(y)), key=lambda i: (-s[i], i))
        first = next((n for n, i in enumerate(order, 1) if y[i] > 0), None)
        if first:
            h1 += first == 1
            h3 += first <= 3
            rr += 1.0 / first
    n = max(len(rows), 1)
    return {"n": len(rows), "hit1": h1 / n, "hit3": h3 / n, "mrr": rr / n}


def show(label: str, data: list[Row], w: np.ndarray) -> None:
    parts = []
    for kind, name in (("", "all"), ("paraphrase", "para"), ("/x", "xling")):
        r = rates(data, w, kind)
        parts.append(f"{name}: hit3={r['hit3']:.3f} mrr={r['mrr']:.3f}" + (f" h1={r['hit1']:.3f}" if not kind else ""))
    print(f"{label:<28} " + "  ".join(parts))


def fit(data: list[Row], dim: int, l2: float, steps: int = 300, prior: np.ndarray | None = None) -> np.ndarray:
    """Maximise each question's log-probability that its first document is a positive (softmax over its
    candidates, `listwise.fit_listwise`), L2 towards `prior` (or 0), starting from it."""
    return fit_listwise([(x, y) for _, _, x, y in data], dim, l2, steps, rate=0.3, start=prior, anchor=prior)


def folds(data: list[Row], k: int, l2: float, prior: np.ndarray | None, dim: int) -> np.ndarray:
    """Cross-validated scores: each question scored by weights fitted without its fold. Returns one weight
    vector per question (rows), for `rates_cv`."""
    rng = np.random.default_rng(13)
    idx = rng.permutation(len(data))
    per = np.zeros((len(data), dim))
    for f in range(k):
        test = idx[f::k]
        train = [data[i] for i in idx if i not in set(test.tolist())]
        w = fit(train, dim, l2, prior=prior)
        per[test] = w
    return per


def rates_cv(data: list[Row], per: np.ndarray, kind: str = "") -> dict[str, float]:
    h1 = h3 = rr = 0.0
    n = 0
    for (_, k, x, y), w in zip(data, per, strict=True):
        if kind not in k:
            continue
        n += 1
        r = rates([("", k, x, y)], w)
        h1 += r["hit1"]
        h3 += r["hit3"]
        rr += r["mrr"]
    return {"n": n, "hit1": h1 / max(n, 1), "hit3": h3 / max(n, 1), "mrr": rr / max(n, 1)}


def main() -> None:
    from bot.ask.docrank import ASKED, FEATURES, weights
    from bot.ask.service import Policy

    ap = argparse.ArgumentParser()
    ap.add_argument("--write", action="store_true", help="write the fitted weights to bot/ask/docrank.json")
    ap.add_argument("--l2", type=float, default=0.1, help="L2 penalty on standardised weights")
    ap.add_argument("--folds", type=int, default=10)
    ap.add_argument("--depth", type=int, default=Policy().rerank_docs, help="candidate documents per question")
    ap.add_argument("--prior", type=float, default=0.0,
                    help="shrink towards the hand-set ranker (best chunk + gap + 0.3 best unit + 0.3 the last "
                         "sentence's) times this, instead of towards 0")
    ap.add_argument("--drop", default="", help="features to leave out (comma-separated)")
    ap.add_argument("--cached", action="store_true", help="reuse the features of the last run")
    ap.add_argument("--cache", type=Path, default=CACHE)
    ap.add_argument("--sets", default="train,dev,own")
    args = ap.parse_args()
    cache: Path = args.cache
    data: dict[str, list[Row]]
    if args.cached and cache.exists():
        data = np.load(cache, allow_pickle=True)["data"].item()
    else:
        data = {name: collect(SETS[name], args.depth) for name in args.sets.split(",")}
        np.savez(cache, data=np.array(data, dtype=object))
    data = {name: [(i, k, x[: args.depth], y[: args.depth]) for i, k, x, y in rows] for name, rows in data.items()}
    dim = 2 * len(FEATURES)
    keep = np.array([f not in args.drop.split(",") for f in FEATURES] * 2, dtype=float)
    data = {name: [(i, k, x * keep, y) for i, k, x, y in rows] for name, rows in data.items()}
    w0 = np.concatenate(weights())
    hand = {"score": 1.0, "gap": 1.0, "unit": 0.3}
    prior = args.prior * np.array([hand.get(f, 0.0) for f in FEATURES] + [0.3 * (f == "ask") for f in FEATURES])
    for name, d in data.items():
        show(f"committed {name} n={len(d)}", d, w0)
        got = sum(bool(y.any()) for *_, y in d)
        print(f"  answer among candidates: {got}/{len(d)}")
    per = folds(data["train"], args.folds, args.l2, prior, dim)
    parts = []
    for kind, name in (("", "all"), ("paraphrase", "para"), ("/x", "xling")):
        r = rates_cv(data["train"], per, kind)
        parts.append(f"{name}: hit3={r['hit3']:.3f} mrr={r['mrr']:.3f}" + (f" h1={r['hit1']:.3f}" if not kind else ""))
    print(f"{f'{args.folds}-fold CV train':<28} " + "  ".join(parts))
    w_train = fit(data["train"], dim, args.l2, prior=prior)
    for name, d in data.items():
        show(f"fitted on train: {name}", d, w_train)
    w_all = fit(data["train"] + data.get("dev", []), dim, args.l2, prior=prior)
    for name, d in data.items():
        show(f"fitted on both: {name}", d, w_all)
    one = {f: round(float(v), 4) for f, v in zip(FEATURES, w_all[: len(FEATURES)], strict=True)}
    multi = {f: round(float(v), 4) for f, v in zip(FEATURES, w_all[len(FEATURES):], strict=True)}
    for f in ASKED:  # zero for a question of one sentence: all their weight is the several sentences' one
        multi[f], one[f] = round(multi[f] + one[f], 4), 0.0
    print(json.dumps({"weights": one, "multi": multi}))
    if args.write:
        out: dict[str, Any] = {
            "note": f"fitted by bench/fit_docrank.py on bench/eval/train_questions.jsonl + the dev set (l2 {args.l2})",
            "weights": one, "multi": multi}
        (ROOT / "bot" / "ask" / "docrank.json").write_text(json.dumps(out, indent=2) + "\n")
        print("written bot/ask/docrank.json", file=sys.stderr)


if __name__ == "__main__":
    main()
