"""The escalation round trip on Slack, through the real bolt app and the fake Web API:
"Ask an expert" -> expert channel (owners tagged, link, sources) -> an expert's reply -> the asker
notified in their thread -> "Save as answer" -> a reworded question answered from it, "Verified by"."""

from __future__ import annotations

import asyncio
import json
import urllib.parse
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from expert_kit import (
    EXPERTS_SLACK,
    OWNER,
    OWNER_GROUP,
    QUESTION,
    REPLY,
    REWORDED,
    blocks_text,
    button_value,
    expert_knowledge,
)
from slack_testkit import Slack, fixture, mention, running_slack, slack_settings
from typer.testing import CliRunner

from bot.cli import app
from bot.expert.entries import read
from bot.expert.verify import verified_note
from testkit.slack_api import FakeSlackAPI

ASKER = "W222"  # the user of the recorded app_mention
ASKED_TS = "1595926230.009600"


@pytest.fixture
async def slack(tmp_path: Path, fake: FakeSlackAPI) -> AsyncIterator[Slack]:
    base = expert_knowledge(tmp_path, CXBOT_EVANGELISTS="U0EVA")
    async with running_slack(slack_settings(base, tmp_path, fake.url), fake) as slack:
        yield slack


def click(fake: FakeSlackAPI, action_id: str, value: str, user: str, channel: str, message_ts: str,
          thread_ts: str | None) -> str:
    body = fixture("interactivity_block_actions.json")
    body["user"] = {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T111"}
    body["channel"] = {"id": channel, "name": "x"}
    body["container"] = {"type": "message", "message_ts": message_ts, "channel_id": channel, "is_ephemeral": False,
                         **({"thread_ts": thread_ts} if thread_ts else {})}
    body["message"] = {"ts": message_ts, **({"thread_ts": thread_ts} if thread_ts else {})}
    body["response_url"] = fake.hook_url()
    body["actions"][0].update(action_id=action_id, value=value)
    return "payload=" + urllib.parse.quote(json.dumps(body))


def thread_reply(channel: str, thread_ts: str, user: str, text: str, ts: str, event_id: str) -> dict[str, Any]:
    body = fixture("events_message_channel_rich_text.json")
    body["event_id"] = event_id
    body["event"].update(channel=channel, thread_ts=thread_ts, user=user, text=text, ts=ts, event_ts=ts)
    body["event"].pop("blocks", None)
    return body


def posts_to(fake: FakeSlackAPI, channel: str) -> list[dict[str, Any]]:
    return [c.args for c in fake.called("chat.postMessage") if c.args.get("channel") == channel]


async def test_ask_an_expert_posts_once_to_the_expert_channel_with_owners_link_and_sources(slack: Slack) -> None:
    await slack.event(mention(QUESTION))
    [answer] = await slack.fake.wait_for("chat.postMessage")
    assert "I couldn't find" in blocks_text(answer.args)  # an abstention, and it has the button
    value = button_value(answer.args, "expert:ask")

    for _ in range(2):  # pressing twice posts once
        await slack.form(click(slack.fake, "expert:ask", value, ASKER, "C111", "1.1", ASKED_TS))
        await slack.settle()

    [posted] = posts_to(slack.fake, EXPERTS_SLACK)
    text = blocks_text(posted)
    assert QUESTION in text and f"<@{OWNER}>" in text and f"<!subteam^{OWNER_GROUP}>" in text
    assert f"<@{ASKER}>" in text  # who asked
    assert "https://example.slack.com/archives/C111/p" in text  # chat.getPermalink of the asker's message
    assert "complaint" in text.lower()  # the closest sources
    [link] = slack.fake.called("chat.getPermalink")
    assert link.args["message_ts"] == ASKED_TS
    told = [blocks_text(c.args) for c in slack.fake.called("chat.postEphemeral")]
    assert len(told) == 2 and f"<@{OWNER}>" in told[0] and "playbooks" in told[0]  # the asker sees who was asked
    assert "already" in told[1]


async def test_round_trip_reply_notifies_the_asker_and_save_as_answer_answers_a_rewording(slack: Slack) -> None:
    fake = slack.fake
    await slack.event(mention(QUESTION))
    [answer] = await fake.wait_for("chat.postMessage")
    await slack.form(click(fake, "expert:ask", button_value(answer.args, "expert:ask"), ASKER, "C111", "1.1", ASKED_TS))
    await fake.wait_for("chat.postMessage", 2)
    await slack.settle()
    expert_post = next(c for c in fake.called("chat.postMessage") if c.args.get("channel") == EXPERTS_SLACK)
    root = expert_post.result["ts"]

    # an expert answers in the thread: the asker hears of it in their own thread
    await slack.event(thread_reply(EXPERTS_SLACK, root, OWNER, REPLY, "1700000000.000100", "EvReply1"))
    await slack.settle()
    notified = [a for a in posts_to(fake, "C111") if a.get("thread_ts") == ASKED_TS and REPLY in blocks_text(a)]
    assert len(notified) == 1 and f"<@{ASKER}>" in blocks_text(notified[0])
    under = [a for a in posts_to(fake, EXPERTS_SLACK) if a.get("thread_ts") == root]
    assert len(under) == 1
    reply_id = button_value(under[0], "expert:save")

    # a Slack retry of the same event changes nothing
    await slack.event(thread_reply(EXPERTS_SLACK, root, OWNER, REPLY, "1700000000.000100", "EvReply1"))
    await slack.settle()
    assert len([a for a in posts_to(fake, "C111") if REPLY in blocks_text(a)]) == 1

    # someone who is neither owner nor evangelist is refused; the owner saves it
    await slack.form(click(fake, "expert:save", reply_id, "U0SOMEONE", EXPERTS_SLACK, "2.2", root))
    await slack.settle()
    assert "only the owners" in blocks_text(fake.called("chat.postEphemeral")[-1].args)
    knowledge = slack.services.settings.knowledge_dir
    assert not list(knowledge.rglob("verified/*.md"))
    await slack.form(click(fake, "expert:save", reply_id, OWNER, EXPERTS_SLACK, "2.2", root))
    await slack.settle()
    assert "Saved as a verified answer" in blocks_text(fake.called("chat.postEphemeral")[-1].args)
    [saved] = list(knowledge.rglob("verified/*.md"))
    assert saved.parent.parent.name == "playbooks"  # where the collection rules put it
    meta = read(saved)
    assert meta is not None and meta.by == f"User {OWNER}" and meta.review is not None

    # a rewording of the question is answered from the saved answer, marked "Verified by"
    await asyncio.sleep(1.1)  # the retriever looks for a new index version at most once a second
    ans = await asyncio.to_thread(slack.services.knowledge.ask.answer, REWORDED)
    assert ans.answered and "bring them back" in ans.text, ans.text
    assert "verified/" in ans.sources[0].path
    notes = verified_note(knowledge, ans)
    assert notes and f"Verified by User {OWNER}" in notes[0].text

    cfg = slack.services.settings
    env = {"CXBOT_DATA_DIR": str(cfg.data_dir), "CXBOT_KNOWLEDGE_DIR": str(knowledge),
           "CXBOT_EMBED_CACHE": str(cfg.embed_cache), "DATABASE_URL": cfg.db_url}
    printed = await asyncio.to_thread(CliRunner().invoke, app, ["ask", REWORDED], env=env)
    assert printed.exit_code == 0 and "bring them back" in printed.output
    assert f"Verified by User {OWNER}" in printed.output  # `cxbot ask` says so too

    await slack.event(mention(REWORDED, event_id="Ev222", ts="1595926300.000100"))
    await slack.settle()
    card = [a for a in posts_to(fake, "C111") if a.get("thread_ts") == "1595926300.000100"]
    assert card and "Verified by User U0ANA" in blocks_text(card[0]) and "bring them back" in blocks_text(card[0])
