"""Only signed, fresh, well-formed requests get in; everything else is a 4xx, never a crash."""

from __future__ import annotations

import json
import time
from urllib.parse import quote

from slack_testkit import Slack, mention, sign


async def test_bad_signature_is_rejected_with_401(slack: Slack) -> None:
    body = json.dumps(mention())
    resp = await slack.send(body, signed=False, headers=sign(body, secret="someone-else"))
    assert resp.status == 401


async def test_stale_timestamp_is_rejected_with_401(slack: Slack) -> None:
    body = json.dumps(mention())
    resp = await slack.send(body, signed=False, headers=sign(body, ts=int(time.time()) - 6 * 60))
    assert resp.status == 401


async def test_garbage_signature_headers_are_rejected_with_401(slack: Slack) -> None:
    body = json.dumps(mention())
    for headers in ({"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=00"},
                    {"X-Slack-Request-Timestamp": "1e99", "X-Slack-Signature": "v0=00"},
                    {**sign(body), "X-Slack-Signature": "v0=ä€"}):
        resp = await slack.send(body, signed=False, headers=headers)
        assert resp.status == 401, headers


async def test_missing_signature_headers_are_rejected_with_401(slack: Slack) -> None:
    assert (await slack.send(json.dumps(mention()), signed=False)).status == 401


async def test_malformed_bodies_are_rejected_with_400(slack: Slack) -> None:
    bad = [
        ("{not json", "application/json"),
        ("[1, 2, 3]", "application/json"),
        ('{"type": "event_callback", "event": "nope"}', "application/json"),
        ("payload=%7Bnot-json", "application/x-www-form-urlencoded"),
        ("payload=%5B%5D", "application/x-www-form-urlencoded"),
        ("payload=" + quote(json.dumps({"type": "block_actions", "actions": "x"})), "application/x-www-form-urlencoded"),
        ("payload=" + quote(json.dumps({"type": "block_actions", "actions": [None]})), "application/x-www-form-urlencoded"),
        ("payload=" + quote(json.dumps({"type": "view_submission", "view": "x"})), "application/x-www-form-urlencoded"),
    ]
    for body, ctype in bad:
        resp = await slack.send(body, ctype)
        assert 400 <= resp.status < 500, (body, resp.status)
    await slack.settle()
    assert slack.fake.called("chat.postMessage") == []


async def test_non_utf8_body_is_rejected_and_the_server_keeps_answering(slack: Slack) -> None:
    raw = b"\xff\xfe\x00garbage"
    headers = {"Content-Type": "application/json", **sign(raw)}
    async with slack.http.post(slack.url(), data=raw, headers=headers) as resp:
        assert resp.status == 400
    async with slack.http.post(slack.url(), data=raw, headers={"Content-Type": "application/json"}) as resp:
        assert resp.status == 401
    async with slack.http.get(slack.url("/healthz")) as health:
        assert health.status == 200
    assert (await slack.event(mention(event_id="EvAfter"))).status == 200
