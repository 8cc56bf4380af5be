"""One command table for every platform.

Adapters hand every inbound event to `Router.dispatch`. It passes through the middleware chain
(`Router.use`: cross-cutting work such as counting and in-flight tracking, outermost first, as
aiohttp's `middlewares=[...]`), then a command word at the start of a message or slash command picks a
command handler (`help`, `ask`, `pulse`, `digest`); a button click picks an action handler by the part
of its action id before the first colon; anything else goes to the fallback (asking the knowledge base).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.core.model import Inbound, InboundKind, MessageRef, Outbound, Text
from bot.core.port import ChatPort

log = logging.getLogger(__name__)


@dataclass
class Turn:
    """One inbound event being handled: what came in, the words after the command, and where to reply."""

    inbound: Inbound
    port: ChatPort
    args: str = ""

    async def reply(self, out: Outbound) -> MessageRef | None:
        return await self.port.reply(self.inbound, out)


Handler = Callable[[Turn], Awaitable[None]]
Dispatch = Callable[[Inbound, ChatPort], Awaitable[None]]
# A middleware gets the event, the port, and the rest of the chain to call (or not) with them.
Middleware = Callable[[Inbound, ChatPort, Dispatch], Awaitable[None]]


@dataclass(frozen=True)
class CommandSpec:
    word: str
    handler: Handler
    summary: str
    usage: str


class Router:
    """Maps command words and action ids to handlers."""

    def __init__(self) -> None:
        self.commands: dict[str, CommandSpec] = {}
        self.actions: dict[str, Handler] = {}
        self.fallback: Handler | None = None
        self.middleware: list[Middleware] = []
        self.add_command("help", self._help, usage="help")

    def use(self, middleware: Middleware) -> None:
        """Run `middleware` around every dispatched event; the first added is the outermost.

        Adding the same middleware twice has no effect.
        """
        if middleware not in self.middleware:
            self.middleware.append(middleware)

    def add_command(self, word: str, handler: Handler, usage: str = "") -> None:
        """Register `handler` for a command word; its docstring's first line is the help text."""
        summary = (handler.__doc__ or "").strip().splitlines()[0] if handler.__doc__ else ""
        self.commands[word.lower()] = CommandSpec(word.lower(), handler, summary, usage or word)

    def command(self, word: str, usage: str = "") -> Callable[[Handler], Handler]:
        def deco(handler: Handler) -> Handler:
            self.add_command(word, handler, usage)
            return handler

        return deco

    def add_action(self, prefix: str, handler: Handler) -> None:
        self.actions[prefix] = handler

    def action(self, prefix: str) -> Callable[[Handler], Handler]:
        def deco(handler: Handler) -> Handler:
            self.add_action(prefix, handler)
            return handler

        return deco

    def resolve(self, inbound: Inbound) -> tuple[Handler | None, str]:
        """Which handler takes this event, and the argument text it gets."""
        if inbound.kind is InboundKind.ACTION:
            prefix = (inbound.action or "").split(":", 1)[0]
            return self.actions.get(prefix), inbound.value
        text = inbound.text.strip()
        word, _, rest = text.partition(" ")
        spec = self.commands.get(word.lower().rstrip(":,"))
        if spec is not None:
            return spec.handler, rest.strip()
        if inbound.kind is InboundKind.COMMAND and not text:
            return self._help, ""
        return self.fallback, text

    async def dispatch(self, inbound: Inbound, port: ChatPort) -> None:
        """Hand one inbound event through the middleware chain to its handler."""
        await self._chain(0)(inbound, port)

    def _chain(self, n: int) -> Dispatch:
        if n >= len(self.middleware):
            return self._handle
        middleware, rest = self.middleware[n], self._chain(n + 1)

        async def call(inbound: Inbound, port: ChatPort) -> None:
            await middleware(inbound, port, rest)

        return call

    async def _handle(self, inbound: Inbound, port: ChatPort) -> None:
        handler, args = self.resolve(inbound)
        if handler is None:
            log.info("no handler", extra={"kind": inbound.kind.value, "action": inbound.action})
            if inbound.kind is not InboundKind.ACTION:
                await port.reply(inbound, Text("Sorry, I don't know that one. Try `help`."))
            return
        await handler(Turn(inbound=inbound, port=port, args=args))

    async def _help(self, turn: Turn) -> None:
        """Show what cxbot can do."""
        lines = ["Here is what I can do:"]
        lines.append("- Ask me anything about our CX playbooks and trend material: just write your question.")
        for spec in sorted(self.commands.values(), key=lambda s: s.word):
            lines.append(f"- `{spec.usage}` — {spec.summary}")
        await turn.reply(Text("\n".join(lines)))
