"""Teams streaming in personal chats: informative updates while answering, then the reply as the final message.

The protocol (Teams supports it in one-on-one chats only): typing activities carrying a `streaminfo`
entity with `streamType` "informative" (or "streaming" for partial text) and a `streamSequence` that starts
at 1 and increases; the first one's activity id is the stream id, named by every later activity; a message
activity with `streamType` "final", the same stream id and no sequence ends it, and may carry the card.
The same fields go into `channelData`, as Microsoft's own libraries send them.

Streaming is a nicety: an update that fails ends the stream, and a final message that fails is sent again
as a plain reply, so the answer is never lost.
"""

from __future__ import annotations

import copy
import logging
from typing import Any, ClassVar, Literal

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ActivityTypes, DeliveryModes, Entity

log = logging.getLogger(__name__)

StreamType = Literal["informative", "streaming", "final"]
MAX_INFORMATIVE = 1000  # characters Teams takes in an informative update
STREAMING_CHANNELS = frozenset({"msteams"})


class StreamInfo(Entity):  # type: ignore[misc]
    """The `streaminfo` entity (botbuilder 4.17 has no model for it)."""

    _attribute_map: ClassVar[dict[str, dict[str, str]]] = {
        **Entity._attribute_map,
        "stream_id": {"key": "streamId", "type": "str"},
        "stream_type": {"key": "streamType", "type": "str"},
        "stream_sequence": {"key": "streamSequence", "type": "int"},
    }

    def __init__(self, *, stream_type: StreamType, stream_id: str | None = None,
                 stream_sequence: int | None = None, **kwargs: Any) -> None:
        super().__init__(type="streaminfo", **kwargs)
        self.stream_id = stream_id
        self.stream_type = stream_type
        self.stream_sequence = stream_sequence


def can_stream(ctx: TurnContext) -> bool:
    """Teams streams in personal chats only, and not when replies travel back in the HTTP response."""
    activity = ctx.activity
    conversation = activity.conversation
    personal = conversation is not None and (conversation.conversation_type or "personal") == "personal"
    return (personal and activity.channel_id in STREAMING_CHANNELS
            and activity.delivery_mode != DeliveryModes.expect_replies)


class Stream:
    """One stream in one turn. `inform` while working; `final` marks the reply that ends it."""

    def __init__(self, ctx: TurnContext) -> None:
        self.ctx = ctx
        self.id: str | None = None
        self.sequence = 0
        self.broken = False

    @property
    def open(self) -> bool:
        """Updates went out and the final message has not: the reply should end the stream."""
        return self.id is not None and not self.broken

    def _mark(self, activity: Activity, stream_type: StreamType, sequence: int | None) -> Activity:
        activity.entities = [*(activity.entities or []),
                             StreamInfo(stream_type=stream_type, stream_id=self.id, stream_sequence=sequence)]
        data = {"streamType": stream_type, **({"streamId": self.id} if self.id else {}),
                **({"streamSequence": sequence} if sequence is not None else {})}
        activity.channel_data = {**(activity.channel_data or {}), **data}
        return activity

    async def inform(self, text: str) -> None:
        """Send an informative update ("Searching the knowledge…"); a failure ends the stream quietly."""
        if self.broken:
            return
        self.sequence += 1
        activity = self._mark(Activity(type=ActivityTypes.typing, text=text[:MAX_INFORMATIVE]),
                              "informative", self.sequence)
        try:
            response = await self.ctx.send_activity(activity)
        except Exception as exc:
            log.warning("teams stream update refused", extra={"error": type(exc).__name__})
            self.broken = True
            return
        if self.id is None:
            self.id = response.id if response is not None and response.id else None
            self.broken = self.id is None

    def final(self, activity: Activity) -> Activity:
        """A copy of the reply that ends the stream (no sequence on the final message)."""
        return self._mark(copy.copy(activity), "final", None)

    def ended(self) -> None:
        """The final message went out (or the stream was given up): later replies are plain."""
        self.broken = True
