"""Teams feeling native (issue 17), over HTTP against the fake connector with the real botbuilder stack:
follow-ups in a channel thread carry the earlier exchange, personal chats stream, the rest keep typing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.app import Services
from bot.ask.answer import Answer
from bot.ask.exchanges import ThreadHistory
from bot.core.model import Conversation, Exchange, Text
from bot.core.router import Turn
from bot.teams.edge import TEAMS_BOT
from testkit.teams_connector import Connector, stream_info

Client = TestClient[web.Request, web.Application]
CHANNEL = "19:097e6717fd7245bdbeba6baa13840db8@thread.skype"
ROOT = "1571537152320"
QUESTION = "How fast must we acknowledge a customer complaint?"
FOLLOW_UP = "And who owns the follow-up call?"


class Recorded:
    """The knowledge's answerer, recording what each question was asked with."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.asked: list[tuple[str, tuple[Exchange, ...]]] = []

    def answer(self, question: str, history: tuple[Exchange, ...] = (), allowed: frozenset[str] | None = None) -> Answer:
        self.asked.append((question, history))
        answer: Answer = self.inner.answer(question, history, allowed)
        return answer


@pytest.fixture
def recorded(teams_services: Services, monkeypatch: pytest.MonkeyPatch) -> Recorded:
    rec = Recorded(teams_services.knowledge.answers)
    monkeypatch.setattr(teams_services.knowledge, "answers", rec)
    return rec


async def send(client: Client, activity: dict[str, Any]) -> None:
    resp = await client.post("/api/messages", json=activity)
    assert resp.status == 200
    await client.app[TEAMS_BOT].drain()


def in_thread(activity: dict[str, Any], message_id: str, text: str) -> dict[str, Any]:
    """A message in the reply chain of the fixture's channel post (or a new post when it is the root)."""
    conversation = {**activity["conversation"], "id": f"{CHANNEL};messageid={ROOT}"}
    return {**activity, "id": message_id, "conversation": conversation, "text": f"<at>My Combined</at> {text}"}


async def test_a_follow_up_in_an_answered_channel_thread_carries_the_earlier_question_and_answer(
    client: Client, connector: Connector, fixture_activity: Callable[[str], dict[str, Any]],
    teams_services: Services, recorded: Recorded,
) -> None:
    post = fixture_activity("message_channel_mention.json")
    await send(client, in_thread(post, ROOT, QUESTION))
    first = connector.messages()[-1]

    await send(client, in_thread(post, "1571537199999", FOLLOW_UP))

    (q1, h1), (q2, h2) = recorded.asked
    assert (q1, h1) == (QUESTION, ())
    [earlier] = h2
    assert q2 == FOLLOW_UP and earlier.asked == QUESTION
    assert "four business hours" in earlier.answered and earlier.answered in first["attachments"][0]["content"]["fallbackText"]
    path = next(p for _m, p, b in connector.calls if b is connector.messages()[-1])
    assert path == f"/v3/conversations/{CHANNEL};messageid={ROOT}/activities/1571537199999"  # answered in the thread
    kept = ThreadHistory(teams_services.db).history(Conversation("teams", CHANNEL, "channel", thread=ROOT))
    assert [e.asked for e in kept] == [QUESTION, FOLLOW_UP]  # in the database: a restart keeps the thread


async def test_a_new_channel_post_and_a_personal_chat_carry_no_history(
    client: Client, connector: Connector, fixture_activity: Callable[[str], dict[str, Any]], recorded: Recorded,
) -> None:
    post = fixture_activity("message_channel_mention.json")
    await send(client, in_thread(post, ROOT, QUESTION))
    other = {**in_thread(post, "1571537300000", FOLLOW_UP)}
    other["conversation"] = {**other["conversation"], "id": f"{CHANNEL};messageid=1571537300000"}
    await send(client, other)
    personal = fixture_activity("message_personal.json")
    await send(client, {**personal, "text": QUESTION})
    await send(client, {**personal, "id": "p-2", "text": FOLLOW_UP})

    assert [h for _q, h in recorded.asked] == [(), (), (), ()]


async def test_a_personal_question_streams_an_informative_update_then_the_answer_as_final(
    client: Client, connector: Connector, fixture_activity: Callable[[str], dict[str, Any]],
) -> None:
    await send(client, {**fixture_activity("message_personal.json"), "text": QUESTION})

    informative, final = connector.streamed()
    assert informative["type"] == "typing" and informative["streamType"] == "informative"
    assert informative["streamSequence"] == 1 and informative["text"] == "Searching the knowledge…"
    assert "streamId" not in informative  # the first update's id becomes the stream id
    [stream_id] = connector.streams_started
    assert final["type"] == "message" and final["streamType"] == "final" and final["streamId"] == stream_id
    assert "streamSequence" not in final
    [answer] = connector.messages()
    assert stream_info(answer) is not None and "four business hours" in str(answer["attachments"][0]["content"])
    assert answer["channelData"]["streamType"] == "final" and answer["channelData"]["streamId"] == stream_id


async def test_stream_updates_are_numbered_in_order_and_share_one_stream_id(
    client: Client, connector: Connector, fixture_activity: Callable[[str], dict[str, Any]], teams_services: Services,
) -> None:
    async def slow(turn: Turn) -> None:
        """Works in steps."""
        for step in ("Reading the playbooks…", "Comparing the trends…", "Writing it up…"):
            await turn.progress(step)
        await turn.reply(Text("done"))
        await turn.reply(Text("and a second message, plain"))

    teams_services.router.add_command("slow", slow)

    await send(client, {**fixture_activity("message_personal.json"), "text": "slow"})

    streamed = connector.streamed()
    assert [s["streamType"] for s in streamed] == ["informative", "informative", "informative", "final"]
    assert [s.get("streamSequence") for s in streamed] == [1, 2, 3, None]
    first_id = {s.get("streamId") for s in streamed[1:]}
    assert len(first_id) == 1 and None not in first_id
    assert [m["text"] for m in connector.messages()] == ["done", "and a second message, plain"]
    assert stream_info(connector.messages()[1]) is None


@pytest.mark.parametrize("fixture", ["message_channel_mention.json", "group"])
async def test_channels_and_group_chats_keep_the_typing_indicator(
    client: Client, connector: Connector, fixture_activity: Callable[[str], dict[str, Any]], fixture: str,
) -> None:
    if fixture == "group":
        activity = fixture_activity("message_personal.json")
        activity["conversation"] = {**activity["conversation"], "conversationType": "groupChat", "isGroup": True,
                                    "id": "19:group-chat-1@thread.v2"}
    else:
        activity = fixture_activity(fixture)
    await send(client, {**activity, "text": QUESTION})

    assert connector.streamed() == []
    [typing] = connector.typing()
    assert "text" not in typing or not typing["text"]
    [answer] = connector.messages()
    assert "four business hours" in str(answer["attachments"][0]["content"])


@pytest.mark.parametrize("refused", [{"final"}, {"informative"}, {"informative", "final"}])
async def test_a_refused_stream_falls_back_to_a_plain_reply(
    client: Client, connector: Connector, fixture_activity: Callable[[str], dict[str, Any]], refused: set[str],
) -> None:
    connector.refuse_streams = frozenset(refused)

    await send(client, {**fixture_activity("message_personal.json"), "text": QUESTION})

    [answer] = connector.messages()
    assert stream_info(answer) is None and "four business hours" in str(answer["attachments"][0]["content"])
    assert connector.refused  # Teams said no at least once: the answer still arrived, once


@pytest.mark.parametrize(("fixture", "how"), [("message_personal.json", "`ask <question>`"),
                                              ("message_channel_mention.json", "`@teams2 ask <question>`")])
async def test_an_answer_gone_before_sharing_says_how_to_ask_on_teams_not_slack(
    client: Client, fixture_activity: Callable[[str], dict[str, Any]], fixture: str, how: str,
) -> None:
    activity = fixture_activity(fixture)
    share = {"type": "Action.Execute", "verb": "share", "data": {"action": "share", "value": "never-kept"}}
    invoke = {**activity, "type": "invoke", "name": "adaptiveCard/action", "id": "inv-1", "text": None,
              "replyToId": "card-1", "value": {"action": share, "trigger": "manual"}}

    resp = await client.post("/api/messages", json=invoke)

    said = (await resp.json())["value"]
    assert "no longer available" in said and how in said and "/cx" not in said
