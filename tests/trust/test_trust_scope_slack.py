"""Scoping through the real Slack edge: channels, DMs by user group, thread follow-ups, share."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, cast

import pytest
from slack_testkit import (
    Slack,
    block_action,
    fixture,
    mention,
    running_slack,
    slack_settings,
    slash,
)
from trust_kit import LEAD_CHANNEL_SLACK, LEAD_GROUP_SLACK, SECRET_QUESTION, leaks, scoped_settings

from bot.settings import Settings
from testkit.slack_api import FakeSlackAPI


@pytest.fixture(scope="module")
def scoped_index(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return cast(Settings, scoped_settings(tmp_path_factory.mktemp("scoped-slack")))


@pytest.fixture
async def slack(scoped_index: Settings, tmp_path: Path) -> AsyncIterator[Slack]:
    fake = FakeSlackAPI()
    await fake.start()
    fake.usergroups = [{"id": LEAD_GROUP_SLACK, "handle": "leads", "users": ["WLEAD"]}]
    async with running_slack(slack_settings(scoped_index, tmp_path, fake.url), fake) as slack:
        yield slack
    await fake.stop()


def in_channel(channel: str, text: str = SECRET_QUESTION, **kw: Any) -> dict[str, Any]:
    body = mention(text, **kw)
    body["event"]["channel"] = channel
    return body


def dm(user: str, text: str = SECRET_QUESTION) -> dict[str, Any]:
    body = fixture("events_message_im.json")
    body["event"].update(user=user, text=text)
    body["event_id"] = f"EvDm{user}"
    return body


def sent(slack: Slack) -> str:
    return json.dumps([c.args for c in slack.fake.calls if c.method.startswith("chat.")])


async def test_a_mention_in_the_audience_channel_answers_from_the_restricted_collection(slack: Slack) -> None:
    await slack.event(in_channel(LEAD_CHANNEL_SLACK))
    [post] = await slack.fake.wait_for("chat.postMessage")
    assert "Leipzig" in json.dumps(post.args["blocks"]) and "falcon.md" in json.dumps(post.args["blocks"])


async def test_a_mention_elsewhere_gets_the_plain_no_answer(slack: Slack) -> None:
    await slack.event(in_channel("C0GENERAL"))
    [post] = await slack.fake.wait_for("chat.postMessage")
    assert leaks(sent(slack)) == [] and "couldn't find an answer" in post.args["text"]


async def test_a_dm_uses_what_the_asker_can_see(slack: Slack) -> None:
    await slack.event(dm("WLEAD"))
    [post] = await slack.fake.wait_for("chat.postMessage")
    assert "Leipzig" in json.dumps(post.args)
    await slack.event(dm("WOTHER"))
    [_, other] = await slack.fake.wait_for("chat.postMessage", 2)
    assert leaks(json.dumps(other.args)) == []


async def test_a_thread_follow_up_outside_the_audience_learns_nothing_from_the_thread(slack: Slack) -> None:
    slack.fake.add_thread_message("C0GENERAL", "100.1", "WLEAD", "What is Project Falcon and where does it move?", "100.1")
    await slack.event(in_channel("C0GENERAL", "and where do its agents go?", thread_ts="100.1", ts="100.2", event_id="EvT1"))
    await slack.fake.wait_for("chat.postMessage")
    assert leaks(sent(slack)) == []


async def test_a_thread_follow_up_inside_the_audience_answers(slack: Slack) -> None:
    slack.fake.add_thread_message(LEAD_CHANNEL_SLACK, "200.1", "WLEAD", "Tell me about Project Falcon", "200.1")
    await slack.event(in_channel(LEAD_CHANNEL_SLACK, "where do its agents move to?", thread_ts="200.1", ts="200.2",
                                 event_id="EvT2"))
    [post] = await slack.fake.wait_for("chat.postMessage")
    assert "Leipzig" in json.dumps(post.args)


def slash_in(channel: str, user: str) -> str:
    return slash(SECRET_QUESTION).replace("channel_id=C111", f"channel_id={channel}").replace(
        "user_id=W111", f"user_id={user}")


async def test_ephemeral_in_a_public_channel_then_share_leaks_nothing_even_for_a_lead(slack: Slack) -> None:
    await slack.form(slash_in("C0GENERAL", "WLEAD"))
    [eph] = await slack.fake.wait_for("chat.postEphemeral")
    assert leaks(json.dumps(eph.args)) == []
    qid = eph.args["blocks"][-1]["elements"][0]["value"]
    await slack.form(block_action("share", qid, is_ephemeral=True))
    [post] = await slack.fake.wait_for("chat.postMessage")
    assert post.args["channel"] == "C0GENERAL" and leaks(sent(slack)) == []


async def test_ephemeral_in_the_audience_channel_then_share_posts_there(slack: Slack) -> None:
    await slack.form(slash_in(LEAD_CHANNEL_SLACK, "WOTHER"))
    [eph] = await slack.fake.wait_for("chat.postEphemeral")
    assert "Leipzig" in json.dumps(eph.args)
    qid = eph.args["blocks"][-1]["elements"][0]["value"]
    await slack.form(block_action("share", qid, is_ephemeral=True))
    [post] = await slack.fake.wait_for("chat.postMessage")
    assert post.args["channel"] == LEAD_CHANNEL_SLACK and "Leipzig" in json.dumps(post.args)
