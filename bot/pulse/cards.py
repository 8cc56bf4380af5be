"""Pulse cards in the neutral model: the voting card, its closed form, and the results card."""

from __future__ import annotations

from datetime import datetime

from bot.core.model import Actions, Block, Button, Card, Context, Divider, Image, Section
from bot.i18n import N_, Translator, translator
from bot.pulse.models import Pulse
from bot.pulse.results import PulseResults, StatementResult
from bot.schedule.clock import utc

VOTE = "pulse_vote"
NOT_ENOUGH = N_("not enough responses to keep answers anonymous")


def when(value: datetime, t: Translator | None = None) -> str:
    """A pulse's date and time (UTC), as the reader writes it."""
    return (t or translator()).datetime(utc(value)) + " UTC"


def vote_value(pulse_id: int, statement: int, score: int) -> str:
    return f"{pulse_id}:{statement}:{score}"


def pulse_card(pulse: Pulse, participation: int, *, intro: str = "", scale_note: str = "") -> Card:
    """The card people vote on: one row of score buttons per statement, and only the participation count."""
    t = translator(pulse.lang)
    blocks: list[Block] = []
    if intro:
        blocks.append(Section(intro))
    if scale_note:
        blocks.append(Context(t.gettext("Scale: {note}").format(note=scale_note)))
    for i, text in enumerate(pulse.statements):
        blocks.append(Section(f"**{i + 1}.** {text}"))
        blocks.append(Actions(tuple(
            Button(str(score), f"{VOTE}:{i}:{score}", vote_value(pulse.id, i, score))
            for score in range(pulse.scale_min, pulse.scale_max + 1)
        )))
    taken = t.ngettext("{n} taken part so far · anonymous · you can change your vote until {when}",
                       "{n} taken part so far · anonymous · you can change your vote until {when}", participation)
    blocks.append(Context(t.gettext("Pulse #{id}").format(id=pulse.id) + " · "
                          + taken.format(n=t.number(participation), when=when(pulse.closes_at, t))))
    return Card(title=pulse.title, blocks=tuple(blocks), fallback=f"{pulse.title}: {intro}".strip(": "),
                meta={"pulse_id": str(pulse.id)})


def closed_card(pulse: Pulse, participation: int) -> Card:
    """What the voting card becomes after the close: no buttons left to click."""
    t = translator(pulse.lang)
    lines = "\n".join(f"{i + 1}. {text}" for i, text in enumerate(pulse.statements))
    note = t.ngettext("Closed on {when}. {n} took part. Results are in the channel.",
                      "Closed on {when}. {n} took part. Results are in the channel.", participation)
    note = note.format(when=when(pulse.closed_at or pulse.closes_at, t), n=t.number(participation))
    head = t.gettext("Pulse #{id}").format(id=pulse.id)
    return Card(title=pulse.title, blocks=(Section(lines), Context(f"{head} · {note}")),
                fallback=f"{pulse.title}: {note}", meta={"pulse_id": str(pulse.id)})


def bars(st: StatementResult, width: int = 12) -> str:
    """The distribution as text bars, one line per scale point."""
    top = max((c for _, c in st.distribution), default=0) or 1
    return "\n".join(
        f"`{score}` {'█' * round(width * c / top) or '·'} {c}" for score, c in reversed(st.distribution)
    )


def took_part(n: int, t: Translator) -> str:
    return t.ngettext("{n} took part", "{n} took part", n).format(n=t.number(n))


def statement_blocks(st: StatementResult, lang: str) -> list[Block]:
    """The statement in bold, then its figures (or the anonymity note) in small print."""
    t = translator(lang)
    head = Section(f"**{st.index + 1}. {st.text}**")
    if not st.shown or st.mean is None:
        return [head, Context(t.gettext(NOT_ENOUGH))]
    change = ""
    if st.change is not None and st.previous_mean is not None:
        arrow = "▲" if st.change > 0 else "▼" if st.change < 0 else "="
        change = " · " + t.gettext("{arrow} {change} vs. previous pulse ({previous})").format(
            arrow=arrow, change=("+" if st.change >= 0 else "") + t.fixed(st.change, 2),
            previous=t.fixed(st.previous_mean, 2))
    figures = t.ngettext("mean {mean} · {n} response", "mean {mean} · {n} responses", st.n).format(
        mean=t.fixed(st.mean, 2), n=t.number(st.n))
    return [head, Context(f"{figures}{change}\n{bars(st)}")]


def results_card(results: PulseResults, lang: str, chart: bytes | None = None) -> Card:
    """Per statement mean, distribution and change; statements under the anonymity floor show no figures."""
    t = translator(lang)
    title = t.gettext("Results: {title}").format(title=results.title)
    head = t.gettext("Pulse #{id}").format(id=results.pulse_id) + " · " + took_part(results.participation, t)
    blocks: list[Block] = [Context(head + ("" if results.previous_id else " · " + t.gettext("first pulse of this kind here")))]
    for st in results.statements:
        blocks.append(Divider())
        blocks.extend(statement_blocks(st, lang))
    if chart:
        blocks.append(Image(alt=title, data=chart, title=results.title))
    fallback = "\n".join(
        f"{st.index + 1}. {st.text}: "
        + (f"{t.fixed(st.mean, 2)} ({t.number(st.n)})" if st.shown and st.mean is not None else t.gettext(NOT_ENOUGH))
        for st in results.statements
    )
    return Card(title=title, blocks=tuple(blocks), fallback=fallback, meta={"pulse_id": str(results.pulse_id)})


def summary_blocks(results: PulseResults, lang: str) -> list[Block]:
    """A short form for the home tab: the mean per statement (or the anonymity note)."""
    t = translator(lang)
    lines = []
    for st in results.statements:
        figure = t.fixed(st.mean, 2) if st.shown and st.mean is not None else "–"
        lines.append(f"- {st.text} — **{figure}**")
    return [
        Section("**" + t.gettext("Results: {title}").format(title=results.title) + "**\n" + "\n".join(lines)),
        Context(t.gettext("Pulse #{id}").format(id=results.pulse_id) + " · " + took_part(results.participation, t)),
    ]
