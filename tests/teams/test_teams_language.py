"""Teams replies in the activity's locale: German help, a German answer card and a German welcome for
`de-DE`, English for `en-US` — one bot, per message (botbuilder's TestAdapter, recorded activities)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botbuilder.core.adapters import TestAdapter
from test_teams_bot import CHANNEL, recorded

from bot.app import Services
from bot.teams.bot import CxTeamsBot
from bot.teams.port import TeamsPort
from bot.teams.store import ConversationStore


@pytest.fixture
def harness(teams_services: Services) -> tuple[TestAdapter, CxTeamsBot]:
    adapter = TestAdapter()
    store = ConversationStore(teams_services.db)
    bot = CxTeamsBot(teams_services.router, TeamsPort(adapter, store, ""), store, "k")
    adapter.logic = bot.on_turn
    return adapter, bot


async def say(harness: Any, text: str, locale: str) -> Any:
    adapter, bot = harness
    adapter.activity_buffer.clear()
    await adapter.receive_activity(recorded("message_personal.json", text=text, locale=locale))
    await bot.drain()
    return adapter.activity_buffer[-1]


async def test_german_locale_gets_german_help_and_a_german_answer_card(harness: Any) -> None:
    help_de = await say(harness, "help", "de-DE")
    assert help_de.text.startswith("Das kann ich:") and "`ask <Frage>`" in help_de.text
    card = await say(harness, "Wie schnell müssen wir eine Beschwerde bestätigen?", "de-DE")
    shown = json.dumps(card.attachments[0].content, ensure_ascii=False)
    assert "Quellen:" in shown and "👍 Hilfreich" in shown and "👎 Nicht hilfreich" in shown
    english = await say(harness, "How fast must we acknowledge a complaint?", "en-US")
    shown = json.dumps(english.attachments[0].content, ensure_ascii=False)
    assert "Sources:" in shown and "👍 Helpful" in shown


async def test_the_welcome_follows_the_installers_locale(harness: Any) -> None:
    adapter, _ = harness
    await adapter.receive_activity(recorded("conversationUpdate_teamMemberAdded.json", type="installationUpdate",
                                            action="add", locale="de-DE"))
    (welcome,) = [a for a in adapter.activity_buffer if a.text and "help" in a.text]
    assert welcome.text.startswith("Hallo, ich bin **cxbot**") and welcome.conversation.id == CHANNEL
