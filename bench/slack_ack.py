"""200 signed app_mention events fired at once at `cxbot serve` (fake Slack Web API, no LLM).

    .venv/bin/python bench/slack_ack.py [--events 200] [--retries 20] [--pg postgresql://postgres@127.0.0.1/DB]

Measures, per event: time to the HTTP acknowledgement, and time from sending the event to the
bot's `chat.postMessage` arriving at the fake API. Checks every event is answered exactly once.
Bars (issue 3): ack p99 < 100 ms, event -> postMessage p95 < 1.5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import aiohttp
from slack_harness import FIXTURES, Server, index_knowledge, signed

from testkit.slack_api import FakeSlackAPI
from testkit.stats import percentile

QUESTIONS = [
    "How fast must we acknowledge a customer complaint?",
    "Who owns a complaint until it is closed?",
    "When do we escalate a complaint?",
    "What do we do with detractors?",
    "Wie schnell müssen wir auf eine Beschwerde reagieren?",
    "Wie gehen wir mit Kritikern im NPS um?",
    "How do we close the loop with a customer?",
    "What goes into the weekly feedback summary?",
]


def event(n: int) -> tuple[str, str]:
    body = json.loads((FIXTURES / "events_app_mention.json").read_text())
    ts = f"{1700000000 + n}.{n:06d}"
    body["event_id"] = f"EvBench{n:05d}"
    body["event"].update(text=f"<@W111> {QUESTIONS[n % len(QUESTIONS)]}", ts=ts, event_ts=ts,
                         client_msg_id=f"bench-{n}", user=f"U{n:05d}")  # 200 people, not one asking 200 times
    return json.dumps(body), ts


async def fire(http: aiohttp.ClientSession, url: str, body: str, retry: bool = False) -> tuple[int, float, float]:
    start = time.time()
    headers = {"Content-Type": "application/json", **signed(body)}
    if retry:
        headers.update({"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    async with http.post(url, data=body.encode(), headers=headers) as r:
        await r.read()
        return r.status, start, time.time() - start


async def ping(http: aiohttp.ClientSession, url: str) -> float:
    start = time.time()
    async with http.get(url) as r:
        await r.read()
        return (time.time() - start) * 1000


async def run(n_events: int, database_url: str | None, n_retries: int) -> int:
    fake = FakeSlackAPI()
    api_url = await fake.start()
    data_dir = Path(tempfile.mkdtemp(prefix="cxbot-bench-slack-"))
    index_knowledge(data_dir)
    server = Server(api_url, data_dir, database_url)
    try:
        await server.wait_ready()
        url = server.url + "/slack/events"
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
            warm, _ = event(99999)  # the first question loads the embedding model: not part of the burst
            await fire(http, url, warm)
            await fake.wait_for("chat.postMessage", 1, timeout=60)
            for _ in range(2):  # the second burst reuses the connections, as the events burst will
                base = await asyncio.gather(*(ping(http, server.url + "/healthz") for _ in range(n_events)))
            before = len(fake.called("chat.postMessage"))
            bodies = [event(n) for n in range(n_events)]
            retried = [b for b, _ in bodies[:n_retries]]  # Slack redelivering some events in the same burst
            both = await asyncio.gather(*(fire(http, url, b) for b, _ in bodies),
                                        *(fire(http, url, b, retry=True) for b in retried))
            results, retry_results = both[:n_events], both[n_events:]
        await fake.wait_for("chat.postMessage", before + n_events, timeout=120)
        await asyncio.sleep(2.0)  # anything answered twice would show up now
    finally:
        log = server.stop()
        await fake.stop()
    acks = [r[2] * 1000 for r in results]
    statuses = Counter(r[0] for r in results)
    retry_statuses = Counter(r[0] for r in retry_results)
    sent = {ts: r[1] for (_, ts), r in zip(bodies, results, strict=True)}
    posts = [c for c in fake.called("chat.postMessage") if c.args.get("thread_ts") in sent]
    per_thread = Counter(c.args["thread_ts"] for c in posts)
    latency = [c.at - sent[c.args["thread_ts"]] for c in posts]
    limited = sum(1 for c in fake.calls if c.status == 429)
    cards = sum(1 for c in posts if "feedback:up" in json.dumps(c.args.get("blocks", [])))
    print(f"events: {n_events} (+{n_retries} redelivered with X-Slack-Retry-Num)  statuses: {dict(statuses)}  "
          f"retries: {dict(retry_statuses)}  rate-limited calls: {limited}")
    print(f"ack ms: p50 {statistics.median(acks):.1f}  p95 {percentile(acks, 95):.1f}  p99 {percentile(acks, 99):.1f}  max {max(acks):.1f}")
    print(f"baseline (same burst of GET /healthz, warm connections, same server): p50 {statistics.median(base):.1f}  "
          f"p99 {percentile(base, 99):.1f} ms")
    print(f"answered: {len(per_thread)}/{n_events} events, exactly once: {sum(1 for v in per_thread.values() if v == 1)}, "
          f"more than once: {sum(1 for v in per_thread.values() if v > 1)}, answer cards (with feedback buttons): {cards}")
    print(f"event -> postMessage s: p50 {statistics.median(latency):.3f}  p95 {percentile(latency, 95):.3f}  max {max(latency):.3f}")
    print(f"auth.test calls: {len(fake.called('auth.test'))}  server log tracebacks: {log.count('Traceback')}")
    ok = (statuses == Counter({200: n_events}) and all(r[0] == 200 for r in retry_results) and percentile(acks, 99) < 100 and len(per_thread) == n_events
          and cards == n_events
          and all(v == 1 for v in per_thread.values()) and percentile(latency, 95) < 1.5)
    print("bars:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--events", type=int, default=200)
    ap.add_argument("--retries", type=int, default=20, help="events also redelivered as Slack retries")
    ap.add_argument("--pg", default=None, help="DATABASE_URL for the server (default: SQLite in a temp dir)")
    args = ap.parse_args()
    sys.exit(asyncio.run(run(args.events, args.pg, args.retries)))


if __name__ == "__main__":
    main()
