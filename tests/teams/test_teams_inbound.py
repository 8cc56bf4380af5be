"""Recorded Teams activities become the right neutral events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from botbuilder.schema import Activity

from bot.core.model import InboundKind
from bot.teams.inbound import conversation_of, to_inbound

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "teams"


def recorded(fixture: str, **changes: Any) -> Activity:
    body = json.loads((FIXTURES / fixture).read_text(encoding="utf-8"))
    body.update(changes)
    return Activity().deserialize(body)


def test_personal_message_is_a_dm_message() -> None:
    inbound = to_inbound(recorded("message_personal.json"))

    assert inbound is not None
    assert inbound.kind is InboundKind.MESSAGE
    assert inbound.text == "file"
    assert inbound.conversation.kind == "dm"
    assert inbound.conversation.platform == "teams"
    assert inbound.user.id == "6d415fdd-f97e-4f70-ac45-e69601e4ecb2"
    assert inbound.user.name == "Tien Suwandy"


def test_channel_mention_is_stripped_and_thread_split_off() -> None:
    inbound = to_inbound(recorded("message_channel_mention.json"))

    assert inbound is not None
    assert inbound.text == "1"
    assert inbound.conversation.kind == "channel"
    assert inbound.conversation.id == "19:097e6717fd7245bdbeba6baa13840db8@thread.skype"
    assert inbound.conversation.thread == "1571537152320"
    assert inbound.conversation.team == "19:097e6717fd7245bdbeba6baa13840db8@thread.skype"


def test_mention_of_someone_else_is_kept() -> None:
    activity = recorded("message_channel_mention.json", text="<at>My Combined</at> ask <at>Ann</at> later")
    activity.entities[0].additional_properties["mentioned"]["id"] = "28:other-bot"

    inbound = to_inbound(activity)

    assert inbound is not None
    assert inbound.text == "ask later"


def test_group_chat_is_a_group() -> None:
    activity = recorded("message_personal.json")
    activity.conversation.conversation_type = "groupChat"

    assert conversation_of(activity).kind == "group"


def test_submit_with_an_action_is_a_click() -> None:
    activity = recorded("message_adaptivecard_submit_value.json", value={"action": "feedback:up", "value": "q1"})

    inbound = to_inbound(activity)

    assert inbound is not None
    assert inbound.kind is InboundKind.ACTION
    assert (inbound.action, inbound.value) == ("feedback:up", "q1")
    assert inbound.message_id == "1:1g3Sc3hSqAvmoAIhMskhBW8kahcBMC2urNd_TZF79abY"


def test_submit_of_a_foreign_card_is_ignored() -> None:
    assert to_inbound(recorded("message_adaptivecard_submit_value.json")) is None


def test_execute_invoke_is_a_click_with_data_or_verb() -> None:
    value = {"action": {"type": "Action.Execute", "verb": "pulse:vote", "data": {"value": 4}}, "trigger": "manual"}
    activity = recorded("message_personal.json", type="invoke", name="adaptiveCard/action", value=value,
                        replyToId="card-1")

    inbound = to_inbound(activity)

    assert inbound is not None
    assert inbound.kind is InboundKind.ACTION
    assert (inbound.action, inbound.value, inbound.message_id) == ("pulse:vote", "4", "card-1")


def test_empty_message_and_other_types_are_nothing() -> None:
    assert to_inbound(recorded("message_personal.json", text="  ")) is None
    assert to_inbound(recorded("conversationUpdate_teamMemberAdded.json")) is None
