"""The `pulse` command word and the vote buttons, translated into calls on the pulse service."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta

from bot.core.model import Conversation, Text
from bot.core.router import Turn
from bot.pulse import cards
from bot.pulse.chart import results_png
from bot.pulse.models import OPEN, PulseSchedule, Where
from bot.pulse.parse import ParseError, StartArgs, parse_duration, parse_start
from bot.pulse.service import PulseService
from bot.pulse.templates import DEFAULT_TEMPLATE, Template
from bot.pulse.tickers import CADENCES, add_cadence, start_scheduled
from bot.pulse.votes import parse_vote

USAGE = (
    "Pulse checks — short anonymous polls:\n"
    "- `pulse start [template] [en|de] [for 3d] [in #channel]` — start a pulse (CX evangelists)\n"
    "- `pulse close [id]` — close a pulse now and post its results (CX evangelists)\n"
    "- `pulse results [id]` — show the results of a closed pulse\n"
    "- `pulse list` — pulses in this conversation\n"
    "- `pulse templates` — the templates you can start\n"
    "- `pulse schedule weekly|biweekly|monthly [template] [en|de] [for 2d] [in #channel]`, "
    "`pulse schedule list`, `pulse schedule stop ID` — recurring pulses (CX evangelists)"
)
NOT_ALLOWED = Text("Sorry, only CX evangelists can start, close or schedule pulses. "
                   "If you'd like to run one, please ask your CX team.")


class PulseCommands:
    def __init__(self, service: PulseService) -> None:
        self.service = service

    async def pulse(self, turn: Turn) -> None:
        """Run anonymous pulse checks on customer centricity (`pulse help` for more)."""
        word, _, rest = turn.args.strip().partition(" ")
        handler = {
            "start": self.start, "close": self.close, "results": self.results, "list": self.list,
            "templates": self.templates, "schedule": self.schedule,
        }.get(word.lower())
        if handler is None:
            await turn.reply(Text(USAGE))
            return
        try:
            await handler(turn, rest.strip())
        except ParseError as exc:
            await turn.reply(Text(str(exc)))

    async def vote(self, turn: Turn) -> None:
        vote = parse_vote(turn.args)
        if vote is not None:
            await self.service.vote(turn.inbound, turn.port, vote)

    # ------------------------------------------------------------ helpers

    def _allowed(self, turn: Turn) -> bool:
        return self.service.is_evangelist(turn.inbound.user)

    def _template(self, args: StartArgs) -> Template:
        templates, _errors = self.service.templates()
        name = args.template or DEFAULT_TEMPLATE
        if name not in templates:
            known = ", ".join(sorted(templates)) or "none (check the template folder)"
            raise ParseError(f"There is no pulse template `{name}`. Available: {known}.")
        return templates[name]

    def _where(self, turn: Turn, args: StartArgs) -> Conversation:
        here = turn.inbound.conversation
        if args.channel:
            return Conversation(here.platform, args.channel, "channel", None, here.team)
        return dataclasses.replace(here, thread=None)

    def _duration(self, args: StartArgs) -> timedelta:
        return args.duration or parse_duration(self.service.settings.pulse_duration)

    async def _pulse_id(self, turn: Turn, rest: str, *, want_open: bool) -> int | None:
        if rest:
            if not rest.lstrip("#").isdigit():
                raise ParseError(f"`{rest}` is not a pulse number; see `pulse list`.")
            return int(rest.lstrip("#"))
        key = turn.inbound.conversation.key()
        store = self.service.store
        pulse = await asyncio.to_thread(store.latest_open if want_open else store.latest_closed, key)
        return pulse.id if pulse else None

    # ------------------------------------------------------------ sub-commands

    async def start(self, turn: Turn, rest: str) -> None:
        if not self._allowed(turn):
            await turn.reply(NOT_ALLOWED)
            return
        args = parse_start(rest)
        template = self._template(args)
        lang = template.lang(args.lang or self.service.settings.pulse_lang)
        where = self._where(turn, args)
        pulse = await self.service.start(
            template, lang, where, self._duration(args), turn.port,
            creator_hash=self.service.user_hash(turn.inbound.user),
        )
        await turn.reply(Text(f"Pulse #{pulse.id} “{pulse.title}” is open until {cards.when(pulse.closes_at)}. "
                              "I'll post the results when it closes."))

    async def close(self, turn: Turn, rest: str) -> None:
        if not self._allowed(turn):
            await turn.reply(NOT_ALLOWED)
            return
        pulse_id = await self._pulse_id(turn, rest, want_open=True)
        if pulse_id is None:
            await turn.reply(Text("There is no open pulse here to close."))
            return
        if await self.service.close(pulse_id, turn.port):
            await turn.reply(Text(f"Pulse #{pulse_id} is closed; the results are posted."))
        else:
            await turn.reply(Text(f"Pulse #{pulse_id} doesn't exist or is already closed."))

    async def results(self, turn: Turn, rest: str) -> None:
        pulse_id = await self._pulse_id(turn, rest, want_open=False)
        pulse = await asyncio.to_thread(self.service.store.get, pulse_id) if pulse_id else None
        if pulse is None:
            await turn.reply(Text("There are no pulse results here yet."))
            return
        if pulse.status == OPEN:
            await turn.reply(Text(f"Pulse #{pulse.id} is still open until {cards.when(pulse.closes_at)}; "
                                  "results are shown only after it closes."))
            return
        results = await self.service.results(pulse)
        chart = await asyncio.to_thread(results_png, results) if self.service.settings.pulse_chart else None
        await turn.reply(cards.results_card(results, pulse.lang, chart))

    async def list(self, turn: Turn, _rest: str) -> None:
        pulses = await asyncio.to_thread(self.service.store.recent, turn.inbound.conversation.key())
        if not pulses:
            await turn.reply(Text("No pulses in this conversation yet. Start one with `pulse start`."))
            return
        lines = []
        for p in pulses:
            n = await asyncio.to_thread(self.service.store.participation, p.id)
            state = (f"open until {cards.when(p.closes_at)}" if p.status == OPEN
                     else f"closed {cards.when(p.closed_at or p.closes_at)}")
            lines.append(f"- #{p.id} {p.title} ({p.template}, {p.lang}) — {state}, {n} took part")
        await turn.reply(Text("Pulses here:\n" + "\n".join(lines)))

    async def templates(self, turn: Turn, _rest: str) -> None:
        templates, errors = self.service.templates()
        lines = [f"- `{t.id}` — {t.title.get('en') or next(iter(t.title.values()))} "
                 f"({len(t.statements)} statements, {'/'.join(t.languages)})" for t in templates.values()]
        if errors and self._allowed(turn):  # which files and why: for admins, in `cxbot doctor`
            lines += ["", f"{len(errors)} template file(s) have problems and are not offered; "
                          "an admin can see which and why with `cxbot doctor`."]
        await turn.reply(Text("Pulse templates:\n" + "\n".join(lines)))

    async def schedule(self, turn: Turn, rest: str) -> None:
        if not self._allowed(turn):
            await turn.reply(NOT_ALLOWED)
            return
        word, _, more = rest.partition(" ")
        store, key = self.service.store, turn.inbound.conversation.key()
        if word.lower() == "list":
            rows = await asyncio.to_thread(store.schedules, key)
            lines = [f"- #{r.id} {r.cadence} `{r.template}` next {cards.when(r.next_run_at)}" for r in rows]
            await turn.reply(Text("Recurring pulses here:\n" + "\n".join(lines) if lines else "No recurring pulses here."))
            return
        if word.lower() == "stop":
            sid = more.strip().lstrip("#")
            done = sid.isdigit() and await asyncio.to_thread(store.stop_schedule, int(sid), key)
            await turn.reply(Text(f"Recurring pulse #{sid} stopped." if done else "No such recurring pulse here."))
            return
        if word.lower() not in CADENCES:
            raise ParseError("Usage: `pulse schedule weekly|biweekly|monthly [template] [for 2d] [in #channel]`.")
        args = parse_start(more)
        template = self._template(args)
        duration = min(self._duration(args), timedelta(days=CADENCES[word.lower()] or 28))
        now = datetime.now(UTC)
        row = PulseSchedule(
            template=template.id, lang=template.lang(args.lang or self.service.settings.pulse_lang),
            cadence=word.lower(), duration_seconds=int(duration.total_seconds()), next_run_at=now, active=True,
            creator_hash=self.service.user_hash(turn.inbound.user), created_at=now,
            **Where.columns(self._where(turn, args)),
        )
        await asyncio.to_thread(store.add_schedule, row)
        await start_scheduled(self.service)
        await turn.reply(Text(f"Recurring pulse #{row.id}: `{template.id}` {word.lower()}, each open for "
                              f"{duration}. The first one starts now, the next on "
                              f"{cards.when(add_cadence(now, row.cadence))} (see `pulse schedule list`)."))
