"""Mentions and DMs over the Events API: acknowledged at once, answered in the right place, once."""

from __future__ import annotations

import asyncio
import json

from slack_testkit import QUESTION, Slack, fixture, mention, sign, start_bot

from bot.slack.edge import SLACK_EDGE
from testkit.slack_api import FakeSlackAPI


def texts(blocks: list[dict]) -> str:
    return json.dumps(blocks)


async def test_url_verification_echoes_the_challenge(slack: Slack) -> None:
    body = fixture("events_url_verification.json")
    raw = json.dumps(body)
    async with slack.http.post(slack.url(), data=raw, headers={"Content-Type": "application/json", **sign(raw)}) as r:
        assert r.status == 200
        assert (await r.json())["challenge"] == body["challenge"]


async def test_mention_is_answered_in_its_thread_with_sources_and_feedback_buttons(slack: Slack) -> None:
    resp = await slack.event(mention())
    assert resp.status == 200
    [post] = await slack.fake.wait_for("chat.postMessage")
    assert post.args["channel"] == "C111"
    assert post.args["thread_ts"] == "1595926230.009600"
    blocks = post.args["blocks"]
    kinds = [b["type"] for b in blocks]
    assert kinds[0] == "section" and "context" in kinds and kinds[-1] == "actions"
    assert "Sources" in texts(blocks) and "complaint" in texts(blocks).lower()
    actions = [e["action_id"] for e in blocks[-1]["elements"]]
    assert actions == ["feedback:up", "feedback:down"]
    assert post.token == "xoxb-test"


async def test_dm_is_answered_in_the_dm_not_in_a_thread(slack: Slack) -> None:
    body = fixture("events_message_im.json")
    body["event"]["text"] = QUESTION
    assert (await slack.event(body)).status == 200
    [post] = await slack.fake.wait_for("chat.postMessage")
    assert post.args["channel"] == "D111"
    assert "thread_ts" not in post.args
    assert "feedback:up" in texts(post.args["blocks"])


async def test_bot_messages_and_channel_chatter_are_not_answered(slack: Slack) -> None:
    own = fixture("events_message_im.json")
    own["event"].update(bot_id="B111", event_id="EvOwn")
    chatter = fixture("events_message_channel_rich_text.json")
    chatter["event_id"] = "EvChatter"
    assert (await slack.event(own)).status == 200
    assert (await slack.event(chatter)).status == 200
    await slack.settle()
    assert slack.fake.called("chat.postMessage") == []


async def test_follow_up_in_a_thread_is_answered_with_the_thread_as_context(slack: Slack) -> None:
    slack.fake.add_thread_message("C111", "100.000001", "W222", "<@W111> How do we handle a complaint?", "100.000001")
    slack.fake.add_thread_message("C111", "100.000001", "W111", "bot answer", "100.000002")
    await slack.event(mention("And how fast must we acknowledge it?", event_id="EvFollow", ts="100.000003",
                              thread_ts="100.000001"))
    [post] = await slack.fake.wait_for("chat.postMessage")
    [replies] = slack.fake.called("conversations.replies")
    assert replies.args["ts"] == "100.000001"
    assert post.args["thread_ts"] == "100.000001"
    assert "Sources" in texts(post.args["blocks"])


async def test_retry_and_duplicate_delivery_produce_one_answer(slack: Slack) -> None:
    body = mention(event_id="EvDup")
    first = await slack.event(body)
    retry = await slack.event(body, **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    again = await slack.event(body)
    assert (first.status, retry.status, again.status) == (200, 200, 200)
    await slack.settle()
    assert len(slack.fake.called("chat.postMessage")) == 1


async def test_a_burst_of_one_question_is_answered_once_in_every_thread_from_one_computed_answer(slack: Slack) -> None:
    threads = [f"200.{n:06d}" for n in range(12)]
    acks = await asyncio.gather(*(slack.event(mention(event_id=f"EvBurst{n}", ts=ts)) for n, ts in enumerate(threads)))
    assert [r.status for r in acks] == [200] * 12
    await slack.fake.wait_for("chat.postMessage", 12)
    await slack.settle()
    posts = slack.fake.called("chat.postMessage")
    assert sorted(p.args["thread_ts"] for p in posts) == threads
    assert len({texts(p.args["blocks"][:1]) for p in posts}) == 1
    assert slack.services.knowledge.answers.computed == 1


async def test_an_event_seen_before_a_restart_is_not_answered_again(slack: Slack, fake: FakeSlackAPI) -> None:
    await slack.event(mention(event_id="EvRestart"))
    await fake.wait_for("chat.postMessage")
    settings = slack.services.settings
    await slack.server.close()
    server, _ = await start_bot(settings, fake)
    raw = json.dumps(mention(event_id="EvRestart"))
    try:
        resp = await slack.http.post(str(server.make_url("/slack/events")), data=raw,
                                     headers={"Content-Type": "application/json", **sign(raw)})
        assert resp.status == 200
        await server.app[SLACK_EDGE].queue.join()
        assert len(fake.called("chat.postMessage")) == 1
    finally:
        await server.close()


async def test_rate_limited_post_is_retried_after_retry_after_and_delivered(slack: Slack) -> None:
    slack.fake.rate_limit("chat.postMessage", times=1, retry_after=1)
    await slack.event(mention(event_id="Ev429"))
    [post] = await slack.fake.wait_for("chat.postMessage", timeout=20)
    limited = [c for c in slack.fake.calls if c.method == "chat.postMessage" and c.status == 429]
    assert len(limited) == 1
    assert post.at - limited[0].at >= 1.0
    assert post.args["thread_ts"] == "1595926230.009600"


async def test_auth_test_is_called_once_at_start_up_not_per_request(slack: Slack) -> None:
    for n in range(5):
        await slack.event(mention(event_id=f"EvAuth{n}"))
    await slack.settle()
    assert len(slack.fake.called("auth.test")) == 1
