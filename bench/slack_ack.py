"""A burst of signed app_mention events at `cxbot serve`, measured from an outside client (no LLM).

    .venv/bin/python bench/slack_ack.py [--events 200] [--questions 4] [--connections 100] [--runs 1]
        [--sample] [--asked-before] [--reindexed] [--retries 0] [--pg postgresql://postgres@127.0.0.1/DB] [--profile DIR]

Three processes, as in a deployment: the bench (the fake Slack Web API on 127.0.0.1 and the
orchestration), `cxbot serve` (see slack_harness.Server), and the client
(`bench/slack_burst_client.py`), which sends every event at once over `--connections` keep-alive
connections and times each one from the moment a connection is free for it. The index holds the
shared corpus (trends + playbooks, ~1,300 chunks) unless `--sample` asks for the 7-chunk `knowledge/`.
Each run starts a fresh server (cold caches) and asks `--questions` distinct questions, each by
`events / questions` different people, in new threads.

Prints, per run: ack p50/p99 (next to as many `GET /healthz` from the same client just before:
the floor of client, server and machine at that moment), event -> `chat.postMessage` p50/p95, how many events were
answered exactly once in their thread, the server's CPU time for the burst (a count of work that
other jobs on the machine disturb less than wall-clock times), and the load average before and after.
Bars (issue 14): ack p99 < 100 ms, event -> postMessage p95 < 1.5 s, every event answered once.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from slack_harness import CORPUS, FIXTURES, ROOT, Server, index_knowledge

from testkit.slack_api import FakeSlackAPI
from testkit.stats import percentile

CORPUS_QUESTIONS = [
    "How fast must we acknowledge a customer complaint?",
    "What is a customer health score and how is it calculated?",
    "How do we hand over an account before renewal?",
    "Wie messen wir Kundenzufriedenheit?",
    "What belongs in a quarterly business review?",
    "How do we escalate a critical support ticket?",
    "When does digital success reach out to a customer?",
    "What should a technical advisor do in the first week with a new enterprise customer?",
]
SAMPLE_QUESTIONS = [
    "How fast must we acknowledge a customer complaint?",
    "Who owns a complaint until it is closed?",
    "When do we escalate a complaint?",
    "What do we do with detractors?",
    "Wie schnell müssen wir auf eine Beschwerde reagieren?",
    "Wie gehen wir mit Kritikern im NPS um?",
    "How do we close the loop with a customer?",
    "What goes into the weekly feedback summary?",
]
WARM_UP = "What is this knowledge base about?"  # loads the embedding model; not one of the burst's questions
STARTED = int(time.time())
CLIENT = Path(__file__).resolve().parent / "slack_burst_client.py"


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def event(run: int, n: int, question: str) -> tuple[str, str]:
    """Event ids and thread ts unique across runs and bench invocations (an index dir may be reused)."""
    body = json.loads((FIXTURES / "events_app_mention.json").read_text())
    ts = f"{STARTED + run * 100000 + n}.{n:06d}"
    body["event_id"] = f"EvBench{STARTED}x{run:03d}x{n:05d}"
    body["event"].update(text=f"<@W111> {question}", ts=ts, event_ts=ts,
                         client_msg_id=f"bench-{run}-{n}", user=f"U{n:05d}")  # many people, one question each
    return json.dumps(body), ts


def burst(server_url: str, connections: int, requests: list[dict[str, Any]]) -> dict[str, Any]:
    """Run the client process and return what it measured."""
    done = subprocess.run([sys.executable, str(CLIENT), server_url, "--connections", str(connections)],
                          input="\n".join(json.dumps(r) for r in requests), capture_output=True, text=True,
                          check=True, cwd=ROOT, timeout=300)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def bump_version(data_dir: Path) -> None:
    """What an ingest that changed the index does last: every server reloads its copy on the next question."""
    bump = "from bot.settings import Settings; from bot.search.store import KnowledgeStore; KnowledgeStore(Settings()).bump_version()"
    subprocess.run([sys.executable, "-c", bump], env={**os.environ, "CXBOT_DATA_DIR": str(data_dir)}, check=True,
                   cwd=ROOT, timeout=120)


def profiler(pid: int, out: Path, *args: str) -> subprocess.Popen[bytes]:
    """py-spy on the server for the length of the burst (stopped with SIGINT, it writes `out`)."""
    return subprocess.Popen([str(Path(sys.executable).parent / "py-spy"), "record", "--pid", str(pid), "--rate", "200", "--format", "speedscope",
                             "--output", str(out), "--threads", *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def handler_ms(log: str) -> list[float]:
    """The server's own time for each `/slack/events` request, from its JSON access log (LOG_LEVEL=INFO)."""
    out = []
    for line in log.splitlines():
        if '"http request"' in line and '"/slack/events"' in line:
            with contextlib.suppress(ValueError, KeyError):
                out.append(float(json.loads(line)["ms"]))
    return out


async def one_run(run: int, args: argparse.Namespace, data_dir: Path, questions: list[str]) -> bool:
    fake = FakeSlackAPI()
    api_url = await fake.start()
    server = Server(api_url, data_dir, args.pg, {"LOG_LEVEL": args.log_level, **dict(kv.split("=", 1) for kv in args.env)})
    spy: subprocess.Popen[bytes] | None = None
    try:
        await server.wait_ready()
        warm = [WARM_UP, *(questions if args.asked_before else [])]
        await asyncio.to_thread(burst, server.url, 1, [{"body": event(run, 99990 + n, q)[0]} for n, q in enumerate(warm)])
        await fake.wait_for("chat.postMessage", len(warm), timeout=120)
        before = len(fake.called("chat.postMessage"))
        if args.reindexed:
            await asyncio.to_thread(bump_version, data_dir)
            await asyncio.sleep(1.5)  # the server looks at the index version at most once a second
        bodies = [event(run, n, questions[n % len(questions)]) for n in range(args.events)]
        requests = [{"body": b} for b, _ in bodies] + [{"body": b, "retry": True} for b, _ in bodies[: args.retries]]
        if args.profile:
            args.profile.mkdir(parents=True, exist_ok=True)
            assert server.proc is not None
            spy = profiler(server.proc.pid, args.profile / f"serve-run{run}.speedscope.json", *args.spy)
            await asyncio.sleep(1.0)
        load_before = load()
        cpu_before = server.serve.cpu()
        measured = await asyncio.to_thread(burst, server.url, args.connections, requests)
        cpu_acked = server.serve.cpu()
        await fake.wait_for("chat.postMessage", before + args.events, timeout=180)
        cpu_answered = server.serve.cpu()
        load_after = load()
        await asyncio.sleep(2.0)  # anything answered twice would show up now
    finally:
        if spy is not None:
            spy.send_signal(signal.SIGINT)
            spy.wait(30)
        log = server.stop()
        await fake.stop()
    results, retry_results = measured["results"][: args.events], measured["results"][args.events :]
    acks = [r["ms"] for r in results]
    statuses = Counter(r["status"] for r in measured["results"])
    sent = {ts: r["start"] for (_, ts), r in zip(bodies, results, strict=True)}
    posts = [c for c in fake.called("chat.postMessage") if c.args.get("thread_ts") in sent]
    per_thread = Counter(c.args["thread_ts"] for c in posts)
    latency = [c.at - sent[c.args["thread_ts"]] for c in posts]
    cards = sum(1 for c in posts if "feedback:up" in json.dumps(c.args.get("blocks", [])))
    once = sum(1 for v in per_thread.values() if v == 1)
    base = measured["baseline_ms"]
    print(f"run {run}: {args.events} events ({len(questions)} questions) +{len(retry_results)} redelivered, "
          f"{args.connections} connections  statuses: {dict(statuses)}  load avg before {load_before}, after {load_after}")
    print(f"  ack ms: p50 {statistics.median(acks):.1f}  p99 {percentile(acks, 99):.1f}  max {max(acks):.1f}   "
          f"(as many GET /healthz just before: p50 {statistics.median(base):.1f}  p99 {percentile(base, 99):.1f})")
    to_send = [r["to_send_ms"] for r in results]
    print(f"  of which in the client before the request was written: p50 {statistics.median(to_send):.1f}  "
          f"p99 {percentile(to_send, 99):.1f}")
    print(f"  server CPU: {cpu_answered - cpu_before:.2f} s for the whole burst "
          f"({(cpu_answered - cpu_before) / args.events * 1000:.1f} ms an event), "
          f"{cpu_acked - cpu_before:.2f} s of it until the client had every ack (its /healthz warm-up included)")
    inside = handler_ms(log)[len(warm):]  # the warm-up events first
    if inside:
        print(f"  server-side handler ms (its access log): p50 {statistics.median(inside):.1f}  p99 {percentile(inside, 99):.1f}")
    print(f"  event -> postMessage s: p50 {statistics.median(latency):.3f}  p95 {percentile(latency, 95):.3f}  max {max(latency):.3f}")
    print(f"  answered: {len(per_thread)}/{args.events} threads, exactly once: {once}, more than once: "
          f"{sum(1 for v in per_thread.values() if v > 1)}, answer cards: {cards}  "
          f"auth.test calls: {len(fake.called('auth.test'))}  tracebacks in server log: {log.count('Traceback')}")
    missed = [name for name, ok in (
        ("a status other than 200", all(r["status"] == 200 for r in measured["results"])),
        ("ack p99", percentile(acks, 99) < 100), ("e2e p95", percentile(latency, 95) < 1.5),
        ("not every event answered once with an answer card", once == args.events == len(per_thread) == cards),
    ) if not ok]
    if missed:
        print(f"  missed: {', '.join(missed)}")
    return not missed


async def main_async(args: argparse.Namespace) -> int:
    data_dir = args.data or Path(tempfile.mkdtemp(prefix="cxbot-bench-slack-"))
    chunks = await asyncio.to_thread(index_knowledge, data_dir, None if args.sample else CORPUS)
    questions = (SAMPLE_QUESTIONS if args.sample else CORPUS_QUESTIONS)[: args.questions]
    print(f"index: {chunks} chunks ({'sample knowledge/' if args.sample else 'shared corpus'}); "
          f"server: SLACK_WORKERS={os.environ.get('SLACK_WORKERS', 'default')}, "
          f"database {'PostgreSQL' if args.pg else 'SQLite'}")
    passed = [await one_run(run, args, data_dir, questions) for run in range(1, args.runs + 1)]
    print("bars (ack p99 < 100 ms, e2e p95 < 1.5 s, each event answered once):",
          " ".join("PASS" if p else "FAIL" for p in passed))
    return 0 if all(passed) else 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=200)
    ap.add_argument("--questions", type=int, default=4, help="distinct questions among the events (at most 8)")
    ap.add_argument("--connections", type=int, default=100)
    ap.add_argument("--runs", type=int, default=1, help="bursts, each against a fresh server")
    ap.add_argument("--sample", action="store_true", help="index the 7-chunk knowledge/ instead of the shared corpus")
    ap.add_argument("--asked-before", action="store_true",
                    help="each question asked once before the burst (its answer is then reused from the start)")
    ap.add_argument("--reindexed", action="store_true",
                    help="the index changed just before the burst (as after an ingest): the first question reloads it")
    ap.add_argument("--retries", type=int, default=0, help="events also redelivered as Slack retries in the burst")
    ap.add_argument("--pg", default=None, help="DATABASE_URL for the server (default: SQLite in a temp dir)")
    ap.add_argument("--log-level", default="INFO", help="the server's LOG_LEVEL (INFO is its default)")
    ap.add_argument("--data", type=Path, default=None, help="index here (reused when run again; default: a temp dir)")
    ap.add_argument("--env", nargs="*", default=[], help="NAME=VALUE for the server's environment")
    ap.add_argument("--profile", type=Path, default=None,
                    help="write a py-spy profile (speedscope) of the server's burst here (pip install py-spy)")
    ap.add_argument("--spy", nargs="*", default=[], help="more py-spy record options, e.g. --idle")
    sys.exit(asyncio.run(main_async(ap.parse_args())))


if __name__ == "__main__":
    main()
