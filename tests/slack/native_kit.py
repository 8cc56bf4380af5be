"""Fixtures of the assistant panel and channel messages (tests/fixtures/slack, see SOURCES.md there)."""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path
from typing import Any

from slack_testkit import Slack, fixture

OWN = Path(__file__).resolve().parents[1] / "fixtures" / "slack"
ASKER = "W222"
EVANGELIST = "W333"


def own(name: str) -> Any:
    return json.loads((OWN / name).read_text(encoding="utf-8"))


def channel_message(text: str, *, ts: str, event_id: str, thread_ts: str | None = None, user: str = ASKER,
                    channel: str = "C111") -> dict[str, Any]:
    """A person's message in a channel (`message.channels`), top-level or in a thread."""
    body = own("events_message_channel.json")
    body["event_id"] = event_id
    body["event"].update(text=text, ts=ts, event_ts=ts, user=user, channel=channel)
    body["event"]["blocks"][0]["elements"][0]["elements"][0]["text"] = text
    if thread_ts:
        body["event"].update(thread_ts=thread_ts, parent_user_id=ASKER)
    return body


def slash_as(user: str, text: str, channel: str = "C111") -> str:
    form = dict(fixture("slash_command.json")["form"], command="/cx", text=text, user_id=user, channel_id=channel)
    return urllib.parse.urlencode(form)


async def auto_on(slack: Slack, channel: str = "C111") -> None:
    """An evangelist switches auto-answer on (the reply is ephemeral)."""
    before = len(slack.fake.called("chat.postEphemeral"))
    assert (await slack.form(slash_as(EVANGELIST, "auto on", channel))).status == 200
    [*_, reply] = await slack.fake.wait_for("chat.postEphemeral", before + 1)
    assert "now on" in reply.args["text"]


def thread_posts(slack: Slack) -> list[dict[str, Any]]:
    """The bot's posts into threads (answers), as the args of chat.postMessage."""
    return [c.args for c in slack.fake.called("chat.postMessage") if c.args.get("thread_ts")]
