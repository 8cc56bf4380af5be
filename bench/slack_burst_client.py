"""The client side of `bench/slack_ack.py`, in a process of its own, as an outside client would be.

    .venv/bin/python bench/slack_burst_client.py URL --connections 100 < requests.jsonl > results.json

Reads one request a line (`{"body": "...", "retry": false}`), signs them all, warms `--connections`
keep-alive connections with two bursts of as many `GET /healthz` (the second one timed: the floor of
client, server and machine for that many requests at that moment), then sends every request at once
over those connections. Each request is timed from the moment a connection is free for it (the wait for one of
the pooled connections is not counted), to the end of the response. Prints one JSON object:
`{"baseline_ms": [...], "results": [{"start": unix_seconds, "ms": ..., "status": ...}, ...]}`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from types import SimpleNamespace
from typing import Any

import aiohttp
from slack_harness import signed


def timing() -> aiohttp.TraceConfig:
    """Marks when a request got its connection: its start unless it had to wait for one."""
    trace = aiohttp.TraceConfig()

    async def started(_s: aiohttp.ClientSession, ctx: SimpleNamespace, _p: Any) -> None:
        ctx.trace_request_ctx["start"] = time.time()

    async def got_connection(_s: aiohttp.ClientSession, ctx: SimpleNamespace, _p: Any) -> None:
        ctx.trace_request_ctx["start"] = time.time()

    async def sent(_s: aiohttp.ClientSession, ctx: SimpleNamespace, _p: Any) -> None:
        ctx.trace_request_ctx["sent"] = time.time()

    async def answered(_s: aiohttp.ClientSession, ctx: SimpleNamespace, _p: Any) -> None:
        ctx.trace_request_ctx["headers"] = time.time()

    trace.on_request_start.append(started)
    trace.on_connection_queued_end.append(got_connection)
    trace.on_request_headers_sent.append(sent)
    trace.on_request_end.append(answered)
    return trace


async def send(http: aiohttp.ClientSession, url: str, body: str, headers: dict[str, str]) -> dict[str, Any]:
    ctx: dict[str, float] = {}
    async with http.post(url, data=body.encode(), headers=headers, trace_request_ctx=ctx) as r:
        await r.read()
        end = time.time()
        return {"start": ctx["start"], "ms": (end - ctx["start"]) * 1000, "status": r.status,
                "to_send_ms": (ctx["sent"] - ctx["start"]) * 1000, "to_headers_ms": (ctx["headers"] - ctx["start"]) * 1000}


async def ping(http: aiohttp.ClientSession, url: str) -> float:
    ctx: dict[str, float] = {}
    async with http.get(url, trace_request_ctx=ctx) as r:
        await r.read()
        return (time.time() - ctx["start"]) * 1000


async def run(base: str, connections: int, requests: list[dict[str, Any]]) -> dict[str, Any]:
    url = base + "/slack/events"
    prepared = []
    for req in requests:
        headers = {"Content-Type": "application/json", **signed(req["body"])}
        if req.get("retry"):
            headers.update({"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
        prepared.append((req["body"], headers))
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector, trace_configs=[timing()]) as http:
        baseline: list[float] = []
        for _ in range(2):  # the second burst runs on the warm connections the events will use
            baseline = await asyncio.gather(*(ping(http, base + "/healthz") for _ in range(len(prepared))))
        results = await asyncio.gather(*(send(http, url, body, headers) for body, headers in prepared))
    return {"baseline_ms": baseline, "results": results}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("url", help="the server's base URL, e.g. http://127.0.0.1:8080")
    ap.add_argument("--connections", type=int, default=100)
    args = ap.parse_args()
    requests = [json.loads(line) for line in sys.stdin if line.strip()]
    print(json.dumps(asyncio.run(run(args.url, args.connections, requests))))


if __name__ == "__main__":
    main()
