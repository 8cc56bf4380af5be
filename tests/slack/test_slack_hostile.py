"""Hostile requests at `/slack/events` of a real server on loopback: a 4xx for each, never a 5xx.

Unsigned ones are refused before their body is parsed (401); signed ones that nest too deeply or do
not decode are 400; oversized ones 413, whether declared, chunked or compressed. Afterwards the server
is healthy and still answers a real event.
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import pytest
from slack_testkit import Slack, block_action, fixture, mention, sign

from testkit import hostile

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


async def post(slack: Slack, body: Any, headers: dict[str, str]) -> int:
    async with slack.http.post(slack.url(), data=body, headers=headers) as resp:
        await resp.read()
        return resp.status


def deep_form() -> bytes:
    payload = json.loads(urllib.parse.unquote(block_action("feedback:up", "q")[len("payload="):]))
    return ("payload=" + urllib.parse.quote(hostile.deep_inside(payload, "state").decode())).encode()


DEEP = {
    "arrays-5000": (hostile.deep_arrays(), JSON),
    "objects-5000": (hostile.deep_objects(), JSON),
    "event-80": (hostile.deep_inside(mention(), "event_context"), JSON),
    "form-payload-80": (deep_form(), FORM),
}


@pytest.mark.parametrize("case", DEEP)
async def test_deep_nesting_is_401_unsigned_and_400_signed(slack: Slack, case: str) -> None:
    body, ctype = DEEP[case]

    assert await post(slack, body, {"Content-Type": ctype}) == 401
    assert await post(slack, body, {"Content-Type": ctype, **sign(body)}) == 400
    await slack.settle()
    assert slack.fake.called("chat.postMessage") == []


async def test_oversized_bodies_are_413_declared_chunked_or_compressed(slack: Slack) -> None:
    big = hostile.oversized(1_500_000)

    assert await post(slack, big, {"Content-Type": JSON, **sign(big)}) == 413
    assert await post(slack, hostile.chunked(big), {"Content-Type": JSON, **sign(big)}) == 413
    bomb = hostile.gzip_bomb()
    assert await post(slack, bomb, {"Content-Type": JSON, "Content-Encoding": "gzip", **sign(bomb)}) == 413


@pytest.mark.parametrize("body", hostile.UNDECODABLE)
async def test_undecodable_bodies_are_401_unsigned_and_400_signed(slack: Slack, body: bytes) -> None:
    assert await post(slack, body, {"Content-Type": JSON}) == 401
    assert await post(slack, body, {"Content-Type": JSON, **sign(body)}) == 400


async def test_broken_compression_is_400_and_the_server_still_answers(slack: Slack) -> None:
    headers = {"Content-Type": JSON, "Content-Encoding": "gzip", **sign(hostile.BROKEN_GZIP)}

    assert await post(slack, hostile.BROKEN_GZIP, headers) == 400
    async with slack.http.get(slack.url("/healthz")) as health:
        assert health.status == 200
    assert (await slack.event(mention(event_id="EvAfterHostile"))).status == 200
    await slack.settle()
    assert len(slack.fake.called("chat.postMessage")) == 1


async def test_url_verification_still_works_beside_the_limits(slack: Slack) -> None:
    body = json.dumps(fixture("events_url_verification.json"))

    async with slack.http.post(slack.url(), data=body, headers={"Content-Type": JSON, **sign(body)}) as resp:
        assert resp.status == 200
