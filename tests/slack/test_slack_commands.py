"""`/cx` answers privately with a share button; buttons record feedback and share answers."""

from __future__ import annotations

import asyncio
import json

from slack_testkit import QUESTION, Slack, block_action, mention, slash

from bot.ask.store import QuestionLog


async def ephemeral_answer(slack: Slack) -> tuple[dict, str]:
    resp = await slack.form(slash(QUESTION))
    assert resp.status == 200
    [eph] = await slack.fake.wait_for("chat.postEphemeral")
    actions = eph.args["blocks"][-1]["elements"]
    return eph.args, actions[0]["value"]


async def test_slash_command_answers_ephemerally_with_a_share_button(slack: Slack) -> None:
    args, qid = await ephemeral_answer(slack)
    assert (args["channel"], args["user"]) == ("C111", "W111")
    ids = [e["action_id"] for e in args["blocks"][-1]["elements"]]
    assert ids == ["feedback:up", "feedback:down", "share"]
    assert slack.fake.called("chat.postMessage") == []
    assert qid


async def test_share_posts_the_private_answer_publicly_without_the_share_button(slack: Slack) -> None:
    args, qid = await ephemeral_answer(slack)
    resp = await slack.form(block_action("share", qid, is_ephemeral=True))
    assert resp.status == 200
    [post] = await slack.fake.wait_for("chat.postMessage")
    assert post.args["channel"] == "C111"
    shared = json.dumps(post.args["blocks"])
    assert "<@W111> shared" in shared
    assert json.dumps(args["blocks"][0]) in shared
    assert '"share"' not in shared and "feedback:up" in shared


async def test_sharing_an_unknown_answer_explains_privately(slack: Slack) -> None:
    await slack.form(block_action("share", "nope", is_ephemeral=True))
    [eph] = await slack.fake.wait_for("chat.postEphemeral")
    assert "no longer available" in eph.args["text"]
    assert "`/cx ask &lt;question&gt;`" in eph.args["text"]  # Slack's own way to ask, escaped for mrkdwn
    assert slack.fake.called("chat.postMessage") == []


async def test_feedback_click_is_stored_with_the_question(slack: Slack) -> None:
    await slack.event(mention(event_id="EvFeedback"))
    [post] = await slack.fake.wait_for("chat.postMessage")
    qid = post.args["blocks"][-1]["elements"][1]["value"]
    resp = await slack.form(block_action("feedback:down", qid, is_ephemeral=False, message_ts=post.args.get("ts", "1.2")))
    assert resp.status == 200
    [thanks] = await slack.fake.wait_for("chat.postEphemeral")
    assert thanks.args["user"] == "W111"
    stored = await asyncio.to_thread(QuestionLog(slack.services.db).get, qid)
    assert stored is not None and stored.feedback == -1
    assert stored.question == QUESTION and stored.platform == "slack"


async def test_help_command_lists_the_command_table(slack: Slack) -> None:
    await slack.form(slash("help"))
    [eph] = await slack.fake.wait_for("chat.postEphemeral")
    assert "`ask &lt;question&gt;`" in eph.args["text"]


async def test_unknown_button_is_acknowledged_and_ignored(slack: Slack) -> None:
    resp = await slack.form(block_action("a", "click_me_123"))
    assert resp.status == 200
    await slack.settle()
    assert [c.method for c in slack.fake.calls if c.method.startswith("chat.")] == []


async def test_where_the_bot_is_no_member_answers_and_shares_go_through_the_response_url(slack: Slack) -> None:
    slack.fake.fail("chat.postEphemeral", "channel_not_found")
    slack.fake.fail("chat.postMessage", "not_in_channel")
    await slack.form(slash(QUESTION, response_url=slack.fake.hook_url("T111/1/cmd")))
    [private] = await slack.fake.wait_for("response_url")
    assert private.args["response_type"] == "ephemeral"
    qid = private.args["blocks"][-1]["elements"][0]["value"]
    await slack.form(block_action("share", qid, response_url=slack.fake.hook_url("T111/1/click"), is_ephemeral=True))
    [_, public] = await slack.fake.wait_for("response_url", 2)
    assert public.args["response_type"] == "in_channel" and public.args["replace_original"] is False
    assert "shared an answer" in json.dumps(public.args["blocks"])


async def test_a_large_click_payload_arriving_in_many_chunks_is_read_whole(slack: Slack) -> None:
    payload = block_action("feedback:up", "no-such-question", is_ephemeral=False)
    padded = payload + "&pad=" + "x" * 600_000
    resp = await slack.form(padded)
    assert resp.status == 200
