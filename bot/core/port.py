"""The chat port: how features talk back, whatever the platform."""

from __future__ import annotations

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
