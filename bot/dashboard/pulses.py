"""The Pulses page's figures: per channel and template, each statement's mean per closed pulse over
the last 52 weeks, and participation. Means come from `bot.pulse.results.compute`, so the anonymity
floor is the one the results cards apply: a statement with fewer than k responses has no mean here
either, and nothing is kept per person.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select

from bot.dashboard.charts import Chart, series
from bot.db.engine import Database
from bot.pulse.models import CLOSED, Pulse, PulseVote
from bot.pulse.results import PulseResults, compute
from bot.pulse.store import Tally
from bot.schedule.clock import utc

WINDOW = timedelta(weeks=52)


@dataclass(frozen=True)
class Row:
    """One closed pulse in a channel's history."""

    pulse_id: int
    closed: str  # date
    participation: int
    means: tuple[float | None, ...]  # per statement; None below the floor
    responses: tuple[int, ...]


@dataclass
class ChannelPulses:
    """A channel's pulses of one template, oldest first."""

    channel: str
    template: str
    title: str
    statements: list[str] = field(default_factory=list)
    scale: tuple[int, int] = (1, 5)
    rows: list[Row] = field(default_factory=list)

    def chart(self) -> Chart:
        labels = tuple(r.closed for r in self.rows)
        lines = tuple(series(f"{i + 1}. {text[:40]}", [r.means[i] if i < len(r.means) else None for r in self.rows])
                      for i, text in enumerate(self.statements))
        return Chart(f"{self.title} in {self.channel}: mean per statement", labels, lines,
                     y_label="mean score", y_range=(self.scale[0] - 0.2, self.scale[1] + 0.2))

    def participation_chart(self, k: int) -> Chart:
        """People per pulse; a pulse with fewer than k has no bar (the table says "fewer than k")."""
        return Chart(f"{self.title} in {self.channel}: participation", tuple(r.closed for r in self.rows),
                     (series("people who took part", [r.participation if r.participation >= k else None
                                                      for r in self.rows]),),
                     y_label="people", bars=True)


def channel_label(platform: str, kind: str, conversation_id: str) -> str:
    """How a page names a conversation: direct messages only by kind (their id may name the person)."""
    where = {"slack": "Slack", "teams": "Teams", "console": "Console"}.get(platform, platform)
    if kind == "dm":
        return f"{where} direct message"
    return f"{where} {'group chat' if kind == 'group' else 'channel'} {conversation_id}"


def gather(db: Database, k: int, now: datetime) -> list[ChannelPulses]:
    """Every channel's closed pulses of the last 52 weeks, grouped by channel and template."""
    since = now - WINDOW
    closed = (Pulse.status == CLOSED) & (Pulse.closed_at >= since)
    with db.session() as s:
        pulses = list(s.scalars(select(Pulse).where(closed).order_by(Pulse.closed_at, Pulse.id)))
        ids = select(Pulse.id).where(closed).scalar_subquery()
        tallies: dict[int, Tally] = defaultdict(dict)
        for pid, statement, score, count in s.execute(
                select(PulseVote.pulse_id, PulseVote.statement, PulseVote.score, func.count())
                .where(PulseVote.pulse_id.in_(ids))
                .group_by(PulseVote.pulse_id, PulseVote.statement, PulseVote.score)):
            tallies[int(pid)].setdefault(int(statement), {})[int(score)] = int(count)
        people = {int(pid): int(n) for pid, n in s.execute(
            select(PulseVote.pulse_id, func.count(func.distinct(PulseVote.voter_hash)))
            .where(PulseVote.pulse_id.in_(ids)).group_by(PulseVote.pulse_id))}
    groups: dict[tuple[str, str], ChannelPulses] = {}
    for p in pulses:
        key = (p.conversation_key, p.template)
        group = groups.get(key)
        if group is None:
            group = groups[key] = ChannelPulses(channel_label(p.platform, p.conversation_kind, p.conversation_id),
                                                p.template, p.title)
        res = _results(p, tallies.get(p.id, {}), people.get(p.id, 0), k)
        group.title, group.statements, group.scale = p.title, [st.text for st in res.statements], res.scale
        group.rows.append(Row(p.id, utc(p.closed_at or p.closes_at).date().isoformat(), res.participation,
                              tuple(st.mean if st.shown else None for st in res.statements),
                              tuple(st.n for st in res.statements)))
    return sorted(groups.values(), key=lambda g: (g.channel, g.title))


def _results(p: Pulse, tally: Tally, participation: int, k: int) -> PulseResults:
    return compute(pulse_id=p.id, title=p.title, statements=p.statements, scale=(p.scale_min, p.scale_max),
                   tally=tally, participation=participation, k=k)
