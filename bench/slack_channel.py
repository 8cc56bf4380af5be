"""An auto-answer channel's traffic at `cxbot serve`, from an outside client (no LLM, sample knowledge).

    .venv/bin/python bench/slack_channel.py [--questions 50] [--chatter 200] [--ignored 500] [--concurrency 20]

An evangelist switches auto-answer on with a signed `/cx auto on`, then the channel sees, shuffled and
`--concurrency` at a time: `--questions` answerable questions (different people), off-topic questions
(cxbot would abstain), chatter ("thanks!", "ok"), other apps' bot messages, cxbot's own posts, edits
(`message_changed`), deletions, joins, and replies in threads cxbot never answered. Then, in the
answered threads, follow-ups without a mention and with one (Slack sends `app_mention` and `message`).

Prints: thread answers (bar: exactly one per answerable question, none anywhere else), follow-ups
answered (bar: once each), 👀 added/removed and left over (bar: 0 left), ack p50/p99, the server's CPU
per message, and then per ignored message (`--ignored` chatter and own posts: what subscribing to every
channel message costs; bar: no Web API call), and the load average. The fixtures are those of tests/fixtures/slack.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

import aiohttp
from slack_harness import FIXTURES, ROOT, Server, index_knowledge, signed

from testkit.slack_api import FakeSlackAPI

NATIVE = ROOT / "tests" / "fixtures" / "slack"
EVANGELIST = "W333"
ANSWERABLE = [
    "How fast must we acknowledge a customer complaint?", "Who owns a complaint until it is handed over?",
    "When do we escalate a complaint to the team lead?", "When is a complaint closed?",
    "Which survey do we send at closure?", "What do we measure for complaints?",
    "Wie schnell werden Kritiker angerufen?", "Welche Quellen nutzen wir für Kundenfeedback?",
]
OFF_TOPIC = ["What is the capital of Australia?", "How do I configure the VPN on my laptop?",
             "Who won the football match yesterday?", "What is the lunch menu in the canteen today?"]
CHATTER = ["thanks!", "ok", "Good morning everyone", "I'll be out of office tomorrow.", "lol", "+1", "done"]


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def native(name: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((NATIVE / name).read_text(encoding="utf-8"))
    return body


def message(n: int, text: str, user: str, thread: str | None = None, **extra: Any) -> dict[str, Any]:
    body = native("events_message_channel.json")
    ts = f"{1_800_000_000 + n}.000100"
    body["event_id"] = f"EvBench{n}"
    body["event"].update(text=text, user=user, ts=ts, event_ts=ts, **extra)
    if thread:
        body["event"]["thread_ts"] = thread
    return body


def stream(questions: int, chatter: int, rng: random.Random) -> tuple[list[dict[str, Any]], list[str]]:
    """The shuffled channel traffic, and the ts of the answerable questions."""
    bodies: list[dict[str, Any]] = []
    answerable: list[str] = []
    n = 0
    for q in range(questions):
        body = message(n, ANSWERABLE[q % len(ANSWERABLE)], f"W{6000 + q}")
        answerable.append(body["event"]["ts"])
        bodies.append(body)
        n += 1
    for k in range(chatter):
        kind = k % 8
        if kind == 0:
            body = message(n, OFF_TOPIC[k % len(OFF_TOPIC)], f"W{7000 + k}")
        elif kind == 1:
            body = native("events_message_channel_bot_message.json")
            body["event_id"] = f"EvBench{n}"
        elif kind == 2:
            body = message(n, ANSWERABLE[0], "W111", bot_id="B111")  # cxbot's own post
        elif kind == 3:
            body = native("events_message_channel_changed.json")
            body["event_id"] = f"EvBench{n}"
        elif kind == 4:
            body = message(n, ANSWERABLE[1], f"W{7000 + k}", subtype="message_deleted", hidden=True)
        elif kind == 5:
            body = message(n, ANSWERABLE[2], f"W{7000 + k}", thread=f"{1_700_000_000 + k}.000001")
        else:
            body = message(n, CHATTER[k % len(CHATTER)], f"W{7000 + k}")
        bodies.append(body)
        n += 1
    rng.shuffle(bodies)
    return bodies, answerable


async def send(http: aiohttp.ClientSession, url: str, body: str, content_type: str) -> float:
    started = time.perf_counter()
    async with http.post(url, data=body.encode(), headers={"Content-Type": content_type, **signed(body)}) as resp:
        await resp.read()
        if resp.status != 200:
            raise RuntimeError(f"status {resp.status}")
    return time.perf_counter() - started


async def settle(fake: FakeSlackAPI, quiet: float = 3.0, limit: float = 180.0) -> None:
    """Wait until the fake saw no call for `quiet` seconds."""
    deadline = time.monotonic() + limit
    seen = -1
    while time.monotonic() < deadline and seen != len(fake.calls):
        seen = len(fake.calls)
        await asyncio.sleep(quiet)


async def run(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    fake = FakeSlackAPI()
    await fake.start()
    data = Path(tempfile.mkdtemp(prefix="cxbot-channel-"))
    index_knowledge(data)
    server = Server(fake.url, data, extra_env={"CXBOT_EVANGELISTS": EVANGELIST})
    ok = True
    try:
        await server.wait_ready()
        url = f"{server.url}/slack/events"
        async with aiohttp.ClientSession() as http:
            form = dict(json.loads((FIXTURES / "slash_command.json").read_text())["form"],
                        command="/cx", text="auto on", user_id=EVANGELIST, channel_id="C111")
            await send(http, url, urllib.parse.urlencode(form), "application/x-www-form-urlencoded")
            await fake.wait_for("chat.postEphemeral")
            bodies, answerable = stream(args.questions, args.chatter, rng)
            gate = asyncio.Semaphore(args.concurrency)
            print(f"load before: {load()}")
            cpu0 = server.serve.cpu()

            async def one(body: dict[str, Any]) -> float:
                async with gate:
                    return await send(http, url, json.dumps(body), "application/json")

            acks = await asyncio.gather(*(one(b) for b in bodies))
            await settle(fake)
            cpu1 = server.serve.cpu()
            posts = [c.args for c in fake.called("chat.postMessage")]
            threads = sorted(p.get("thread_ts", "") for p in posts)
            print(f"channel: {len(answerable)} answerable questions among {len(bodies)} messages")
            print(f"  thread answers: {len(posts)} (bar {len(answerable)}), in the right threads: "
                  f"{threads == sorted(answerable)}")
            left = sum(len(v) for v in fake.reactions.values())
            print(f"  👀 added {len(fake.called('reactions.add'))}, removed {len(fake.called('reactions.remove'))}, "
                  f"left {left} (bar 0)")
            ms = sorted(a * 1000 for a in acks)
            print(f"  ack p50 {statistics.median(ms):.0f} ms, p99 {ms[int(len(ms) * 0.99) - 1]:.0f} ms")
            print(f"  server CPU {cpu1 - cpu0:.2f} s for the stream")
            ok = len(posts) == len(answerable) and threads == sorted(answerable) and left == 0

            # follow-ups in three answered threads: one without a mention, one with (two events)
            before = len(fake.called("chat.postMessage"))
            follow: list[tuple[str, str]] = []
            for k, thread in enumerate(answerable[:3]):
                text = "And who owns the complaint until it is handed over?"
                body = message(100_000 + k, text, "W8000", thread=thread)
                follow.append((json.dumps(body), "application/json"))
                if k == 2:  # with a mention: Slack sends both events
                    body["event"]["text"] = f"<@W111> {text}"
                    follow[-1] = (json.dumps(body), "application/json")
                    mention = json.loads((FIXTURES / "events_app_mention.json").read_text())
                    mention["event_id"] = "EvBenchMention"
                    mention["event"].update(text=f"<@W111> {text}", ts=body["event"]["ts"], thread_ts=thread,
                                            event_ts=body["event"]["ts"])
                    follow.append((json.dumps(mention), "application/json"))
            await asyncio.gather(*(send(http, url, b, c) for b, c in follow))
            await settle(fake)
            answered = len(fake.called("chat.postMessage")) - before
            print(f"follow-ups: {answered} answers to 3 follow-ups (2 without a mention, 1 with) (bar 3)")
            ok = ok and answered == 3
            print(f"  server CPU per channel message: {(cpu1 - cpu0) / len(bodies) * 1000:.1f} ms (answers included)")

            # what subscribing to every channel message costs: messages cxbot leaves alone
            ignored = [message(200_000 + k, CHATTER[k % len(CHATTER)], f"W{9000 + k}") if k % 3 else
                       message(200_000 + k, ANSWERABLE[0], "W111", bot_id="B111") for k in range(args.ignored)]
            calls = len(fake.calls)
            cpu2 = server.serve.cpu()
            await asyncio.gather(*(one(b) for b in ignored))
            await settle(fake)
            cpu3 = server.serve.cpu()
            print(f"ignored messages: {args.ignored} (chatter and cxbot's own posts), Web API calls {len(fake.calls) - calls} "
                  f"(bar 0), server CPU {(cpu3 - cpu2) / args.ignored * 1000:.2f} ms each (the signed request included)")
            ok = ok and len(fake.calls) == calls
            print(f"load after: {load()}")
    finally:
        log = server.stop()
        await fake.stop()
        if "Traceback" in log:
            print("server log has a traceback:\n" + log[-2000:])
            ok = False
    return 0 if ok else 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--questions", type=int, default=50)
    ap.add_argument("--chatter", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=20)
    ap.add_argument("--ignored", type=int, default=500)
    ap.add_argument("--seed", type=int, default=17)
    sys.exit(asyncio.run(run(ap.parse_args())))


if __name__ == "__main__":
    main()
