"""Whole turns over HTTP against a recording connector: threads, card clicks, proactive posts, restarts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import Services, build_services
from bot.ask.store import QuestionLog
from bot.core.model import Card, Conversation, MessageRef, Section, Text
from bot.settings import Settings
from bot.teams.edge import TEAMS_BOT
from bot.teams.port import TeamsPort, to_activity
from bot.web.app import build_app
from testkit.teams_connector import Connector, stream_info

Client = TestClient[web.Request, web.Application]
CHANNEL = "19:097e6717fd7245bdbeba6baa13840db8@thread.skype"
QUESTION = "How fast must we acknowledge a customer complaint?"


async def ask(client: Client, connector: Connector, activity: dict[str, Any]) -> dict[str, Any]:
    resp = await client.post("/api/messages", json=activity)
    assert resp.status == 200
    await client.app[TEAMS_BOT].drain()
    return connector.messages()[-1]


def feedback_button(message: dict[str, Any], verb: str) -> dict[str, Any]:
    card = message["attachments"][0]["content"]
    [actions] = [e for e in card["body"] if e["type"] == "ActionSet"]
    button: dict[str, Any] = next(a for a in actions["actions"] if a["verb"] == verb)
    return button


def invoke(activity: dict[str, Any], reply_to: str, button: dict[str, Any]) -> dict[str, Any]:
    action = {"type": "Action.Execute", "verb": button["verb"], "data": button["data"]}
    return {**activity, "type": "invoke", "name": "adaptiveCard/action", "id": "inv-1", "text": None,
            "replyToId": reply_to, "value": {"action": action, "trigger": "manual"}}


async def test_channel_mention_is_answered_in_its_thread(
    client: Client, connector: Connector, fixture_activity: Callable[[str], dict[str, Any]], teams_services: Services,
) -> None:
    activity = fixture_activity("message_channel_mention.json")
    activity["text"] = f"<at>My Combined</at> {QUESTION}\n"

    answer = await ask(client, connector, activity)

    path = next(p for _m, p, b in connector.calls if b is answer)
    assert path == f"/v3/conversations/{activity['conversation']['id']}/activities/{activity['id']}"
    qid = feedback_button(answer, "feedback:up")["data"]["value"]
    row = QuestionLog(teams_services.db).get(qid)
    assert row is not None and row.question == QUESTION and row.conversation == f"teams:{CHANNEL}"


async def test_execute_feedback_answers_with_the_updated_card_and_stores_it(
    client: Client, connector: Connector, fixture_activity: Callable[[str], dict[str, Any]], teams_services: Services,
) -> None:
    activity = fixture_activity("message_personal.json")
    answer = await ask(client, connector, {**activity, "text": QUESTION})
    up = feedback_button(answer, "feedback:up")
    card_id = stream_info(answer)["streamId"]  # in a personal chat the answer ends a stream, and keeps its id

    resp = await client.post("/api/messages", json=invoke(activity, card_id, up))

    assert resp.status == 200
    body = await resp.json()
    assert body["statusCode"] == 200 and body["type"] == "application/vnd.microsoft.card.adaptive"
    texts = [e.get("text", "") for e in body["value"]["body"]]
    assert "four business hours" in " ".join(texts) and "Thanks, glad it helped" in texts[-1]
    assert all(e["type"] != "ActionSet" for e in body["value"]["body"])
    assert QuestionLog(teams_services.db).get(up["data"]["value"]).feedback == 1  # type: ignore[union-attr]


async def test_execute_on_a_card_sent_before_a_restart_answers_with_a_message(
    client: Client, connector: Connector, fixture_activity: Callable[[str], dict[str, Any]], teams_services: Services,
) -> None:
    activity = fixture_activity("message_personal.json")
    answer = await ask(client, connector, {**activity, "text": QUESTION})
    down = feedback_button(answer, "feedback:down")

    resp = await client.post("/api/messages", json=invoke(activity, "unknown-card", down))

    assert await resp.json() == {"statusCode": 200, "type": "application/vnd.microsoft.activity.message",
                                 "value": "Thanks, noted — we'll use this to improve the playbooks. 👎"}
    assert QuestionLog(teams_services.db).get(down["data"]["value"]).feedback == -1  # type: ignore[union-attr]


async def test_submit_feedback_is_thanked_in_the_conversation(
    client: Client, connector: Connector, fixture_activity: Callable[[str], dict[str, Any]], teams_services: Services,
) -> None:
    answer = await ask(client, connector, {**fixture_activity("message_personal.json"), "text": QUESTION})
    up = feedback_button(answer, "feedback:up")
    submit = fixture_activity("message_adaptivecard_submit_value.json")
    submit["value"] = up["data"]

    thanks = await ask(client, connector, submit)

    assert thanks["text"].startswith("Thanks, glad it helped")
    assert QuestionLog(teams_services.db).get(up["data"]["value"]).feedback == 1  # type: ignore[union-attr]


async def test_posts_and_updates_proactively_after_a_restart(
    client: Client, connector: Connector, fixture_activity: Callable[[str], dict[str, Any]], teams_settings: Settings,
) -> None:
    await ask(client, connector, fixture_activity("message_channel_mention.json"))
    restarted = build_services(teams_settings)
    app = build_app(restarted)  # mounting the edge offers the port to features
    port: TeamsPort = restarted.ports["teams"]
    where = Conversation(platform="teams", id=CHANNEL, kind="channel")

    async with TestClient(TestServer(app, host="127.0.0.1")):
        ref = await port.post(where, Card(title="Weekly digest", blocks=(Section("NPS 41"),)))
        assert ref is not None
        await port.update(ref, Text("Pulse closed"))
        missing = await port.post(Conversation(platform="teams", id="19:unknown"), Text("hi"))

    method, path, body = connector.calls[-2]
    assert (method, path) == ("POST", f"/v3/conversations/{CHANNEL}/activities")
    assert body["attachments"][0]["content"]["body"][0]["text"] == "Weekly digest"
    assert "replyToId" not in body
    method, path, body = connector.calls[-1]
    assert (method, path) == ("PUT", f"/v3/conversations/{CHANNEL}/activities/{ref.id}")
    assert body["text"] == "Pulse closed"
    assert missing is None


def test_cards_fall_back_to_text_where_they_cannot_render() -> None:
    card = Card(title="Digest", blocks=(Section("NPS 41"),), fallback="Digest: NPS 41")

    assert to_activity(card, "sms").text == "Digest: NPS 41"
    assert to_activity(card, "sms").attachments is None
    assert to_activity(card, "msteams").attachments[0].content["version"] == "1.5"
    assert to_activity(Text("hi"), "msteams").text == "hi"


async def test_update_in_a_turn_edits_the_message(
    client: Client, connector: Connector, fixture_activity: Callable[[str], dict[str, Any]], teams_services: Services,
) -> None:
    from bot.core.router import Turn

    async def edit(turn: Turn) -> None:
        """Edits its own reply."""
        ref = await turn.reply(Text("draft"))
        assert ref is not None
        await turn.port.update(MessageRef(ref.conversation, ref.id), Text("final"))

    teams_services.router.add_command("edit", edit)

    await ask(client, connector, {**fixture_activity("message_personal.json"), "text": "edit"})

    [(path, body)] = connector.updates()
    assert body["text"] == "final" and path.endswith(f"/activities/{body['id']}")


async def test_update_of_a_message_elsewhere_goes_through_its_stored_reference(
    client: Client, connector: Connector, fixture_activity: Callable[[str], dict[str, Any]], teams_services: Services,
) -> None:
    from bot.core.router import Turn

    await ask(client, connector, fixture_activity("message_channel_mention.json"))  # the channel is known

    async def close(turn: Turn) -> None:
        """Updates a card in the channel from a personal chat."""
        await turn.port.update(MessageRef(Conversation("teams", CHANNEL, "channel"), "card-9"), Text("closed"))

    teams_services.router.add_command("close", close)

    await ask(client, connector, {**fixture_activity("message_personal.json"), "text": "close"})

    [(path, body)] = connector.updates()
    assert path == f"/v3/conversations/{CHANNEL}/activities/card-9" and body["text"] == "closed"


async def test_failing_card_action_answers_with_an_apology_not_a_5xx(
    client: Client, fixture_activity: Callable[[str], dict[str, Any]], teams_services: Services,
) -> None:
    from bot.core.router import Turn

    async def boom(turn: Turn) -> None:
        raise RuntimeError("boom")

    teams_services.router.add_action("boom", boom)
    button = {"verb": "boom:now", "data": {"action": "boom:now", "value": "1"}}

    resp = await client.post("/api/messages", json=invoke(fixture_activity("message_personal.json"), "c-1", button))

    assert resp.status == 200
    assert "something went wrong" in (await resp.json())["value"]
