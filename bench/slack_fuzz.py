"""1,200 fuzzed, malformed and hostile requests at `/slack/events` of a running `cxbot serve`.

    .venv/bin/python bench/slack_fuzz.py [--requests 1200] [--seed 7]

Mutates the recorded Slack payloads (truncation, byte flips, junk, wrong types, wrong encodings)
and mixes in signature attacks (none, wrong secret, stale or future or non-numeric timestamps,
garbage signatures), oversized bodies (declared, chunked, gzip bombs), deep nesting, undecodable
bytes, broken compression and wrong methods. Bar (issues 3 and 14): no response >= 500, no dropped
connection, every request answered with a 4xx; the server still answers a real event afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import aiohttp
from hostile_cases import Case, hostile_makers, report, send
from slack_harness import FIXTURES, Server, signed

from testkit.slack_api import FakeSlackAPI


def payloads() -> list[tuple[str, str]]:
    """(body, content type) for every recorded payload, on the wire as Slack sends it."""
    out = []
    for name in ("events_app_mention.json", "events_message_im.json", "events_url_verification.json",
                 "events_message_channel_rich_text.json"):
        out.append(((FIXTURES / name).read_text(), "application/json"))
    native = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "slack"  # assistant, channel messages
    for path in sorted(native.glob("events_*.json")):
        out.append((path.read_text(), "application/json"))
    out.append((json.loads((FIXTURES / "slash_command.json").read_text())["raw_body"], "application/x-www-form-urlencoded"))
    action = json.dumps(json.loads((FIXTURES / "interactivity_block_actions.json").read_text()))
    out.append(("payload=" + urllib.parse.quote(action), "application/x-www-form-urlencoded"))
    return out


def broken_json(rng: random.Random, body: str) -> str:
    """A JSON text that no longer parses as a JSON object."""
    choice = rng.randrange(6)
    if choice == 0:
        return body[: rng.randrange(1, max(2, len(body) - 1))].rstrip("}") or "{"
    if choice == 1:
        return body.replace("{", "[", 1)
    if choice == 2:
        return "{" + body
    if choice == 3:
        return rng.choice(["[]", "null", "42", '"text"', "true", "[{}]"])
    if choice == 4:
        return body.replace('"', "'")
    return body[:-1] + ",}"


def broken_form(rng: random.Random, body: str) -> str:
    """A form body whose `payload` is not a JSON object (`body`: a form without a payload field)."""
    junk = rng.choice(["%7B", "%5B1%5D", "null", "%7B%22type%22%3A", "%FF%FE", "not-json", "%22str%22"])
    return "payload=" + junk + ("&" + body if rng.random() < 0.3 else "")


def wrong_shapes(rng: random.Random) -> str:
    event = rng.choice(['"nope"', "42", "[]", "null", '{"type": 7}', '{"no_type": true}'])
    return f'{{"type": "event_callback", "event_id": "EvFuzz{rng.randrange(10**6)}", "event": {event}}}'


def wrong_action_shapes(rng: random.Random) -> str:
    payload = rng.choice([
        {"type": "block_actions", "actions": "x"}, {"type": "block_actions", "actions": [5]},
        {"type": "block_actions", "actions": [{"action_id": 5}], "user": "W1"},
        {"type": "block_actions", "actions": [None]}, {"type": "view_submission", "view": "x"},
    ])
    return "payload=" + urllib.parse.quote(json.dumps(payload))


def make_cases(n: int, seed: int) -> list[Case]:
    rng = random.Random(seed)
    base = payloads()
    now = int(time.time())

    def pick() -> tuple[str, str]:
        return rng.choice(base)

    def unsigned() -> Case:
        body, ctype = pick()
        return "unsigned", "POST", body.encode(), {"Content-Type": ctype}, False

    def wrong_secret() -> Case:
        body, ctype = pick()
        return "wrong-secret", "POST", body.encode(), {"Content-Type": ctype, **signed(body, secret="attacker")}, False

    def stale() -> Case:
        body, ctype = pick()
        ts = now + rng.choice([-1, 1]) * rng.randrange(301, 10**7)
        return "stale-or-future", "POST", body.encode(), {"Content-Type": ctype, **signed(body, ts=ts)}, False

    def bad_headers() -> Case:
        body, ctype = pick()
        ts = rng.choice(["", "abc", "1e99", "-0", "9" * 40, " 12", "١٢٣"])
        sig = rng.choice(["", "v0=", "v1=abc", "v0=" + "0" * 64, "x" * 500, signed(body)["X-Slack-Signature"][:-1]])
        return "garbage-headers", "POST", body.encode(), {"Content-Type": ctype, "X-Slack-Request-Timestamp": ts,
                                                           "X-Slack-Signature": sig}, False

    def tampered() -> Case:
        body, ctype = pick()
        headers = signed(body)
        flipped = body[:-2] + chr((ord(body[-2]) + 1) % 128) + body[-1]
        return "tampered-after-signing", "POST", flipped.encode(), {"Content-Type": ctype, **headers}, False

    def signed_bad_json() -> Case:
        body, _ = rng.choice(base[:4])
        bad = broken_json(rng, body)
        return "signed-malformed-json", "POST", bad.encode(), {"Content-Type": "application/json", **signed(bad)}, False

    def signed_bad_form() -> Case:
        body, _ = base[4]
        bad = broken_form(rng, body)
        return "signed-malformed-form", "POST", bad.encode(), {"Content-Type": "application/x-www-form-urlencoded",
                                                                **signed(bad)}, False

    def signed_wrong_shape() -> Case:
        bad = wrong_shapes(rng)
        return "signed-wrong-shape", "POST", bad.encode(), {"Content-Type": "application/json", **signed(bad)}, False

    def signed_wrong_action() -> Case:
        bad = wrong_action_shapes(rng)
        return "signed-wrong-action", "POST", bad.encode(), {"Content-Type": "application/x-www-form-urlencoded",
                                                              **signed(bad)}, False

    def binary() -> Case:
        raw = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))
        return "binary-junk", "POST", raw, {"Content-Type": rng.choice(["application/json", "application/octet-stream"])}, False

    def signed_binary() -> Case:
        raw = b"\xff\xfe" + bytes(rng.randrange(128, 256) for _ in range(rng.randrange(1, 200)))
        return "signed-non-utf8", "POST", raw, {"Content-Type": "application/json", **signed(raw, ts=now)}, False

    def oversized() -> Case:
        body = '{"type": "event_callback", "pad": "' + "x" * rng.randrange(1_000_001, 1_500_000) + '"}'
        return "oversized", "POST", body.encode(), {"Content-Type": "application/json", **signed(body)}, False

    def wrong_method() -> Case:
        body, ctype = pick()
        return "wrong-method", rng.choice(["GET", "PUT", "DELETE", "PATCH"]), body.encode(), {"Content-Type": ctype}, False

    makers: list[tuple[Callable[[], Case], int]] = [
        (unsigned, 12), (wrong_secret, 10), (stale, 10), (bad_headers, 12), (tampered, 8), (signed_bad_json, 16),
        (signed_bad_form, 10), (signed_wrong_shape, 8), (signed_wrong_action, 6), (binary, 6), (signed_binary, 4), (oversized, 1),
        (wrong_method, 3),
    ]
    mention = json.loads((FIXTURES / "events_app_mention.json").read_text())
    action = json.loads((FIXTURES / "interactivity_block_actions.json").read_text())
    makers += hostile_makers(rng, [(mention, "event_context"), (action, "state")], 1_500_000, "application/json",
                             lambda body: signed(body))
    funcs, weights = zip(*makers, strict=True)
    return [rng.choices(funcs, weights)[0]() for _ in range(n)]


async def run(n: int, seed: int) -> int:
    fake = FakeSlackAPI()
    api_url = await fake.start()
    server = Server(api_url, Path(tempfile.mkdtemp(prefix="cxbot-fuzz-")))
    cases = make_cases(n, seed)
    try:
        await server.wait_ready()
        url = server.url + "/slack/events"
        sem = asyncio.Semaphore(50)
        async with aiohttp.ClientSession() as http:

            async def one(case: Case) -> tuple[str, int]:
                async with sem:
                    return await send(http, url, case)

            results = await asyncio.gather(*(one(c) for c in cases))
            probe = json.loads((FIXTURES / "events_url_verification.json").read_text())
            raw = json.dumps(probe)
            async with http.post(url, data=raw, headers={"Content-Type": "application/json", **signed(raw)}) as r:
                alive = r.status == 200 and (await r.json()).get("challenge") == probe["challenge"]
        exit_code = server.proc.poll()
    finally:
        log = server.stop()
        await fake.stop()
    return 0 if report(results, exit_code is not None, alive, log) else 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--requests", type=int, default=1200)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    sys.exit(asyncio.run(run(args.requests, args.seed)))


if __name__ == "__main__":
    main()
