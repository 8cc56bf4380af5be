"""The Teams bot on botbuilder's TestAdapter with recorded Teams activities."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity

from bot.app import Services
from bot.core.model import Text
from bot.core.router import Turn
from bot.teams.bot import CxTeamsBot
from bot.teams.port import TeamsPort
from bot.teams.store import ConversationStore

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "teams"
CHANNEL = "19:097e6717fd7245bdbeba6baa13840db8@thread.skype"


def recorded(fixture: str, **changes: Any) -> Activity:
    body = json.loads((FIXTURES / fixture).read_text(encoding="utf-8"))
    body.update(changes)
    return Activity().deserialize(body)


@pytest.fixture
def harness(teams_services: Services) -> tuple[TestAdapter, CxTeamsBot, ConversationStore]:
    adapter = TestAdapter()
    store = ConversationStore(teams_services.db)
    bot = CxTeamsBot(teams_services.router, TeamsPort(adapter, store, ""), store, "k")
    adapter.logic = bot.on_turn
    return adapter, bot, store


async def test_question_gets_typing_at_once_then_the_answer_card(harness: Any) -> None:
    adapter, bot, store = harness

    await adapter.receive_activity(recorded("message_personal.json", text="How fast must we acknowledge a complaint?"))
    sent_in_turn = [a.type for a in adapter.activity_buffer]
    await bot.drain()

    assert sent_in_turn == ["typing"]
    [answer] = [a for a in adapter.activity_buffer if a.type == "message"]
    assert answer.attachments[0].content_type == "application/vnd.microsoft.card.adaptive"
    assert "four business hours" in json.dumps(answer.attachments[0].content)
    assert answer.summary  # plain-text fallback travels with the card
    assert store.get(answer.conversation.id) is not None


async def test_slow_handlers_do_not_hold_the_turn(harness: Any, teams_services: Services) -> None:
    adapter, bot, _ = harness
    done = asyncio.Event()

    async def slow(turn: Turn) -> None:
        """Takes its time."""
        await done.wait()
        await turn.reply(Text("finally"))

    teams_services.router.add_command("slow", slow)

    await adapter.receive_activity(recorded("message_personal.json", text="slow"))

    assert [a.type for a in adapter.activity_buffer] == ["typing"]
    done.set()
    await bot.drain()
    assert adapter.activity_buffer[-1].text == "finally"


async def test_failing_handler_answers_with_an_apology(harness: Any, teams_services: Services) -> None:
    adapter, bot, _ = harness

    async def broken(turn: Turn) -> None:
        """Fails."""
        raise RuntimeError("boom")

    teams_services.router.add_command("broken", broken)

    await adapter.receive_activity(recorded("message_personal.json", text="broken"))
    await bot.drain()

    assert "something went wrong" in adapter.activity_buffer[-1].text


async def test_bot_added_to_a_team_welcomes_once_and_stores_the_channel(harness: Any) -> None:
    adapter, _bot, store = harness
    added = recorded("conversationUpdate_teamMemberAdded.json")
    added.members_added[0].id = added.recipient.id

    await adapter.receive_activity(added)
    await adapter.receive_activity(recorded("conversationUpdate_teamMemberAdded.json", type="installationUpdate",
                                            action="add"))

    welcomes = [a for a in adapter.activity_buffer if a.text and "help" in a.text]
    assert len(welcomes) == 1
    assert welcomes[0].conversation.id == CHANNEL
    stored = store.get(CHANNEL)
    assert stored is not None and stored.kind == "channel" and stored.installed


async def test_a_person_joining_is_stored_without_a_welcome(harness: Any) -> None:
    adapter, _bot, store = harness

    await adapter.receive_activity(recorded("conversationUpdate_teamMemberAdded.json"))

    assert adapter.activity_buffer == []
    assert store.get(CHANNEL) is not None


async def test_uninstall_stops_posts_and_reinstall_welcomes_again(harness: Any) -> None:
    adapter, _bot, store = harness
    install = {"type": "installationUpdate", "action": "add"}
    await adapter.receive_activity(recorded("message_personal.json", **install))
    await adapter.receive_activity(recorded("message_personal.json", type="installationUpdate", action="remove"))
    conversation_id = recorded("message_personal.json").conversation.id

    assert store.get(conversation_id).installed is False  # type: ignore[union-attr]
    await adapter.receive_activity(recorded("message_personal.json", **install))

    assert len([a for a in adapter.activity_buffer if a.text and "help" in a.text]) == 2


async def test_submit_of_a_foreign_card_is_ignored(harness: Any) -> None:
    adapter, bot, _ = harness

    await adapter.receive_activity(recorded("message_adaptivecard_submit_value.json"))
    await bot.drain()

    assert adapter.activity_buffer == []
