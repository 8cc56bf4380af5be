"""Slack payloads from the recorded fixtures as neutral inbound events."""

from __future__ import annotations

from slack_testkit import fixture

from bot.core.model import Exchange, InboundKind
from bot.slack import translate


def test_app_mention_fixture_becomes_a_threaded_message_without_the_mention() -> None:
    body = fixture("events_app_mention.json")
    inbound = translate.from_mention(body["event"], body["team_id"], "W111")
    assert inbound.kind is InboundKind.MESSAGE
    assert inbound.text == "Hi there!"
    assert (inbound.conversation.id, inbound.conversation.thread, inbound.conversation.kind) == (
        "C111", "1595926230.009600", "channel")
    assert inbound.user.id == "W222" and inbound.user.platform == "slack"


def test_dm_fixture_becomes_a_dm_message() -> None:
    body = fixture("events_message_im.json")
    assert translate.is_user_dm(body["event"])
    inbound = translate.from_dm(body["event"], body["team_id"], "W111")
    assert inbound.conversation.kind == "dm" and inbound.conversation.thread is None
    assert inbound.text == "A top-level DM, not in a thread"


def test_slash_command_fixture_is_a_private_command() -> None:
    form = fixture("slash_command.json")["form"]
    inbound = translate.from_command(form)
    assert inbound.kind is InboundKind.COMMAND and inbound.private
    assert (inbound.text, inbound.user.id, inbound.conversation.id) == ("Hi", "W111", "C111")


def test_block_action_fixture_carries_action_value_and_message() -> None:
    body = fixture("interactivity_block_actions.json")
    inbound = translate.from_block_action(body, body["actions"][0])
    assert (inbound.action, inbound.value, inbound.message_id) == ("a", "click_me_123", "111.222")
    assert inbound.private and inbound.kind is InboundKind.ACTION


def test_thread_history_keeps_what_people_wrote_oldest_first() -> None:
    messages = [
        {"ts": "3.0", "user": "W2", "text": "third"},
        {"ts": "1.0", "user": "W2", "text": "<@W111> first"},
        {"ts": "2.0", "user": "W111", "bot_id": "B1", "text": "bot answer"},
        {"ts": "4.0", "user": "W2", "text": "current"},
        {"ts": "2.5", "user": "W3", "subtype": "channel_join", "text": "joined"},
    ]
    assert translate.thread_history(messages, "4.0", "W111") == (Exchange("first"), Exchange("third"))


def test_only_people_s_dms_are_answered() -> None:
    event = fixture("events_message_im.json")["event"]
    assert not translate.is_user_dm({**event, "bot_id": "B1"})
    assert not translate.is_user_dm({**event, "subtype": "message_changed"})
    assert not translate.is_user_dm({**event, "channel_type": "channel"})
