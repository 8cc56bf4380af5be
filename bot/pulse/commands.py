"""The `pulse` command word and the vote buttons, translated into calls on the pulse service."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta

from bot.core.model import Conversation, Text
from bot.core.router import Turn
from bot.i18n import N_, Translator, translator
from bot.pulse import cards
from bot.pulse.chart import results_png
from bot.pulse.models import OPEN, PulseSchedule, Where
from bot.pulse.parse import ParseError, StartArgs, parse_duration, parse_start
from bot.pulse.service import PulseService
from bot.pulse.templates import DEFAULT_TEMPLATE, Template
from bot.pulse.tickers import CADENCE_NAMES, CADENCES, add_cadence, start_scheduled
from bot.pulse.votes import parse_vote

USAGE = N_(
    "Pulse checks — short anonymous polls:\n"
    "- `pulse start [template] [en|de] [for 3d] [in #channel]` — start a pulse (CX evangelists)\n"
    "- `pulse close [id]` — close a pulse now and post its results (CX evangelists)\n"
    "- `pulse results [id]` — show the results of a closed pulse\n"
    "- `pulse list` — pulses in this conversation\n"
    "- `pulse templates` — the templates you can start\n"
    "- `pulse schedule weekly|biweekly|monthly [template] [en|de] [for 2d] [in #channel]`, "
    "`pulse schedule list`, `pulse schedule stop ID` — recurring pulses (CX evangelists)"
)
NOT_ALLOWED = N_("Sorry, only CX evangelists can start, close or schedule pulses. "
                 "If you'd like to run one, please ask your CX team.")


class PulseCommands:
    def __init__(self, service: PulseService) -> None:
        self.service = service

    async def pulse(self, turn: Turn) -> None:
        """Run anonymous pulse checks on customer centricity (`pulse help` for more)."""
        t = turn.t
        word, _, rest = turn.args.strip().partition(" ")
        handler = {
            "start": self.start, "close": self.close, "results": self.results, "list": self.list,
            "templates": self.templates, "schedule": self.schedule,
        }.get(word.lower())
        if handler is None:
            await turn.reply(Text(t.gettext(USAGE)))
            return
        try:
            await handler(turn, rest.strip())
        except ParseError as exc:
            await turn.reply(Text(exc.text(t)))

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
            if templates:
                raise ParseError(N_("There is no pulse template `{name}`. Available: {known}."),
                                 name=name, known=", ".join(sorted(templates)))
            raise ParseError(N_("There is no pulse template `{name}`, and none is available (check the template folder)."),
                             name=name)
        return templates[name]

    def _where(self, turn: Turn, args: StartArgs) -> Conversation:
        here = turn.inbound.conversation
        if args.channel:
            return Conversation(here.platform, args.channel, "channel", None, here.team)
        return dataclasses.replace(here, thread=None)

    def _lang(self, turn: Turn, template: Template, args: StartArgs) -> str:
        """The pulse's language: asked for, else CXBOT_PULSE_LANG, else CXBOT_LANGUAGE (as the template has it)."""
        settings = self.service.settings
        return template.lang(args.lang or settings.pulse_lang or settings.language)

    def _duration(self, args: StartArgs) -> timedelta:
        return args.duration or parse_duration(self.service.settings.pulse_duration)

    async def _pulse_id(self, turn: Turn, rest: str, *, want_open: bool) -> int | None:
        if rest:
            if not rest.lstrip("#").isdigit():
                raise ParseError(N_("`{rest}` is not a pulse number; see `pulse list`."), rest=rest)
            return int(rest.lstrip("#"))
        key = turn.inbound.conversation.key()
        store = self.service.store
        pulse = await asyncio.to_thread(store.latest_open if want_open else store.latest_closed, key)
        return pulse.id if pulse else None

    # ------------------------------------------------------------ sub-commands

    async def start(self, turn: Turn, rest: str) -> None:
        if not self._allowed(turn):
            await turn.reply(Text(turn.t.gettext(NOT_ALLOWED)))
            return
        args = parse_start(rest)
        template = self._template(args)
        lang = self._lang(turn, template, args)
        where = self._where(turn, args)
        pulse = await self.service.start(
            template, lang, where, self._duration(args), turn.port,
            creator_hash=self.service.user_hash(turn.inbound.user),
        )
        t = translator(pulse.lang)  # a pulse's command replies are in the pulse's language
        await turn.reply(Text(t.gettext("Pulse #{id} “{title}” is open until {when}. I'll post the results when it closes.")
                              .format(id=pulse.id, title=pulse.title, when=cards.when(pulse.closes_at, t))))

    async def close(self, turn: Turn, rest: str) -> None:
        if not self._allowed(turn):
            await turn.reply(Text(turn.t.gettext(NOT_ALLOWED)))
            return
        pulse_id = await self._pulse_id(turn, rest, want_open=True)
        if pulse_id is None:
            await turn.reply(Text(turn.t.gettext("There is no open pulse here to close.")))
            return
        t = await self._pulse_t(turn, pulse_id)
        if await self.service.close(pulse_id, turn.port):
            await turn.reply(Text(t.gettext("Pulse #{id} is closed; the results are posted.").format(id=pulse_id)))
        else:
            await turn.reply(Text(t.gettext("Pulse #{id} doesn't exist or is already closed.").format(id=pulse_id)))

    async def _pulse_t(self, turn: Turn, pulse_id: int) -> Translator:
        """The pulse's language for replies about it; the asker's when there is no such pulse."""
        pulse = await asyncio.to_thread(self.service.store.get, pulse_id)
        return translator(pulse.lang) if pulse is not None else turn.t

    async def results(self, turn: Turn, rest: str) -> None:
        pulse_id = await self._pulse_id(turn, rest, want_open=False)
        pulse = await asyncio.to_thread(self.service.store.get, pulse_id) if pulse_id else None
        if pulse is None:
            await turn.reply(Text(turn.t.gettext("There are no pulse results here yet.")))
            return
        if pulse.status == OPEN:
            t = translator(pulse.lang)
            await turn.reply(Text(t.gettext("Pulse #{id} is still open until {when}; results are shown only after it closes.")
                                  .format(id=pulse.id, when=cards.when(pulse.closes_at, t))))
            return
        results = await self.service.results(pulse)
        chart = await asyncio.to_thread(results_png, results) if self.service.settings.pulse_chart else None
        await turn.reply(cards.results_card(results, pulse.lang, chart))

    async def list(self, turn: Turn, _rest: str) -> None:
        t = turn.t
        pulses = await asyncio.to_thread(self.service.store.recent, turn.inbound.conversation.key())
        if not pulses:
            await turn.reply(Text(t.gettext("No pulses in this conversation yet. Start one with `pulse start`.")))
            return
        lines = []
        for p in pulses:
            n = await asyncio.to_thread(self.service.store.participation, p.id)
            state = (t.gettext("open until {when}").format(when=cards.when(p.closes_at, t)) if p.status == OPEN
                     else t.gettext("closed {when}").format(when=cards.when(p.closed_at or p.closes_at, t)))
            lines.append(f"- #{p.id} {p.title} ({p.template}, {p.lang}) — {state}, {cards.took_part(n, t)}")
        await turn.reply(Text(t.gettext("Pulses here:") + "\n" + "\n".join(lines)))

    async def templates(self, turn: Turn, _rest: str) -> None:
        t = turn.t
        templates, errors = self.service.templates()
        lines = []
        for tpl in templates.values():
            title = tpl.title.get(t.language) or tpl.title.get("en") or next(iter(tpl.title.values()))
            count = t.ngettext("{n} statement", "{n} statements", len(tpl.statements)).format(n=len(tpl.statements))
            lines.append(f"- `{tpl.id}` — {title} ({count}, {'/'.join(tpl.languages)})")
        if errors and self._allowed(turn):  # which files and why: for admins, in `cxbot doctor`
            lines += ["", t.ngettext(
                "{n} template file has problems and is not offered; an admin can see which and why with `cxbot doctor`.",
                "{n} template files have problems and are not offered; an admin can see which and why with `cxbot doctor`.",
                len(errors)).format(n=len(errors))]
        await turn.reply(Text(t.gettext("Pulse templates:") + "\n" + "\n".join(lines)))

    async def schedule(self, turn: Turn, rest: str) -> None:
        if not self._allowed(turn):
            await turn.reply(Text(turn.t.gettext(NOT_ALLOWED)))
            return
        t = turn.t
        word, _, more = rest.partition(" ")
        store, key = self.service.store, turn.inbound.conversation.key()
        if word.lower() == "list":
            rows = await asyncio.to_thread(store.schedules, key)
            lines = [f"- #{r.id} {t.gettext(CADENCE_NAMES[r.cadence])} `{r.template}` "
                     + t.gettext("next {when}").format(when=cards.when(r.next_run_at, t)) for r in rows]
            await turn.reply(Text(t.gettext("Recurring pulses here:") + "\n" + "\n".join(lines) if lines
                                  else t.gettext("No recurring pulses here.")))
            return
        if word.lower() == "stop":
            sid = more.strip().lstrip("#")
            done = sid.isdigit() and await asyncio.to_thread(store.stop_schedule, int(sid), key)
            await turn.reply(Text(t.gettext("Recurring pulse #{id} stopped.").format(id=sid) if done
                                  else t.gettext("No such recurring pulse here.")))
            return
        if word.lower() not in CADENCES:
            raise ParseError(N_("Usage: `pulse schedule weekly|biweekly|monthly [template] [for 2d] [in #channel]`."))
        args = parse_start(more)
        template = self._template(args)
        duration = min(self._duration(args), timedelta(days=CADENCES[word.lower()] or 28))
        now = datetime.now(UTC)
        row = PulseSchedule(
            template=template.id, lang=self._lang(turn, template, args),
            cadence=word.lower(), duration_seconds=int(duration.total_seconds()), next_run_at=now, active=True,
            creator_hash=self.service.user_hash(turn.inbound.user), created_at=now,
            **Where.columns(self._where(turn, args)),
        )
        await asyncio.to_thread(store.add_schedule, row)
        await start_scheduled(self.service)
        t = translator(row.lang)  # about the pulses it will start: in their language
        await turn.reply(Text(t.gettext(
            "Recurring pulse #{id}: `{template}` {cadence}, each open for {duration}. The first one starts now, "
            "the next on {when} (see `pulse schedule list`)."
        ).format(id=row.id, template=template.id, cadence=t.gettext(CADENCE_NAMES[row.cadence]),
                 duration=t.span(duration), when=cards.when(add_cadence(now, row.cadence), t))))
