"""Bot Framework activities from Teams as neutral `Inbound` events.

- message: text with the bot's @mention removed (channels), or, with a `value` holding an `action`,
  an `Action.Submit` click;
- invoke `adaptiveCard/action`: an `Action.Execute` click (action id from the data, else the verb).
Anything else is not something a person asked the bot, and maps to None.
"""

from __future__ import annotations

import html
import re
from typing import Any

from botbuilder.schema import Activity, ActivityTypes

from bot.core.model import Conversation, ConversationKind, Inbound, InboundKind, Readers, User
from bot.i18n import language_of

KINDS: dict[str, ConversationKind] = {"personal": "dm", "groupChat": "group", "channel": "channel"}
AT_TAG = re.compile(r"<at>[^<]*</at>")
THREAD = ";messageid="


def conversation_of(activity: Activity) -> Conversation:
    """Where the activity happened; a channel thread's id is split into channel id and thread."""
    conv = activity.conversation
    raw_id: str = conv.id
    base, _, thread = raw_id.partition(THREAD)
    ctype = conv.conversation_type or ("groupChat" if conv.is_group else "personal")
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    team = data.get("team") if isinstance(data.get("team"), dict) else None
    team_id = team.get("id") if team else None
    return Conversation(
        platform="teams", id=base, kind=KINDS.get(ctype, "channel" if conv.is_group else "dm"),
        thread=thread or None, team=str(team_id) if team_id else conv.tenant_id,
    )


def user_of(activity: Activity) -> User:
    sender = activity.from_property
    return User(platform="teams", id=sender.aad_object_id or sender.id, name=sender.name or "")


def readers(conversation: Conversation, user: User) -> Readers:
    """Who reads a reply in Teams: in a personal chat the user, elsewhere the chat or channel and its team."""
    if conversation.kind == "dm":
        return (("teams_users", (user.id,)),)
    team = (conversation.team,) if conversation.kind == "channel" and conversation.team else ()
    return (("teams_channels", (conversation.id,)), ("teams_teams", team))


def command_prefix(activity: Activity, conversation: Conversation) -> str:
    """How a person runs a command here: by writing it in a personal chat, after an @mention elsewhere."""
    if conversation.kind == "dm":
        return ""
    name = activity.recipient.name if activity.recipient and activity.recipient.name else "cxbot"
    return f"@{name} "


def strip_mentions(activity: Activity) -> str:
    """The message text without the @mention of the bot (and without leftover `<at>` tags)."""
    text: str = activity.text or ""
    bot_id = activity.recipient.id if activity.recipient else None
    for entity in activity.entities or []:
        props: dict[str, Any] = entity.additional_properties or {}
        mentioned = props.get("mentioned") or {}
        if entity.type == "mention" and isinstance(mentioned, dict) and mentioned.get("id") == bot_id:
            text = text.replace(str(props.get("text") or ""), " ")
    text = AT_TAG.sub(" ", text)
    return " ".join(html.unescape(text).replace("\xa0", " ").split())


def _action(data: Any, verb: str | None = None) -> tuple[str, str] | None:
    if not isinstance(data, dict):
        return (verb, "") if verb else None
    action = data.get("action") or verb
    if not isinstance(action, str) or not action:
        return None
    value = data.get("value", "")
    return action, value if isinstance(value, str) else str(value)


def execute_action(activity: Activity) -> tuple[str, str] | None:
    """(action id, value) of an `adaptiveCard/action` invoke, or None when it carries none."""
    value = activity.value if isinstance(activity.value, dict) else {}
    action = value.get("action")
    if not isinstance(action, dict) or action.get("type") != "Action.Execute":
        return None
    verb = action.get("verb")
    return _action(action.get("data"), verb if isinstance(verb, str) else None)


def to_inbound(activity: Activity) -> Inbound | None:
    """The neutral event for a message or card click, or None if there is nothing to handle."""
    conversation, user = conversation_of(activity), user_of(activity)
    if activity.type == ActivityTypes.invoke and activity.name == "adaptiveCard/action":
        picked = execute_action(activity)
    elif activity.type == ActivityTypes.message and activity.value is not None:
        picked = _action(activity.value)
    elif activity.type == ActivityTypes.message:
        text = strip_mentions(activity)
        if not text:
            return None
        return Inbound(InboundKind.MESSAGE, conversation, user, text=text, message_id=activity.id,
                       readers=readers(conversation, user), language=language_of(activity.locale),
                       command_prefix=command_prefix(activity, conversation))
    else:
        return None
    if picked is None:
        return None
    return Inbound(InboundKind.ACTION, conversation, user, action=picked[0], value=picked[1],
                   message_id=activity.reply_to_id, readers=readers(conversation, user),
                   language=language_of(activity.locale), command_prefix=command_prefix(activity, conversation))
