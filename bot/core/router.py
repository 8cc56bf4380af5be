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
from bot.core.port import ChatPort, ShowsProgress
from bot.i18n import DEFAULT_LANGUAGE, N_, Translator, language_of, translator

log = logging.getLogger(__name__)


@dataclass
class Turn:
    """One inbound event being handled: what came in, the words after the command, and where to reply."""

    inbound: Inbound
    port: ChatPort
    args: str = ""
    language: str = DEFAULT_LANGUAGE

    @property
    def t(self) -> Translator:
        """The bot's words in the asker's language (`Inbound.language`, else the default)."""
        return translator(self.language)

    async def reply(self, out: Outbound) -> MessageRef | None:
        return await self.port.reply(self.inbound, out)

    async def progress(self, note: str) -> None:
        """Show what is being done while the person waits, where the platform can (else nothing)."""
        if isinstance(self.port, ShowsProgress):
            await self.port.progress(self.inbound, note)


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
    """Maps command words and action ids to handlers.

    `language` is the deployment's default (`CXBOT_LANGUAGE`) for inbound events that name none.
    """

    def __init__(self, language: str = DEFAULT_LANGUAGE) -> None:
        self.language = language_of(language) or DEFAULT_LANGUAGE
        self.commands: dict[str, CommandSpec] = {}
        self.actions: dict[str, Handler] = {}
        self.fallback: Handler | None = None
        self.middleware: list[Middleware] = []
        self.add_command("help", self._help, usage="help", summary=N_("Show what cxbot can do."))

    def use(self, middleware: Middleware) -> None:
        """Run `middleware` around every dispatched event; the first added is the outermost.

        Adding the same middleware twice has no effect.
        """
        if middleware not in self.middleware:
            self.middleware.append(middleware)

    def add_command(self, word: str, handler: Handler, usage: str = "", summary: str = "") -> None:
        """Register `handler` for a command word.

        `summary` is the help text, marked for translation (`N_("...")`); without it, the first line
        of the handler's docstring (which then needs a catalog entry of its own to be translated).
        """
        if not summary and handler.__doc__:
            summary = handler.__doc__.strip().splitlines()[0]
        self.commands[word.lower()] = CommandSpec(word.lower(), handler, summary, usage or word)

    def command(self, word: str, usage: str = "", summary: str = "") -> Callable[[Handler], Handler]:
        def deco(handler: Handler) -> Handler:
            self.add_command(word, handler, usage, summary)
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
        if inbound.unprompted:  # nobody addressed the bot: a question, even if it starts with "help"
            return self.fallback, text
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

    def language_for(self, inbound: Inbound) -> str:
        """The language to answer `inbound` in: the asker's if known and supported, else the default."""
        return language_of(inbound.language) or self.language

    async def _handle(self, inbound: Inbound, port: ChatPort) -> None:
        if inbound.kind is InboundKind.REPLY:
            return  # a thread reply not taken by a feature's middleware is nobody's business
        handler, args = self.resolve(inbound)
        language = self.language_for(inbound)
        if handler is None:
            log.info("no handler", extra={"kind": inbound.kind.value, "action": inbound.action})
            if inbound.kind is not InboundKind.ACTION:
                t = translator(language)
                await port.reply(inbound, Text(t.gettext("Sorry, I don't know that one. Try `help`.")))
            return
        await handler(Turn(inbound=inbound, port=port, args=args, language=language))

    def help_text(self, t: Translator) -> str:
        """Every command with its usage and summary, in `t`'s language (command words stay English)."""
        lines = [t.gettext("Here is what I can do:")]
        lines.append(t.gettext("- Ask me anything about our CX playbooks and trend material: just write your question."))
        for spec in sorted(self.commands.values(), key=lambda s: s.word):
            lines.append(f"- `{t.gettext(spec.usage)}` — {t.gettext(spec.summary)}")
        return "\n".join(lines)

    async def _help(self, turn: Turn) -> None:
        """Show what cxbot can do."""
        await turn.reply(Text(self.help_text(turn.t)))
