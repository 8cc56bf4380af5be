"""Auto-answer channels and follow-ups without a mention, through the real bolt app over signed HTTP."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from native_kit import ASKER, EVANGELIST, auto_on, channel_message, own, slash_as, thread_posts
from slack_testkit import Slack, mention, running_slack, slack_settings, start_bot

from bot.settings import Settings
from testkit.slack_api import FakeSlackAPI

ANSWERABLE = [
    "How fast must we acknowledge a customer complaint?",
    "Who owns a complaint until it is handed over?",
    "When do we escalate a complaint to the team lead?",
    "When is a complaint closed?",
    "What root causes do we tag after closing a complaint?",
    "Which survey do we send at closure?",
    "What do we measure for complaints?",
    "Does a reopened complaint count against the team that closed it?",
    "How many follow-ups before a complaint can be closed without a reply?",
    "Can we close a complaint by email when the customer called?",
    "Wie schnell werden Kritiker angerufen?",
    "Welche Quellen nutzen wir für Kundenfeedback?",
    "Wer fasst das Feedback jede Woche zusammen?",
    "Wer ist CX-Botschafter in einer Abteilung?",
]
OFF_TOPIC = [
    "What is the capital of Australia?",
    "How do I configure the VPN on my laptop?",
    "What is the lunch menu in the canteen today?",
    "Who won the football match yesterday?",
    "How do I reset my password for the payroll system?",
]
CHATTER = ["thanks!", "Good morning everyone", "ok", "I'll be out of office tomorrow.", "lol"]


@pytest.fixture
async def slack(sample_index: Settings, tmp_path: Path, fake: FakeSlackAPI) -> AsyncIterator[Slack]:
    settings = slack_settings(sample_index, tmp_path, fake.url).model_copy(update={"evangelists": EVANGELIST})
    async with running_slack(settings, fake) as slack:
        yield slack


async def test_fifty_questions_in_an_auto_answer_channel_get_fifty_thread_answers(slack: Slack) -> None:
    await auto_on(slack)
    bodies = [channel_message(ANSWERABLE[n % len(ANSWERABLE)], ts=f"300.{n:06d}", event_id=f"EvQ{n}",
                              user=f"W{5000 + n % 10}") for n in range(50)]  # ten people, five questions each
    acks = await asyncio.gather(*(slack.event(b) for b in bodies))
    assert [r.status for r in acks] == [200] * 50
    await slack.fake.wait_for("chat.postMessage", 50, timeout=60)
    await slack.settle()

    posts = thread_posts(slack)
    assert len(posts) == 50 and len(slack.fake.called("chat.postMessage")) == 50  # nothing outside the threads
    assert sorted(p["thread_ts"] for p in posts) == [f"300.{n:06d}" for n in range(50)]
    assert all(p["channel"] == "C111" and "feedback:up" in json.dumps(p["blocks"]) for p in posts)
    added = slack.fake.called("reactions.add")
    assert len(added) == 50 and {c.args["name"] for c in added} == {"eyes"}
    assert len(slack.fake.called("reactions.remove")) == 50
    assert not any(slack.fake.reactions.values())  # no 👀 left behind


async def test_no_reply_where_it_would_abstain_nor_to_chatter_and_no_eyes_left(slack: Slack) -> None:
    await auto_on(slack)
    texts = OFF_TOPIC + CHATTER
    for n, text in enumerate(texts):
        await slack.event(channel_message(text, ts=f"400.{n:06d}", event_id=f"EvOff{n}"))
    await slack.settle()
    assert thread_posts(slack) == []
    assert len(slack.fake.called("reactions.add")) == len(OFF_TOPIC)  # chatter is not even looked up
    assert not any(slack.fake.reactions.values())


async def test_no_answers_to_bots_to_itself_to_edits_or_to_hidden_messages(slack: Slack) -> None:
    await auto_on(slack)
    question = ANSWERABLE[0]
    own_post = channel_message(question, ts="500.000001", event_id="EvOwn", user="W111")
    own_post["event"]["bot_id"] = "B111"
    other_bot = own("events_message_channel_bot_message.json")
    edit = own("events_message_channel_changed.json")
    deleted = channel_message(question, ts="500.000002", event_id="EvDel")
    deleted["event"].update(subtype="message_deleted", hidden=True)
    joined = channel_message(question, ts="500.000003", event_id="EvJoin")
    joined["event"]["subtype"] = "channel_join"
    bot_user = channel_message(question, ts="500.000004", event_id="EvBotUser", user="W999")
    bot_user["event"]["bot_id"] = "B999"  # an app posting as a user
    for body in (own_post, other_bot, edit, deleted, joined, bot_user):
        assert (await slack.event(body)).status == 200
    await slack.settle()
    assert slack.fake.called("chat.postMessage") == []
    assert slack.fake.called("reactions.add") == []


async def test_a_channel_without_auto_answer_answers_nothing_unaddressed(slack: Slack) -> None:
    await slack.event(channel_message(ANSWERABLE[0], ts="600.000001", event_id="EvPlain"))
    await slack.settle()
    assert slack.fake.called("chat.postMessage") == [] and slack.fake.called("reactions.add") == []


async def test_only_evangelists_switch_auto_answer_and_off_stops_it(slack: Slack) -> None:
    assert (await slack.form(slash_as(ASKER, "auto on"))).status == 200
    [refused] = await slack.fake.wait_for("chat.postEphemeral")
    assert "only CX evangelists" in refused.args["text"]
    await slack.event(channel_message(ANSWERABLE[0], ts="700.000001", event_id="EvNotYet"))
    await slack.settle()
    assert thread_posts(slack) == []

    await auto_on(slack)
    await slack.event(channel_message(ANSWERABLE[0], ts="700.000002", event_id="EvOn"))
    await slack.fake.wait_for("chat.postMessage")
    assert (await slack.form(slash_as(EVANGELIST, "auto off"))).status == 200
    [*_, off] = await slack.fake.wait_for("chat.postEphemeral", 3)
    assert "now off" in off.args["text"]
    await slack.event(channel_message(ANSWERABLE[1], ts="700.000003", event_id="EvOff"))
    await slack.settle()
    assert [p["thread_ts"] for p in thread_posts(slack)] == ["700.000002"]


async def test_auto_answer_is_kept_in_the_database_for_every_replica(slack: Slack, fake: FakeSlackAPI) -> None:
    await auto_on(slack)
    other, _ = await start_bot(slack.services.settings, fake)  # a second replica on the same database
    try:
        raw = json.dumps(channel_message(ANSWERABLE[0], ts="800.000001", event_id="EvReplica"))
        from slack_testkit import sign

        async with slack.http.post(str(other.make_url("/slack/events")), data=raw,
                                   headers={"Content-Type": "application/json", **sign(raw)}) as resp:
            assert resp.status == 200
        [post] = await fake.wait_for("chat.postMessage")
        assert post.args["thread_ts"] == "800.000001"
    finally:
        await other.close()


async def test_a_follow_up_without_a_mention_in_an_answered_thread_is_answered_once(slack: Slack) -> None:
    await slack.event(mention(event_id="EvFirst", ts="900.000001"))
    await slack.fake.wait_for("chat.postMessage")
    follow = channel_message("And who owns the complaint until it is handed over?", ts="900.000002",
                             event_id="EvFollow", thread_ts="900.000001")
    await slack.event(follow)
    await slack.event(follow, **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    posts = await slack.fake.wait_for("chat.postMessage", 2)
    await slack.settle()
    assert len(slack.fake.called("chat.postMessage")) == 2
    assert posts[1].args["thread_ts"] == "900.000001" and "owns" in json.dumps(posts[1].args["blocks"])
    assert slack.fake.called("reactions.add") == []  # 👀 is for auto-answer channels only


async def test_a_follow_up_with_a_mention_is_answered_once_though_both_events_arrive(slack: Slack) -> None:
    await slack.event(mention(event_id="EvFirst2", ts="910.000001"))
    await slack.fake.wait_for("chat.postMessage")
    text = "<@W111> And who owns the complaint until it is handed over?"
    as_mention = mention("And who owns the complaint until it is handed over?", event_id="EvMention2",
                         ts="910.000002", thread_ts="910.000001")
    as_message = channel_message(text, ts="910.000002", event_id="EvMessage2", thread_ts="910.000001")
    await asyncio.gather(slack.event(as_message), slack.event(as_mention))
    await slack.fake.wait_for("chat.postMessage", 2)
    await slack.settle()
    assert len(slack.fake.called("chat.postMessage")) == 2


async def test_replies_in_threads_cxbot_never_answered_are_left_alone(slack: Slack) -> None:
    await slack.event(channel_message(ANSWERABLE[0], ts="920.000002", event_id="EvStranger", thread_ts="920.000001"))
    await slack.settle()
    assert slack.fake.called("chat.postMessage") == [] and slack.fake.called("conversations.replies") == []


async def test_a_follow_up_that_would_abstain_stays_silent(slack: Slack) -> None:
    await slack.event(mention(event_id="EvFirst3", ts="930.000001"))
    await slack.fake.wait_for("chat.postMessage")
    await slack.event(channel_message(OFF_TOPIC[0], ts="930.000002", event_id="EvAbstain", thread_ts="930.000001"))
    await slack.event(channel_message("thanks, that helps!", ts="930.000003", event_id="EvThanks",
                                      thread_ts="930.000001"))
    await slack.settle()
    assert len(slack.fake.called("chat.postMessage")) == 1


async def test_the_auto_command_replies_in_the_evangelists_language(slack: Slack) -> None:
    slack.fake.locales.update({EVANGELIST: "de-DE"})
    assert (await slack.form(slash_as(EVANGELIST, "auto on"))).status == 200
    [reply] = await slack.fake.wait_for("chat.postEphemeral")
    assert "automatische Antwort ist jetzt an" in reply.args["text"]
