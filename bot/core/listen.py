"""A neutral "listening" hook: which messages nobody addressed to the bot it answers anyway.

Adapters that see every message of a channel (Slack) translate a person's message into an `Inbound`
with `unprompted=True` and ask `Services.listening.takes(inbound)` whether to answer it. The ask
feature provides the policy (threads the bot answered, auto-answer channels, what counts as a
question) and the suggested prompts an assistant surface shows; without it the bot answers nothing
unaddressed and suggests nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from bot.core.model import Inbound, Readers

# Why an unaddressed message is answered: a follow-up in a thread the bot answered, or a question in a
# channel whose every question is answered.
Reason = Literal["follow-up", "auto"]


@dataclass(frozen=True)
class Prompt:
    """A suggested question: a short `title` to click, and the `message` it sends."""

    title: str
    message: str


class Listening(Protocol):
    """What adapters ask about unaddressed messages and assistant surfaces."""

    async def takes(self, inbound: Inbound) -> Reason | None:
        """Why this unaddressed message gets an answer, or None to leave it alone."""
        ...

    async def prompts(self, readers: Readers, language: str, limit: int = 4) -> list[Prompt]:
        """Suggested questions for a person who reads with `readers` (most-asked first); the bot's own
        words in them in `language`."""
        ...


class NotListening:
    """The default until a feature listens: nothing unaddressed is answered, nothing suggested."""

    async def takes(self, inbound: Inbound) -> Reason | None:
        return None

    async def prompts(self, readers: Readers, language: str, limit: int = 4) -> list[Prompt]:
        return []
