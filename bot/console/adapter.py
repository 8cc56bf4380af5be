"""A chat port that prints to the terminal, and the read-dispatch loop of `cxbot chat`.

Buttons are shown numbered; typing `!N` clicks button N of the last card, so pulses and feedback
work here too.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from rich.console import Console
from rich.markdown import Markdown
from rich.panel import Panel

from bot.core.model import (
    Actions,
    Button,
    Context,
    Conversation,
    Divider,
    Fields,
    Image,
    Inbound,
    InboundKind,
    Mentions,
    MessageRef,
    Outbound,
    Section,
    Text,
    User,
)
from bot.core.router import Router
from bot.i18n import Translator, translator

CONVERSATION = Conversation(platform="console", id="console", kind="dm")
USER = User(platform="console", id="console-user", name="you")


class ConsolePort:
    def __init__(self, console: Console, save_image: Callable[[bytes], str] | None = None,
                 t: Translator | None = None) -> None:
        self.console = console
        self.t = t or translator()
        self.buttons: list[tuple[Button, str]] = []
        self._ids = itertools.count(1)
        self.save_image = save_image

    def _show(self, out: Outbound, ref: str) -> None:
        if isinstance(out, Text):
            self.console.print(Markdown(out.text))
            return
        self.buttons = []
        parts: list[str] = []
        for block in out.blocks:
            if isinstance(block, Section):
                parts.append(block.text)
            elif isinstance(block, Context | Mentions):
                text = block.plain()
                parts.append(f"_{text}_" if "\n" not in text else text.replace("\n", "  \n"))
            elif isinstance(block, Fields):
                parts.extend(f"- **{k}:** {v}" for k, v in block.pairs)
            elif isinstance(block, Divider):
                parts.append("---")
            elif isinstance(block, Image):
                where = self.save_image(block.data) if block.data and self.save_image else block.url
                label = self.t.gettext("image")
                parts.append(f"[{label}: {block.alt}{' — ' + where if where else ''}]")
            elif isinstance(block, Actions):
                labels = []
                for b in block.buttons:
                    self.buttons.append((b, ref))
                    labels.append(f"`!{len(self.buttons)}` {b.label}")
                parts.append("  ".join(labels))
        self.console.print(Panel(Markdown("\n\n".join(parts)), title=out.title or None))

    async def reply(self, to: Inbound, out: Outbound) -> MessageRef | None:
        return await self.post(to.conversation, out)

    async def post(self, conversation: Conversation, out: Outbound) -> MessageRef | None:
        ref = str(next(self._ids))
        self._show(out, ref)
        return MessageRef(conversation, ref)

    async def update(self, ref: MessageRef, out: Outbound) -> None:
        note = self.t.gettext("message {id} updated").format(id=ref.id)
        self.console.print(f"[dim]({note})[/]")
        self._show(out, ref.id)


def to_inbound(line: str, port: ConsolePort) -> Inbound | None:
    line = line.strip()
    if not line:
        return None
    if line.startswith("!") and line[1:].isdigit():
        n = int(line[1:])
        if not 1 <= n <= len(port.buttons):
            return None
        button, ref = port.buttons[n - 1]
        return Inbound(InboundKind.ACTION, CONVERSATION, USER, action=button.action, value=button.value,
                       message_id=ref)
    kind = InboundKind.COMMAND if line.startswith("/cx") else InboundKind.MESSAGE
    text = line[3:].strip() if kind is InboundKind.COMMAND else line
    return Inbound(kind, CONVERSATION, USER, text=text)


async def chat_loop(router: Router, port: ConsolePort, read: Callable[[], str | None]) -> None:
    while True:
        line = read()
        if line is None or line.strip() in ("exit", "quit"):
            return
        inbound = to_inbound(line, port)
        if inbound is None:
            if line.strip():
                port.console.print("[yellow]" + port.t.gettext("No such button.") + "[/]")
            continue
        await router.dispatch(inbound, port)
