"""The neutral message model every adapter translates to and from.

Inbound: what a person did (wrote a message, ran a command, clicked a button).
Outbound: what the bot says (plain text or a card), rendered natively by each adapter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

Platform = Literal["slack", "teams", "console"]
ConversationKind = Literal["dm", "group", "channel"]


@dataclass(frozen=True)
class Conversation:
    """Where a message lives: a channel, group chat or DM, optionally a thread in it."""

    platform: Platform
    id: str
    kind: ConversationKind = "channel"
    thread: str | None = None
    team: str | None = None

    def key(self) -> str:
        """A stable key for storing things per conversation (without the thread)."""
        return f"{self.platform}:{self.id}"


@dataclass(frozen=True)
class User:
    """The person behind an inbound event. `groups` holds user-group / team ids where known."""

    platform: Platform
    id: str
    name: str = ""
    groups: tuple[str, ...] = ()


# Who reads a reply, as the platform adapter knows it: audience keys of the knowledge's collections
# (`slack_channels`, `teams_users`, ...) with the ids under each. Empty: public knowledge only.
Readers = tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Exchange:
    """An earlier turn of a thread: what a person asked and what cxbot answered ("" when unknown)."""

    asked: str
    answered: str = ""


class InboundKind(StrEnum):
    MESSAGE = "message"
    COMMAND = "command"
    ACTION = "action"
    REPLY = "reply"


@dataclass(frozen=True)
class Inbound:
    """One thing a person did, in platform-neutral form.

    - MESSAGE: `text` is what they wrote, bot mention removed.
    - COMMAND: `text` is the command line after the command name (`/cx help` -> "help").
    - ACTION: `action` is the button's action id, `value` its payload, `message_id` the card clicked.
    - REPLY: a message in a channel thread that does not address the bot (Slack thread replies);
      a feature's middleware may take it, nobody answers it otherwise.

    `readers` says who will read the reply (see `Readers`); the adapter fills it in.
    `language` is the asker's language where the platform says it ("de", "en"; see `bot.i18n`);
    None: the deployment's default (`CXBOT_LANGUAGE`). Reply with `Turn.t`, which resolves it.
    `unprompted`: nobody addressed the bot (an auto-answer channel, a follow-up in a thread it answered
    without a mention). The text is a question, never a command; the bot replies only with a real
    answer and stays silent otherwise.
    `history` holds the thread's earlier exchanges, oldest first (the ask feature adds the ones it kept).
    `command_prefix` is how a person runs a command word here: "/cx " on Slack, "@cxbot " in a Teams
    channel, "" where writing the word is enough.
    """

    kind: InboundKind
    conversation: Conversation
    user: User
    text: str = ""
    action: str | None = None
    value: str = ""
    message_id: str | None = None
    history: tuple[Exchange, ...] = ()
    private: bool = False
    readers: Readers = ()
    language: str | None = None
    unprompted: bool = False
    command_prefix: str = ""

    def command(self, words: str) -> str:
        """A command as this person would type it here, e.g. "/cx ask <question>"."""
        return f"{self.command_prefix}{words}"


@dataclass(frozen=True)
class MessageRef:
    """A message the bot posted, so it can be updated later."""

    conversation: Conversation
    id: str


# ---------------------------------------------------------------- outbound


@dataclass(frozen=True)
class Button:
    label: str
    action: str
    value: str = ""
    style: Literal["primary", "danger"] | None = None
    url: str | None = None


@dataclass(frozen=True)
class Section:
    """A block of text. Light Markdown only: **bold**, _italic_, [label](url), and `- ` lists."""

    text: str


@dataclass(frozen=True)
class Fields:
    """Short label/value pairs shown side by side where the platform can."""

    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Actions:
    """A row of buttons."""

    buttons: tuple[Button, ...]


@dataclass(frozen=True)
class Image:
    """A picture: either a public `url` or PNG `data` the adapter uploads or inlines."""

    alt: str
    url: str | None = None
    data: bytes | None = None
    title: str = ""


@dataclass(frozen=True)
class Context:
    """Small print under a card: sources, footnotes, timestamps.

    `by` names a person before the text ("@Ana shared an answer"): a mention where the platform has
    them, the person's name elsewhere (`plain`).
    """

    text: str
    by: User | None = None

    def plain(self) -> str:
        """The text with the person's name (or id) in front, for platforms without mentions."""
        return f"{self.by.name or self.by.id} {self.text}" if self.by else self.text


@dataclass(frozen=True)
class Divider:
    pass


@dataclass(frozen=True)
class Mention:
    """Someone a message notifies: a person, or a user group (`group`) where the platform has them."""

    id: str
    name: str = ""
    group: bool = False

    def plain(self) -> str:
        return f"@{self.name or self.id}"


@dataclass(frozen=True)
class Mentions:
    """A line that tags people (a notification where the platform has mentions), then `text`."""

    who: tuple[Mention, ...]
    text: str = ""

    def plain(self) -> str:
        names = " ".join(m.plain() for m in self.who)
        return f"{names} {self.text}".strip()


Block = Section | Fields | Actions | Image | Context | Divider | Mentions


@dataclass(frozen=True)
class Text:
    """A plain message."""

    text: str


@dataclass(frozen=True)
class Card:
    """A structured message. `fallback` is the text shown where cards cannot render."""

    title: str
    blocks: tuple[Block, ...] = ()
    fallback: str = ""
    meta: dict[str, str] = field(default_factory=dict, compare=False)


Outbound = Text | Card


def card_text(card: Card) -> str:
    """Render a card as plain text (console, notifications, fallbacks)."""
    lines: list[str] = [card.title] if card.title else []
    for block in card.blocks:
        if isinstance(block, Section):
            lines.append(block.text)
        elif isinstance(block, Context | Mentions):
            lines.append(block.plain())
        elif isinstance(block, Fields):
            lines.extend(f"{k}: {v}" for k, v in block.pairs)
        elif isinstance(block, Actions):
            lines.append("  ".join(f"[{b.label}]" for b in block.buttons))
        elif isinstance(block, Image):
            lines.append(f"[image: {block.alt}]")
    return "\n".join(lines)
