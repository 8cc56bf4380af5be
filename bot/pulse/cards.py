"""Pulse cards in the neutral model: the voting card, its closed form, and the results card."""

from __future__ import annotations

from datetime import datetime

from bot.core.model import Actions, Block, Button, Card, Context, Divider, Image, Section
from bot.pulse.models import Pulse
from bot.pulse.results import PulseResults, StatementResult
from bot.schedule.clock import utc

VOTE = "pulse_vote"
NOT_ENOUGH = {
    "en": "not enough responses to keep answers anonymous",
    "de": "zu wenige Antworten, um die Anonymität zu wahren",
}
WORDS = {
    "en": {
        "taken_part": "{n} taken part so far · anonymous · you can change your vote until {when}",
        "closed": "Closed on {when}. {n} took part. Results are in the channel.",
        "results": "Results: {title}", "participation": "{n} took part", "mean": "mean",
        "responses": "responses", "vs": "vs. previous pulse", "first": "first pulse of this kind here",
        "pulse": "Pulse", "scale": "Scale",
    },
    "de": {
        "taken_part": "{n} haben bisher teilgenommen · anonym · Änderung möglich bis {when}",
        "closed": "Beendet am {when}. {n} haben teilgenommen. Die Ergebnisse stehen im Kanal.",
        "results": "Ergebnisse: {title}", "participation": "{n} haben teilgenommen", "mean": "Mittelwert",
        "responses": "Antworten", "vs": "ggü. letztem Pulscheck", "first": "erster Pulscheck dieser Art hier",
        "pulse": "Pulscheck", "scale": "Skala",
    },
}


def words(lang: str) -> dict[str, str]:
    return WORDS.get(lang, WORDS["en"])


def when(value: datetime) -> str:
    return utc(value).strftime("%Y-%m-%d %H:%M UTC")


def vote_value(pulse_id: int, statement: int, score: int) -> str:
    return f"{pulse_id}:{statement}:{score}"


def pulse_card(pulse: Pulse, participation: int, *, intro: str = "", scale_note: str = "") -> Card:
    """The card people vote on: one row of score buttons per statement, and only the participation count."""
    w = words(pulse.lang)
    blocks: list[Block] = []
    if intro:
        blocks.append(Section(intro))
    if scale_note:
        blocks.append(Context(f"{w['scale']}: {scale_note}"))
    for i, text in enumerate(pulse.statements):
        blocks.append(Section(f"**{i + 1}.** {text}"))
        blocks.append(Actions(tuple(
            Button(str(score), f"{VOTE}:{i}:{score}", vote_value(pulse.id, i, score))
            for score in range(pulse.scale_min, pulse.scale_max + 1)
        )))
    blocks.append(Context(f"{w['pulse']} #{pulse.id} · " + w["taken_part"].format(n=participation, when=when(pulse.closes_at))))
    return Card(title=pulse.title, blocks=tuple(blocks), fallback=f"{pulse.title}: {intro}".strip(": "),
                meta={"pulse_id": str(pulse.id)})


def closed_card(pulse: Pulse, participation: int) -> Card:
    """What the voting card becomes after the close: no buttons left to click."""
    w = words(pulse.lang)
    lines = "\n".join(f"{i + 1}. {t}" for i, t in enumerate(pulse.statements))
    note = w["closed"].format(when=when(pulse.closed_at or pulse.closes_at), n=participation)
    return Card(title=pulse.title, blocks=(Section(lines), Context(f"{w['pulse']} #{pulse.id} · {note}")),
                fallback=f"{pulse.title}: {note}", meta={"pulse_id": str(pulse.id)})


def bars(st: StatementResult, width: int = 12) -> str:
    """The distribution as text bars, one line per scale point."""
    top = max((c for _, c in st.distribution), default=0) or 1
    return "\n".join(
        f"`{score}` {'█' * round(width * c / top) or '·'} {c}" for score, c in reversed(st.distribution)
    )


def statement_blocks(st: StatementResult, lang: str) -> list[Block]:
    """The statement in bold, then its figures (or the anonymity note) in small print."""
    w = words(lang)
    head = Section(f"**{st.index + 1}. {st.text}**")
    if not st.shown:
        return [head, Context(NOT_ENOUGH.get(lang, NOT_ENOUGH["en"]))]
    change = ""
    if st.change is not None:
        arrow = "▲" if st.change > 0 else "▼" if st.change < 0 else "="
        change = f" · {arrow} {st.change:+.2f} {w['vs']} ({st.previous_mean:.2f})"
    return [head, Context(f"{w['mean']} {st.mean:.2f} · {st.n} {w['responses']}{change}\n{bars(st)}")]


def results_card(results: PulseResults, lang: str, chart: bytes | None = None) -> Card:
    """Per statement mean, distribution and change; statements under the anonymity floor show no figures."""
    w = words(lang)
    blocks: list[Block] = [Context(f"{w['pulse']} #{results.pulse_id} · " + w["participation"].format(n=results.participation)
                                   + ("" if results.previous_id else f" · {w['first']}"))]
    for st in results.statements:
        blocks.append(Divider())
        blocks.extend(statement_blocks(st, lang))
    if chart:
        blocks.append(Image(alt=w["results"].format(title=results.title), data=chart, title=results.title))
    fallback = "\n".join(
        f"{st.index + 1}. {st.text}: " + (f"{st.mean:.2f} ({st.n})" if st.shown else NOT_ENOUGH.get(lang, NOT_ENOUGH["en"]))
        for st in results.statements
    )
    return Card(title=w["results"].format(title=results.title), blocks=tuple(blocks), fallback=fallback,
                meta={"pulse_id": str(results.pulse_id)})


def summary_blocks(results: PulseResults, lang: str) -> list[Block]:
    """A short form for the home tab: the mean per statement (or the anonymity note)."""
    w = words(lang)
    lines = []
    for st in results.statements:
        figure = f"{st.mean:.2f}" if st.shown and st.mean is not None else "–"
        lines.append(f"- {st.text} — **{figure}**")
    return [
        Section(f"**{w['results'].format(title=results.title)}**\n" + "\n".join(lines)),
        Context(f"{w['pulse']} #{results.pulse_id} · " + w["participation"].format(n=results.participation)),
    ]
