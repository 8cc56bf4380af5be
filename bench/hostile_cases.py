"""Shared by bench/slack_fuzz.py and bench/teams_fuzz.py: hostile shapes, sending, and the bar.

A case is (name, method, body, headers, stream). The bar (issue 14): no response >= 500, no
connection broken before its answer (-1), every answer a 4xx, the server still running and answering,
and no traceback logged by cxbot. Tracebacks aiohttp logs itself, after it has answered a request
whose HTTP framing or compression was broken, are counted apart.
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from testkit import hostile

Case = tuple[str, str, bytes, dict[str, str], bool]  # name, method, body, headers, stream chunked
Sign = Callable[[bytes], dict[str, str]]


def hostile_makers(rng: random.Random, real: list[tuple[dict[str, Any], str]], big: int, ctype: str,
                   auth: Sign) -> list[tuple[Callable[[], Case], int]]:
    """Makers of the hostile shapes, with weights; `auth(body)` gives the headers that get a body past
    authentication (a Slack signature, a well-formed Bearer token), `real` payloads with the key to nest in."""

    def deep() -> Case:
        payload, key = rng.choice(real)
        body = rng.choice([hostile.deep_arrays(), hostile.deep_objects(), hostile.deep_arrays(1_000),
                           hostile.deep_inside(payload, key)])
        return "deep-nesting", "POST", body, {"Content-Type": ctype, **auth(body)}, False

    def deep_unauthenticated() -> Case:
        body = rng.choice([hostile.deep_arrays(), hostile.deep_objects()])
        return "deep-nesting-no-auth", "POST", body, {"Content-Type": ctype}, False

    def oversized_chunked() -> Case:
        body = hostile.oversized(big)
        return "oversized-chunked", "POST", body, {"Content-Type": ctype, **auth(body)}, True

    def gzip_bomb() -> Case:
        body = hostile.gzip_bomb(32 * 1024 * 1024)
        return "gzip-bomb", "POST", body, {"Content-Type": ctype, "Content-Encoding": "gzip", **auth(body)}, False

    def broken_gzip() -> Case:
        body = hostile.BROKEN_GZIP
        return "broken-gzip", "POST", body, {"Content-Type": ctype, "Content-Encoding": "gzip", **auth(body)}, False

    def undecodable() -> Case:
        body = rng.choice(hostile.UNDECODABLE)
        return "undecodable", "POST", body, {"Content-Type": ctype, **auth(body)}, False

    return [(deep, 8), (deep_unauthenticated, 4), (oversized_chunked, 1), (gzip_bomb, 1), (broken_gzip, 2),
            (undecodable, 4)]


async def send(http: aiohttp.ClientSession, url: str, case: Case) -> tuple[str, int]:
    name, method, body, headers, stream = case
    data: Any = hostile.chunked(body) if stream else body
    try:
        async with http.request(method, url, data=data, headers=headers) as resp:
            await resp.read()
            return name, resp.status
    except aiohttp.ClientError:
        return name, -1  # the connection broke before an answer


def tracebacks(log: str) -> tuple[int, int]:
    """(logged by cxbot, logged by aiohttp) in the server's JSON log lines."""
    ours = theirs = 0
    for line in log.splitlines():
        try:
            doc = json.loads(line)
        except ValueError:
            ours += "Traceback" in line  # not our JSON: a crash printed by Python itself
            continue
        if isinstance(doc, dict) and doc.get("exc"):
            if str(doc.get("logger", "")).startswith("bot"):
                ours += 1
            else:
                theirs += 1
    return ours, theirs


def report(results: list[tuple[str, int]], exited: bool, alive: bool, log: str) -> bool:
    """Print the counts per kind and the bar; True when it holds."""
    statuses = Counter(s for _, s in results)
    by_kind: dict[str, Counter[int]] = {}
    for name, status in results:
        by_kind.setdefault(name, Counter())[status] += 1
    print(f"requests: {len(results)}  statuses: {dict(sorted(statuses.items()))}")
    for name, counts in sorted(by_kind.items()):
        print(f"  {name:24s} {dict(sorted(counts.items()))}")
    five = sum(c for s, c in statuses.items() if s >= 500)
    dropped = statuses.get(-1, 0)
    non4 = sum(c for s, c in statuses.items() if not 400 <= s < 500)
    ours, theirs = tracebacks(log)
    print(f">=500: {five}  dropped connections: {dropped}  not 4xx: {non4}  server exited: {exited}  "
          f"still answers after: {alive}  tracebacks logged by cxbot: {ours} (by aiohttp itself: {theirs})")
    ok = five == 0 and dropped == 0 and non4 == 0 and not exited and alive and ours == 0
    print("bars:", "PASS" if ok else "FAIL")
    return ok
