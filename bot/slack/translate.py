"""Slack payloads as neutral inbound events: pure functions over the JSON Slack sends."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from bot.core.model import Conversation, ConversationKind, Exchange, Inbound, InboundKind, Readers, User

_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")
COMMAND_PREFIX = "/cx "  # the slash command (deploy/slack/manifest.yaml)
SKIPPED_SUBTYPES = frozenset({"bot_message", "message_changed", "message_deleted", "channel_join", "channel_leave"})
# The only channel messages answered without a mention: plain ones, with files, or thread replies also
# sent to the channel. Edits, deletions, joins, bot posts and every other subtype are never answered.
PERSON_SUBTYPES = frozenset({None, "file_share", "thread_broadcast"})
CHANNEL_TYPES = frozenset({"channel", "group", "mpim"})

Payload = dict[str, Any]


def strip_mentions(text: str, bot_user_id: str | None = None) -> str:
    """Text without the bot's mention (all leading mentions if the bot id is unknown)."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    else:
        text = re.sub(rf"^\s*(?:{_MENTION.pattern}\s*)+", " ", text)
    return " ".join(text.split())


def kind_of(channel: str, channel_type: str | None = None) -> ConversationKind:
    if channel_type == "im" or channel.startswith("D"):
        return "dm"
    if channel_type == "mpim" or channel.startswith("G"):
        return "group"
    return "channel"


def _user(user_id: str, groups: tuple[str, ...] = ()) -> User:
    return User(platform="slack", id=user_id, groups=groups)


def from_mention(event: Payload, team: str | None, bot_user_id: str | None) -> Inbound:
    """An app_mention: answered in the thread it started or belongs to."""
    channel = str(event.get("channel", ""))
    thread = str(event.get("thread_ts") or event.get("ts") or "") or None
    conv = Conversation("slack", channel, kind_of(channel, event.get("channel_type")), thread, team)
    text = strip_mentions(str(event.get("text", "")), bot_user_id)
    return Inbound(InboundKind.MESSAGE, conv, _user(str(event.get("user", ""))), text=text,
                   message_id=str(event.get("ts", "")) or None)


def is_user_dm(event: Payload) -> bool:
    """A DM a person wrote (not the bot's own messages, edits or joins)."""
    return (
        event.get("channel_type") == "im"
        and not event.get("bot_id")
        and event.get("subtype") not in SKIPPED_SUBTYPES
        and bool(event.get("user"))
        and isinstance(event.get("text"), str)
    )


def is_channel_message(event: Payload, bot_user_id: str | None) -> bool:
    """A message a person wrote in a channel or group chat, not mentioning the bot (that is an app_mention,
    answered there): never a bot's, cxbot's own, an edit, a deletion or a hidden message."""
    text = event.get("text")
    return (
        event.get("channel_type") in CHANNEL_TYPES
        and event.get("subtype") in PERSON_SUBTYPES
        and not event.get("bot_id")
        and not event.get("hidden")
        and isinstance(event.get("user"), str) and bool(event.get("user"))
        and event.get("user") != bot_user_id
        and isinstance(text, str)
        and not mentions_bot(text, bot_user_id)
    )


def mentions_bot(text: str, bot_user_id: str | None) -> bool:
    """Whether the text mentions the bot (any mention, while the bot's id is unknown)."""
    if not bot_user_id:
        return bool(_MENTION.search(text))
    return re.search(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", text) is not None


def from_channel_message(event: Payload, team: str | None, bot_user_id: str | None) -> Inbound:
    """A channel message nobody addressed to the bot: answered in its thread, only with a real answer."""
    return replace(from_mention(event, team, bot_user_id), unprompted=True)


def from_dm(event: Payload, team: str | None, bot_user_id: str | None) -> Inbound:
    """A direct message: answered in the DM (in its thread if it was written in one)."""
    channel = str(event.get("channel", ""))
    conv = Conversation("slack", channel, "dm", event.get("thread_ts"), team)
    text = strip_mentions(str(event.get("text", "")), bot_user_id)
    return Inbound(InboundKind.MESSAGE, conv, _user(str(event.get("user", ""))), text=text,
                   message_id=str(event.get("ts", "")) or None)


def is_thread_reply(event: Payload, bot_user_id: str | None) -> bool:
    """A person's reply in a channel thread that does not mention the bot (mentions come as app_mention)."""
    text, thread = event.get("text"), event.get("thread_ts")
    return (
        event.get("channel_type") in ("channel", "group")
        and bool(thread) and thread != event.get("ts")
        and not event.get("bot_id")
        and event.get("subtype") not in SKIPPED_SUBTYPES and not event.get("subtype")
        and bool(event.get("user"))
        and isinstance(text, str)
        and not (bot_user_id and f"<@{bot_user_id}" in text)
    )


def from_thread_reply(event: Payload, team: str | None, name: str = "") -> Inbound:
    """A reply in a channel thread (REPLY): a feature may take it (an expert answering), nobody answers it."""
    channel = str(event.get("channel", ""))
    conv = Conversation("slack", channel, kind_of(channel, event.get("channel_type")), str(event["thread_ts"]), team)
    user = User(platform="slack", id=str(event.get("user", "")), name=name)
    return Inbound(InboundKind.REPLY, conv, user, text=str(event.get("text", "")).strip(),
                   message_id=str(event.get("ts", "")) or None)


def from_command(body: Payload) -> Inbound:
    """A `/cx ...` slash command: private, answered ephemerally."""
    channel = str(body.get("channel_id", ""))
    conv = Conversation("slack", channel, kind_of(channel), None, body.get("team_id"))
    user = User(platform="slack", id=str(body.get("user_id", "")), name=str(body.get("user_name", "")))
    return Inbound(InboundKind.COMMAND, conv, user, text=str(body.get("text", "")).strip(), private=True)


def from_block_action(body: Payload, action: Payload) -> Inbound:
    """A button click on one of our messages."""
    container = body.get("container") or {}
    message = body.get("message") or {}
    channel = str((body.get("channel") or {}).get("id") or container.get("channel_id") or "")
    thread = message.get("thread_ts") or container.get("thread_ts")
    conv = Conversation("slack", channel, kind_of(channel), thread, (body.get("team") or {}).get("id"))
    who = body.get("user") or {}
    user = User(platform="slack", id=str(who.get("id", "")), name=str(who.get("username") or who.get("name") or ""))
    return Inbound(
        InboundKind.ACTION, conv, user,
        action=str(action.get("action_id", "")), value=str(action.get("value", "")),
        message_id=container.get("message_ts") or message.get("ts"),
        private=bool(container.get("is_ephemeral")),
    )


def readers(inbound: Inbound) -> Readers:
    """Who reads a reply in Slack: in a DM the asker and their user groups, elsewhere the channel."""
    conv, user = inbound.conversation, inbound.user
    if conv.kind == "dm":
        return (("slack_users", (user.id,)), ("slack_groups", user.groups))
    return (("slack_channels", (conv.id,)),)


def thread_history(messages: list[Payload], current_ts: str | None, bot_user_id: str | None) -> tuple[Exchange, ...]:
    """What people wrote earlier in a thread, oldest first: no bot messages, not the current one."""
    history: list[Exchange] = []
    for msg in sorted(messages, key=lambda m: float(m.get("ts") or 0)):
        if msg.get("bot_id") or msg.get("subtype") or msg.get("ts") == current_ts:
            continue
        if bot_user_id and msg.get("user") == bot_user_id:
            continue
        text = strip_mentions(str(msg.get("text", "")), bot_user_id)
        if text:
            history.append(Exchange(text))
    return tuple(history)
