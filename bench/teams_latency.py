"""Teams latency: user message -> answer card arriving in Microsoft 365 Agents Playground (no LLM).

    .venv/bin/python bench/teams_latency.py [--n 50]

Indexes the project's `knowledge/` into a temporary data dir, starts `cxbot serve` and the playground
with `../shared/tools/teams-playground/run` (root, node, npm), sends one warm-up question (its time is
printed as the cold start), then N different questions one after another, timing each from the
message POST to the Adaptive Card arriving on the playground's WebSocket (in the personal chat the card
is the final update of a stream), and to the informative update that starts the stream. Prints p50/p95/max.
The per-user question rate limit is switched off for the run (one user asks 51 questions quickly).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from testkit.stats import percentile  # noqa: E402

RUN = ROOT.parent / "shared" / "tools" / "teams-playground" / "run"

TOPICS = [
    "acknowledge a customer complaint", "who owns a complaint", "escalate a complaint to the team lead",
    "offer a goodwill gesture", "close a complaint", "tag the root cause of a complaint",
    "send the CSAT survey", "measure first-contact resolution", "count reopened complaints",
    "answer a customer who called", "handle a legal threat from a customer", "handle a safety issue",
    "follow up when the customer does not reply", "run the monthly CX review", "track time to first response",
    "mit Kundenfeedback umgehen", "Feedback an das Produktteam weitergeben", "auf negatives Feedback antworten",
    "Kundenfeedback auswerten", "Feedback sammeln",
]
FORMS = ["How do we {}?", "What is our rule to {}?", "Quick question: how should I {}?"]


def questions(n: int) -> list[str]:
    """N distinct questions (distinct text, so no cache answers twice)."""
    all_q = [form.format(topic) for form in FORMS for topic in TOPICS]
    return [all_q[i % len(all_q)] + ("" if i < len(all_q) else f" ({i})") for i in range(n)]


async def measure(n: int) -> int:
    sys.path.insert(0, str(ROOT / "tests" / "e2e"))  # the driver imports its locale proxy from there
    spec = importlib.util.spec_from_file_location("drive_teams", ROOT / "tests" / "e2e" / "drive_teams.py")
    assert spec and spec.loader
    drive = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(drive)
    import aiohttp

    async with aiohttp.ClientSession() as session:
        pg = drive.Playground(session)
        await pg.start()
        _, cold = await pg.ask("How fast must we acknowledge a customer complaint?")
        times, updates = [], []
        for q in questions(n):
            sent = time.perf_counter()
            message, seconds = await pg.ask(q)
            times.append(seconds)
            informative = [e["_received"] for e in pg.events if e["message"].get("messageId") == message["messageId"]
                           and drive.stream_type(e["message"]) == "informative"]
            if informative:  # the personal chat streams: when the "Searching…" update showed
                updates.append(informative[0] - sent)
        await pg.close()
    result = {
        "questions": n, "cold_first_s": round(cold, 3), "p50_s": round(statistics.median(times), 3),
        "p95_s": round(percentile(times, 95), 3), "max_s": round(max(times), 3),
        "mean_s": round(statistics.fmean(times), 3),
        "informative_p50_s": round(statistics.median(updates), 3) if updates else None,
        "informative_p95_s": round(percentile(updates, 95), 3) if updates else None,
    }
    print(json.dumps(result))
    print(f"teams: user message -> answer card, {n} questions: p50 {result['p50_s'] * 1000:.0f} ms, "
          f"p95 {result['p95_s'] * 1000:.0f} ms, max {result['max_s'] * 1000:.0f} ms "
          f"(cold first answer {cold * 1000:.0f} ms)")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.inside:
        return asyncio.run(measure(args.n))
    from bot.knowledge import Knowledge
    from bot.settings import Settings

    data = Path(tempfile.mkdtemp(prefix="cxbot-teams-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "Microsoft", "DATABASE_URL"))}
    env.update(CXBOT_DATA_DIR=str(data), CXBOT_KNOWLEDGE_DIR=str(ROOT / "knowledge"), CXBOT_LLM="none",
               LOG_LEVEL="WARNING", CXBOT_ASK_RATE_LIMIT="0")  # one user asks 51 questions in a minute
    Knowledge(Settings(_env_file=None, CXBOT_DATA_DIR=data)).indexer().run([ROOT / "knowledge"])
    cmd = [str(RUN), sys.executable, "-m", "bot", "serve", "--",
           sys.executable, str(Path(__file__).resolve()), "--inside", "--n", str(args.n)]
    return subprocess.run(cmd, cwd=ROOT, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
