"""Answer a question set through `cxbot ask --batch` and report every answer-quality bar of issue #13.

    CXBOT_DATA_DIR=/tmp/corpus-index python bench/answer_quality.py [--ingest]
    CXBOT_DATA_DIR=/tmp/corpus-index python bench/answer_quality.py --questions bench/eval/own_questions.jsonl

Default question file: ../shared/eval/dev_questions.jsonl (the set we tune on). bench/eval/own_questions.jsonl
is reported, never tuned on (see bench/eval/README.md).

The answers come from the real command line, as the held-out measurement gets them: the questions are
written as {id, question} lines and passed to `cxbot ask --batch`, whose stdout is the prediction file.
With --ingest, `cxbot ingest` indexes ../shared/corpus/{trends,playbooks} into CXBOT_DATA_DIR first.
--predictions FILE scores an existing prediction file instead of asking.

Scoring is the shared scorer (../shared/eval/score.py, imported from its path, so the table and the fact
matching are exactly its own). On top it prints the #13 bars the scorer lacks: median answer length,
a key fact within the first 30 words, abstain precision/recall/F1, cross-lingual and paraphrase hit@3,
key facts by kind and by cross-lingual. --json prints the same figures as one JSON object.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SCORER = SHARED / "eval" / "score.py"
DEV_QUESTIONS = SHARED / "eval" / "dev_questions.jsonl"
CORPUS = (SHARED / "corpus" / "trends", SHARED / "corpus" / "playbooks")
FIRST_WORDS = 30

# (label, figure key, goal, higher is better)
BARS: list[tuple[str, str, float, bool]] = [
    ("hit@3", "hit3", 0.95, True),
    ("MRR", "mrr", 0.88, True),
    ("key facts", "facts", 0.85, True),
    ("median answer length (words)", "median_words", 70, False),
    (f"key fact in first {FIRST_WORDS} words", "fact_first30", 0.80, True),
    ("abstain F1", "abstain_f1", 0.70, True),
    ("abstain precision", "abstain_p", 0.80, True),
    ("abstain recall", "abstain_r", 0.0, True),
    ("cross-lingual hit@3", "xling_hit3", 0.93, True),
    ("paraphrase hit@3", "paraphrase_hit3", 0.90, True),
]


def load_scorer(path: Path = SCORER) -> ModuleType:
    spec = importlib.util.spec_from_file_location("cx_shared_score", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load the scorer from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cxbot_command() -> str:
    beside = Path(sys.executable).parent / "cxbot"
    if beside.exists():
        return str(beside)
    found = shutil.which("cxbot")
    if found is None:
        raise SystemExit("cxbot is not installed here (run `make install`)")
    return found


def ingest(cxbot: str) -> None:
    t0 = time.perf_counter()
    run = subprocess.run([cxbot, "ingest", "--json", *map(str, CORPUS)], capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"cxbot ingest failed ({run.returncode}):\n{run.stderr}")
    print(f"ingested in {time.perf_counter() - t0:.1f} s: {' '.join(run.stdout.split())}")


def ask_batch(cxbot: str, questions: list[dict[str, Any]], out: Path) -> float:
    """Write {id, question} lines, run `cxbot ask --batch`, keep its stdout as the predictions."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8", delete=False) as fh:
        for q in questions:
            fh.write(json.dumps({"id": q["id"], "question": q["question"]}, ensure_ascii=False) + "\n")
        batch = Path(fh.name)
    try:
        t0 = time.perf_counter()
        run = subprocess.run([cxbot, "ask", "--batch", str(batch)], capture_output=True, text=True)
        seconds = time.perf_counter() - t0
    finally:
        batch.unlink(missing_ok=True)
    if run.returncode != 0:
        raise SystemExit(f"cxbot ask --batch failed ({run.returncode}):\n{run.stderr}")
    out.write_text(run.stdout, encoding="utf-8")
    return seconds


def _mean(xs: list[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def _answered(p: dict[str, Any] | None) -> bool:
    """As the scorer counts it: no prediction is an abstention, a missing `answered` means answered."""
    return p is not None and bool(p.get("answered", True))


def extra_figures(
    score: ModuleType, questions: list[dict[str, Any]], preds: list[dict[str, Any]]
) -> dict[str, Any]:
    """The #13 figures the scorer does not print, with its own matching functions."""
    by_id = {str(p["id"]): p for p in preds if "id" in p}
    lengths: list[int] = []
    early: list[float] = []
    for q in questions:
        if score.is_unanswerable(q):
            continue
        p = by_id.get(str(q["id"]))
        words = str((p or {}).get("answer") or "").split()
        lengths.append(len(words))
        head = " ".join(words[:FIRST_WORDS])
        facts = q.get("key_facts") or []
        early.append(1.0 if not facts or any(score.fact_matches(f, head) for f in facts) else 0.0)
    # abstention recall by kind of unanswerable question, where the ids say which (own set: -nm- / -off-)
    recall: dict[str, float | None] = {}
    for label, marker in (("near_miss", "-nm-"), ("off_topic", "-off-")):
        sub = [q for q in questions if score.is_unanswerable(q) and marker in str(q["id"])]
        if sub:
            recall[label] = _mean([0.0 if _answered(by_id.get(str(q["id"]))) else 1.0 for q in sub])
    return {
        "median_words": statistics.median(lengths) if lengths else None,
        "fact_first30": _mean(early),
        "abstain_recall_by_type": recall,
    }


def figures(
    score: ModuleType, questions: list[dict[str, Any]], preds: list[dict[str, Any]]
) -> dict[str, Any]:
    result = score.evaluate(questions, preds)
    groups = result["groups"]
    g = groups["all"]

    def grp(name: str, key: str) -> float | None:
        return groups[name][key] if name in groups else None

    extra = extra_figures(score, questions, preds)
    return {
        "n": g["n"],
        "n_answerable": g["n_ans"],
        "n_unanswerable": g["n_unans"],
        "hit1": g["hit1"],
        "hit3": g["hit3"],
        "mrr": g["mrr"],
        "facts": g["facts"],
        "median_words": extra["median_words"],
        "fact_first30": extra["fact_first30"],
        "abstain_p": g["abst_p"],
        "abstain_r": g["abst_r"],
        "abstain_f1": g["abst_f1"],
        "abstain_recall_by_type": extra["abstain_recall_by_type"],
        "xling_hit3": grp("xling=yes", "hit3"),
        "paraphrase_hit3": grp("kind=paraphrase", "hit3"),
        "facts_by_kind": {
            k.split("=", 1)[1]: v["facts"] for k, v in groups.items() if k.startswith("kind=") and v["n_ans"]
        },
        "facts_by_xling": {
            k.split("=", 1)[1]: v["facts"] for k, v in groups.items() if k.startswith("xling=") and v["n_ans"]
        },
        "facts_by_lang": {
            k.split("=", 1)[1]: v["facts"] for k, v in groups.items() if k.startswith("lang=") and v["n_ans"]
        },
        "missing": result["missing"],
        "scorer_table": score.render(result),
    }


def _fmt(v: Any) -> str:
    if v is None:
        return "n/a"
    return f"{v:g}" if v > 1 else f"{v:.3f}"  # word counts as they are, shares with three decimals


def bars_table(f: dict[str, Any]) -> str:
    lines = [f"{'#13 bar':<34}{'value':>9}{'goal':>10}  ok", "-" * 57]
    for label, key, goal, higher in BARS:
        v = f[key]
        if key == "abstain_r":
            lines.append(f"{label:<34}{_fmt(v):>9}{'—':>10}")
            continue
        ok = v is not None and (v >= goal if higher else v <= goal)
        sign = "≥" if higher else "≤"
        lines.append(f"{label:<34}{_fmt(v):>9}{sign + format(goal, 'g'):>10}  {'yes' if ok else 'NO'}")
    lines.append("")
    for title, key in (
        ("key facts by kind", "facts_by_kind"),
        ("key facts by cross-lingual", "facts_by_xling"),
        ("key facts by question language", "facts_by_lang"),
    ):
        lines.append(f"{title}: " + "  ".join(f"{k}={_fmt(v)}" for k, v in f[key].items()))
    if f["abstain_recall_by_type"]:
        lines.append(
            "abstain recall by type: "
            + "  ".join(f"{k}={_fmt(v)}" for k, v in f["abstain_recall_by_type"].items())
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--questions", type=Path, default=DEV_QUESTIONS)
    ap.add_argument("--ingest", action="store_true", help="index the shared corpus into CXBOT_DATA_DIR first")
    ap.add_argument(
        "--out", type=Path, default=None, help="where to keep the predictions (default under /tmp)"
    )
    ap.add_argument("--predictions", type=Path, default=None, help="score this prediction file, do not ask")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = ap.parse_args()

    score = load_scorer()
    questions: list[dict[str, Any]] = score.read_jsonl(str(args.questions))
    if args.predictions is not None:
        pred_path, seconds = args.predictions, None
    else:
        cxbot = cxbot_command()
        if args.ingest:
            ingest(cxbot)
        # one file per run (printed below): runs side by side must not overwrite each other's predictions
        pred_path = args.out or Path(tempfile.mkstemp(prefix=f"cxbot-preds-{args.questions.stem}-", suffix=".jsonl")[1])
        seconds = ask_batch(cxbot, questions, pred_path)
    preds: list[dict[str, Any]] = score.read_jsonl(str(pred_path))
    f = figures(score, questions, preds)
    if args.json:
        out = {k: v for k, v in f.items() if k != "scorer_table"}
        out.update(questions=str(args.questions), predictions=str(pred_path), batch_seconds=seconds)
        print(json.dumps(out, indent=1))
        return
    print(f"questions: {args.questions} ({f['n']}: {f['n_answerable']} answerable)  predictions: {pred_path}")
    if seconds is not None:
        print(
            f"cxbot ask --batch: {seconds:.1f} s wall-clock in all, start-up included "
            "(noisy: the machine is shared)"
        )
    print(f["scorer_table"])
    print()
    print(bars_table(f))


if __name__ == "__main__":
    main()
