"""Helpers for pulse tests: a channel, an evangelist, people and their clicks."""

from __future__ import annotations

from bot.core.model import Conversation, Inbound, InboundKind, User

CHANNEL = Conversation("slack", "C100", "channel", team="T1")
EVANGELIST = User("slack", "U_EVA", "eva")
GROUP_MEMBER = User("slack", "U_GRP", "gus", groups=("S_CXTEAM",))


def person(n: int) -> User:
    return User("slack", f"U{n:05d}", f"person {n}")


def command(text: str, user: User = EVANGELIST, conv: Conversation = CHANNEL) -> Inbound:
    return Inbound(InboundKind.COMMAND, conv, user, text=text, private=True)


def click(pulse_id: int, statement: int, score: int, user: User, conv: Conversation = CHANNEL) -> Inbound:
    return Inbound(InboundKind.ACTION, conv, user, action=f"pulse_vote:{statement}:{score}",
                   value=f"{pulse_id}:{statement}:{score}", message_id="1")
