"""Start-up of the command line, timed as whole commands from a separate process (like hyperfine).

    python bench/cli_startup.py [--runs 7] [--data DIR] [--question "..."] [--src CHECKOUT]

Times `cxbot --help`, `cxbot ingest` of the unchanged shared corpus (`../shared/corpus`) and a cold
`cxbot ask QUESTION`, each run a new process. The first call indexes the corpus into DIR (default
`.cxbot/bench-startup`, reused afterwards: the first indexing embeds ~1,350 chunks and the word
bridge, which takes many minutes on a busy machine). `--src` runs another checkout's `bot` package
(`python -m bot` with PYTHONPATH) against the same index, for before/after figures.
Prints median, min and max per command, and the load average: the machine is shared, so compare
figures taken at similar load. Goals (issue 14): --help < 0.5 s, re-ingest < 2 s, cold ask < 2.5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
CXBOT = [str(Path(sys.executable).with_name("cxbot"))]
GOALS = {"help": 0.5, "ingest": 2.0, "ask": 2.5}


def env_for(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CXBOT_", "CHROMA_", "DATABASE_"))}
    env.update({
        "CXBOT_DATA_DIR": str(data),
        "CXBOT_KNOWLEDGE_DIR": str(CORPUS),
        "CXBOT_LLM": "none",
    })
    return env


def run(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one whole command; a failing command stops the bench.

    CPU seconds say more than wall time on a busy machine: they do not count the time spent waiting
    for a core (they do grow somewhat when cores are shared).
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    took = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return took, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--warmup", type=int, default=1, help="unrecorded runs first (file cache)")
    ap.add_argument("--data", type=Path, default=ROOT / ".cxbot" / "bench-startup")
    ap.add_argument("--question", default="How fast must we acknowledge a customer complaint?")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--src", type=Path, help="run this checkout's bot package instead of the installed one")
    args = ap.parse_args()
    data: Path = args.data.resolve()
    env = env_for(data)
    cwd = data.parent
    data.mkdir(parents=True, exist_ok=True)
    cxbot = CXBOT
    if args.src:
        cxbot = [sys.executable, "-m", "bot"]
        env["PYTHONPATH"] = str(args.src.resolve())
    roots = [str(args.corpus.resolve())]

    first = subprocess.run([*cxbot, "ingest", "--json", *roots], env=env, cwd=cwd,
                           capture_output=True, text=True, check=False)
    if first.returncode != 0:
        sys.exit(f"indexing the corpus failed:\n{first.stderr[-2000:]}")
    summary = json.loads(first.stdout)
    if summary["unchanged"] == 0:
        print(f"indexed the corpus into {data}: {summary['chunks']} chunks")

    commands = {
        "help": [*cxbot, "--help"],
        "ingest": [*cxbot, "ingest", *roots],
        "ask": [*cxbot, "ask", args.question],
    }
    load_before = os.getloadavg()
    print(f"{'src ' + str(args.src) if args.src else 'installed cxbot'}; corpus: {summary['chunks']} chunks; {args.runs} runs per command after {args.warmup} warm-up; "
          f"load average before {load_before[0]:.1f} (2 cores here: figures are noisy when > 2)")
    ok = True
    for name, argv in commands.items():
        for _ in range(args.warmup):
            run(argv, env, cwd)
        runs = [run(argv, env, cwd) for _ in range(args.runs)]
        times, cpu = [w for w, _ in runs], [c for _, c in runs]
        med, worst = statistics.median(times), max(times)
        met = med < GOALS[name]
        ok &= met
        shown = " ".join(Path(a).name if a.startswith("/") else a for a in argv)[:60]
        print(f"{name:7s} wall median {med:5.2f} s  min {min(times):5.2f}  max {worst:5.2f}  "
              f"cpu median {statistics.median(cpu):5.2f} s  goal < {GOALS[name]} s: {'met' if met else 'MISSED'}  `{shown}`")
    print(f"load average after {os.getloadavg()[0]:.1f}")
    if not ok:
        print("some medians missed their goal (check the load average before blaming the code)")


if __name__ == "__main__":
    main()
