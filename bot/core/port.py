"""The chat port: how features talk back, whatever the platform."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from bot.core.model import Conversation, Inbound, MessageRef, Outbound


class ChatPort(Protocol):
    """What every platform adapter offers the core."""

    async def reply(self, to: Inbound, out: Outbound) -> MessageRef | None:
        """Answer an inbound event where it happened (thread, DM, or privately for commands)."""
        ...

    async def post(self, conversation: Conversation, out: Outbound) -> MessageRef | None:
        """Post unprompted into a conversation (digests, pulses)."""
        ...

    async def update(self, ref: MessageRef, out: Outbound) -> None:
        """Replace a message the bot posted earlier."""
        ...


@dataclass(frozen=True)
class PostKey:
    """What makes an unprompted post unique, e.g. `PostKey("digest", "delivery", "42")`.

    A port that can tag messages stores it on the message (Slack: message metadata with event type
    `cxbot_<kind>` and payload `{name: value}`) so a retry can find the earlier post instead of repeating it.
    """

    kind: str
    name: str
    value: str


@runtime_checkable
class FindsPosts(Protocol):
    """Ports that can tag a post with a key and look for it again later (optional; Slack has it).

    Teams and the console cannot look: for them `find_posted()` below answers None, and a retry posts again.
    """

    async def post(self, conversation: Conversation, out: Outbound, *, key: PostKey | None = None) -> MessageRef | None:
        """`ChatPort.post`, with the message tagged by `key`."""
        ...

    async def find_posted(self, conversation: Conversation, key: PostKey, since: datetime) -> MessageRef | None:
        """The bot's message tagged `key` posted after `since`, or None; raises when the platform cannot tell."""
        ...


async def post_keyed(port: ChatPort, conversation: Conversation, out: Outbound, key: PostKey) -> MessageRef | None:
    """Post tagged with `key` where the port can tag messages, plainly elsewhere."""
    if isinstance(port, FindsPosts):
        return await port.post(conversation, out, key=key)
    return await port.post(conversation, out)


async def find_posted(port: ChatPort, conversation: Conversation, key: PostKey, since: datetime) -> MessageRef | None:
    """An earlier post tagged `key`, or None (always None on platforms that cannot look)."""
    if isinstance(port, FindsPosts):
        return await port.find_posted(conversation, key, since)
    return None


@runtime_checkable
class Permalinks(Protocol):
    """Ports that can link to a message (Slack permalinks, Teams deep links)."""

    async def permalink(self, conversation: Conversation, message_id: str) -> str | None:
        """A link people can open to see the message, or None where there is none."""
        ...


@runtime_checkable
class ShowsProgress(Protocol):
    """A port that can tell the asker what the bot is doing while they wait (optional).

    Teams streams an informative update in personal chats; a port without it keeps its typing indicator.
    """

    async def progress(self, to: Inbound, note: str) -> None:
        """Show `note` (e.g. "Searching the knowledge…") until the reply arrives; never raises."""
        ...
