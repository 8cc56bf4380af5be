"""Answer the dev questions in-process and score them with the shared scorer.

    CXBOT_DATA_DIR=/tmp/corpus-index python bench/eval_dev.py [--ingest] [--out preds.jsonl]

With --ingest, indexes ../shared/corpus/{trends,playbooks} into CXBOT_DATA_DIR first.
Prints the scorer's table and the per-question abstention features (for tuning the policy).
For the #13 bars measured through the real command line (`cxbot ask --batch`), on dev or on
bench/eval/own_questions.jsonl, use bench/answer_quality.py.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from bot.knowledge import Knowledge
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ingest", action="store_true")
    ap.add_argument("--questions", default=str(SHARED / "eval" / "dev_questions.jsonl"))
    ap.add_argument("--out", default="/tmp/cxbot-dev-preds.jsonl")
    ap.add_argument("--features", action="store_true", help="print abstention features per question")
    args = ap.parse_args()
    knowledge = Knowledge(Settings())
    if args.ingest:
        s = knowledge.indexer().run([SHARED / "corpus" / "trends", SHARED / "corpus" / "playbooks"])
        print("ingested:", s.as_dict())
    service = knowledge.ask
    questions = [json.loads(line) for line in Path(args.questions).read_text().splitlines() if line.strip()]
    times = []
    with open(args.out, "w", encoding="utf-8") as fh:
        for q in questions:
            t0 = time.perf_counter()
            ans, f = service.explained(q["question"])
            times.append(time.perf_counter() - t0)
            fh.write(json.dumps({"id": q["id"], "answer": ans.text, "answered": ans.answered,
                                 "sources": [s.path for s in ans.sources]}, ensure_ascii=False) + "\n")
            if args.features:
                print(f"{q['id']:<16} {q['kind']:<12} answered={ans.answered!s:<5} "
                      + " ".join(f"{k}={v:.3f}" for k, v in f.items()))
    times.sort()
    print(f"ask latency p50={times[len(times) // 2] * 1000:.0f} ms p95={times[int(len(times) * 0.95)] * 1000:.0f} ms")
    subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), args.out, args.questions], check=True)


if __name__ == "__main__":
    main()
