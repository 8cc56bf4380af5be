"""1,200 hostile requests at `/api/messages` of a running `cxbot serve` with Bot Framework auth on.

    .venv/bin/python bench/teams_fuzz.py [--requests 1200] [--seed 7]

`MicrosoftAppId` and `MicrosoftAppPassword` are set, so every request needs a token. Mixes missing
and malformed Authorization headers (on real, deep and oversized bodies), well-formed tokens signed
by nobody (on real activities, broken JSON, wrong shapes, deep nesting, oversized bodies declared,
chunked or gzipped, undecodable bytes, broken compression), wrong content types, wrong methods and
header lines too long for aiohttp. The forged tokens' issuer is not Microsoft's: for one that is,
botbuilder fetches Microsoft's signing keys, which this machine cannot reach (503 by design).
Bar (issue 14): no response >= 500, no dropped connection, every answer a 4xx, healthy afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import aiohttp
from hostile_cases import Case, hostile_makers, report, send
from slack_harness import ROOT, Server

from testkit import hostile
from testkit.slack_api import FakeSlackAPI

FIXTURES = ROOT.parent / "shared" / "fixtures" / "teams"
JSON = "application/json"


def bearer(_body: bytes = b"") -> dict[str, str]:
    return {"Authorization": "Bearer " + hostile.forged_jwt()}


def make_cases(n: int, seed: int) -> list[Case]:
    rng = random.Random(seed)
    real = [json.loads((FIXTURES / name).read_text()) for name in (
        "message_personal.json", "message_channel_mention.json", "message_adaptivecard_submit_value.json",
        "conversationUpdate_teamMemberAdded.json")]

    def activity() -> bytes:
        return json.dumps(rng.choice(real)).encode()

    def pre_auth() -> Case:
        value = rng.choice(hostile.BAD_AUTHORIZATION)
        body = rng.choice([activity(), hostile.deep_arrays(), hostile.oversized(3 * 1024 * 1024)])
        return "bad-authorization", "POST", body, {"Content-Type": JSON, **({"Authorization": value} if value else {})}, False

    def forged() -> Case:
        return "forged-token", "POST", activity(), {"Content-Type": JSON, **bearer()}, False

    def broken_json() -> Case:
        body = activity()
        bad = rng.choice([body[: rng.randrange(1, len(body))], b"[" + body, body.replace(b'"', b"'"), b"null", b"[]"])
        return "broken-json", "POST", bad, {"Content-Type": JSON, **bearer()}, False

    def wrong_shape() -> Case:
        doc = rng.choice(real) | {rng.choice(["conversation", "from", "recipient", "serviceUrl", "type", "entities"]):
                                   rng.choice([None, 7, "x", [], {"id": 3}, [None]])}
        return "wrong-shape", "POST", json.dumps(doc).encode(), {"Content-Type": JSON, **bearer()}, False

    def wrong_type() -> Case:
        return "wrong-content-type", "POST", activity(), {"Content-Type": rng.choice(["text/plain", "", "application/xml"]),
                                                          **bearer()}, False

    def wrong_method() -> Case:
        return "wrong-method", rng.choice(["GET", "PUT", "DELETE"]), activity(), {"Content-Type": JSON}, False

    def long_header() -> Case:
        return "header-too-long", "POST", activity(), {"Content-Type": JSON, "Authorization": "Bearer " + "A" * 9000}, False

    makers: list[tuple[Callable[[], Case], int]] = [
        (pre_auth, 20), (forged, 10), (broken_json, 10), (wrong_shape, 8), (wrong_type, 3), (wrong_method, 2),
        (long_header, 1),
    ]
    makers += hostile_makers(rng, [(d, "value") for d in real], 3 * 1024 * 1024, JSON, bearer)
    funcs, weights = zip(*makers, strict=True)
    return [rng.choices(funcs, weights)[0]() for _ in range(n)]


async def run(n: int, seed: int) -> int:
    fake = FakeSlackAPI()
    api_url = await fake.start()
    server = Server(api_url, Path(tempfile.mkdtemp(prefix="cxbot-teams-fuzz-")),
                    extra_env={"MicrosoftAppId": hostile.APP_ID, "MicrosoftAppPassword": "bench-app-password"})
    cases = make_cases(n, seed)
    try:
        await server.wait_ready()
        url = server.url + "/api/messages"
        sem = asyncio.Semaphore(50)
        async with aiohttp.ClientSession() as http:

            async def one(case: Case) -> tuple[str, int]:
                async with sem:
                    return await send(http, url, case)

            results = await asyncio.gather(*(one(c) for c in cases))
            async with http.get(server.url + "/healthz") as health:
                healthy = health.status == 200
            probe = json.loads((FIXTURES / "message_personal.json").read_text())
            async with http.post(url, json=probe, headers=bearer()) as r:
                alive = healthy and r.status == 401
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
