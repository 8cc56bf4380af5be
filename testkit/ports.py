"""A chat port that keeps everything it was asked to send, for tests and benches."""

from __future__ import annotations

from bot.core.model import Conversation, Inbound, MessageRef, Outbound


class RecordingPort:
    """A `ChatPort` that records `(verb, conversation, message)` for each reply, post and update."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, Conversation, Outbound]] = []
        self._n = 0

    def _ref(self, conversation: Conversation) -> MessageRef:
        self._n += 1
        return MessageRef(conversation=conversation, id=str(self._n))

    async def reply(self, to: Inbound, out: Outbound) -> MessageRef | None:
        self.sent.append(("reply", to.conversation, out))
        return self._ref(to.conversation)

    async def post(self, conversation: Conversation, out: Outbound) -> MessageRef | None:
        self.sent.append(("post", conversation, out))
        return self._ref(conversation)

    async def update(self, ref: MessageRef, out: Outbound) -> None:
        self.sent.append(("update", ref.conversation, out))

    def pop(self) -> Outbound:
        """The oldest message not yet popped."""
        return self.sent.pop(0)[2]
