"""The pulse service: start, vote, close and report, the same for Slack, Teams and the console.

Posting without an inbound turn (closing on time, reminders, recurring pulses) needs a chat port per
platform: `services.ports`, which the Slack and Teams edges fill when they mount, the console in
`cxbot chat`. A pulse on a platform without a registered port is left for a replica that has
one: its close is not claimed here.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from bot.core.model import Block, Card, Conversation, Inbound, Text, User
from bot.core.port import ChatPort
from bot.core.privacy import hash_user
from bot.db.engine import Database
from bot.i18n import N_, translator
from bot.ops import metrics
from bot.pulse import cards
from bot.pulse.chart import results_png
from bot.pulse.models import OPEN, Pulse
from bot.pulse.results import PulseResults, compute
from bot.pulse.store import PulseStore
from bot.pulse.templates import Template, load_dir
from bot.pulse.votes import Vote, VoteWriter
from bot.settings import Settings
from bot.trust.roles import is_evangelist

log = logging.getLogger(__name__)

CLOSED_VOTE = N_("Sorry, this pulse has already closed, so that vote wasn't counted. Thanks for wanting to take part!")


class PulseService:
    """Everything pulses do, independent of where the command came from."""

    def __init__(self, settings: Settings, db: Database, ports: dict[str, ChatPort]) -> None:
        self.settings = settings
        self.store = PulseStore(db)
        self.writer = VoteWriter(db.engine)
        self.ports = ports
        self._refresh: dict[int, asyncio.Task[None]] = {}  # the one waiting refresh per pulse
        self._running: set[asyncio.Task[None]] = set()
        self._portless: set[int] = set()
        self._templates: tuple[object, tuple[dict[str, Template], list[str]]] | None = None

    # ---------------------------------------------------------------- who and what

    def templates(self) -> tuple[dict[str, Template], list[str]]:
        """The valid templates and the errors of the broken ones; re-read only when a file changed."""
        folder = self.settings.pulse_templates or self.settings.knowledge_dir / "pulses"
        try:
            stamp = tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in folder.glob("*.y*ml")))
        except OSError:
            stamp = ()
        if self._templates is None or self._templates[0] != stamp:
            self._templates = (stamp, load_dir(folder))
        return self._templates[1]

    def is_evangelist(self, user: User) -> bool:
        """Evangelists are configured by user id or group id; with none configured, only the local console."""
        return is_evangelist(self.settings, user)

    def user_hash(self, user: User, purpose: str = "pulse-creator") -> str:
        return hash_user(self.settings.hash_key.get_secret_value(), user.platform, user.id, purpose)

    def port_for(self, platform: str, given: ChatPort | None = None) -> ChatPort | None:
        return self.ports.get(platform) or given

    # ---------------------------------------------------------------- start

    async def start(
        self, template: Template, lang: str, conv: Conversation, duration: timedelta, port: ChatPort, *,
        creator_hash: str, schedule_id: int | None = None,
    ) -> Pulse:
        """Store a pulse, post its card into `conv` and remember the card's message id."""
        now = datetime.now(UTC)
        remind_at = None
        if self.settings.pulse_remind_below > 0 and 0 < self.settings.pulse_remind_at < 1:
            remind_at = now + duration * self.settings.pulse_remind_at
        pulse = await asyncio.to_thread(
            self.store.create, template, lang, conv, closes_at=now + duration, creator_hash=creator_hash,
            remind_at=remind_at, schedule_id=schedule_id,
        )
        ref = await port.post(conv, self.card(pulse, 0, template))
        if ref is not None:
            await asyncio.to_thread(self.store.set_message, pulse.id, ref.id)
            pulse.message_id = ref.id
        log.info("pulse started", extra={"pulse": pulse.id, "template": template.id, "platform": conv.platform})
        return pulse

    def card(self, pulse: Pulse, participation: int, template: Template | None = None) -> Card:
        if template is None:
            template = self.templates()[0].get(pulse.template)
        intro = template.intro.get(pulse.lang, "") if template else ""
        labels = template.labels.get(pulse.lang, ()) if template else ()
        note = ""
        if labels:
            note = f"{pulse.scale_min} = {labels[0]} … {pulse.scale_max} = {labels[-1]}"
        return cards.pulse_card(pulse, participation, intro=intro, scale_note=note)

    # ---------------------------------------------------------------- vote

    async def vote(self, inbound: Inbound, port: ChatPort, vote: Vote) -> bool:
        """Store a click; refuse politely after the close. The card is refreshed with the participation count."""
        voter = self.user_hash(inbound.user, f"pulse-vote:{vote.pulse_id}")
        stored = await self.writer.vote(vote, voter)
        if not stored:
            pulse = await asyncio.to_thread(self.store.get, vote.pulse_id)
            if pulse is not None and not pulse.is_open:
                await port.reply(inbound, Text(translator(pulse.lang).gettext(CLOSED_VOTE)))
            return False
        metrics.vote()
        self._schedule_refresh(vote.pulse_id, port)
        return True

    def _schedule_refresh(self, pulse_id: int, port: ChatPort) -> None:
        if pulse_id not in self._refresh:
            task = asyncio.get_running_loop().create_task(self._refresh_card(pulse_id, port))
            self._refresh[pulse_id] = task
            self._running.add(task)
            task.add_done_callback(self._running.discard)

    async def _refresh_card(self, pulse_id: int, port: ChatPort) -> None:
        try:
            await asyncio.sleep(self.settings.pulse_refresh_seconds)
            self._refresh.pop(pulse_id, None)  # votes from now on schedule the next refresh
            pulse = await asyncio.to_thread(self.store.get, pulse_id)
            if pulse is None or pulse.ref is None or not pulse.is_open:
                return
            n = await asyncio.to_thread(self.store.participation, pulse_id)
            await port.update(pulse.ref, self.card(pulse, n))
            latest = await asyncio.to_thread(self.store.get, pulse_id)
            if latest is not None and latest.status != OPEN:
                await port.update(pulse.ref, cards.closed_card(latest, n))  # a close overtook this refresh
        except Exception:
            log.exception("pulse card refresh failed", extra={"pulse": pulse_id})
        finally:
            if self._refresh.get(pulse_id) is asyncio.current_task():
                self._refresh.pop(pulse_id, None)

    async def drain(self) -> None:
        """Wait for pending card refreshes (tests, shutdown)."""
        while self._running:
            await asyncio.gather(*list(self._running), return_exceptions=True)

    # ---------------------------------------------------------------- close and results

    async def close(self, pulse_id: int, port: ChatPort | None = None, *, due_only: bool = False) -> bool:
        """Close a pulse once (whichever replica claims it), update its card and post the results."""
        pulse = await asyncio.to_thread(self.store.get, pulse_id)
        if pulse is None:
            return False
        target = self.port_for(pulse.platform, port)
        if target is None:
            if pulse_id not in self._portless:  # once: another replica with that platform may close it
                self._portless.add(pulse_id)
                log.warning("no chat port to close pulse", extra={"pulse": pulse_id, "platform": pulse.platform})
            return False
        if not await asyncio.to_thread(self.store.claim_close, pulse_id, due_only=due_only):
            return False
        task = self._refresh.pop(pulse_id, None)
        if task is not None:
            task.cancel()
        results = await self.results(pulse)
        pulse.closed_at = datetime.now(UTC)
        if pulse.ref is not None:
            try:
                await target.update(pulse.ref, cards.closed_card(pulse, results.participation))
            except Exception:
                log.exception("could not update the closed pulse card", extra={"pulse": pulse_id})
        chart = await asyncio.to_thread(results_png, results) if self.settings.pulse_chart else None
        await target.post(pulse.conversation, cards.results_card(results, pulse.lang, chart))
        await asyncio.to_thread(self.store.finish_close, pulse_id)
        log.info("pulse closed", extra={"pulse": pulse_id, "participation": results.participation})
        return True

    async def results(self, pulse: Pulse) -> PulseResults:
        return await asyncio.to_thread(self._results, pulse)

    def _results(self, pulse: Pulse) -> PulseResults:
        previous = self.store.previous(pulse)
        return compute(
            pulse_id=pulse.id, title=pulse.title, statements=pulse.statements,
            scale=(pulse.scale_min, pulse.scale_max), tally=self.store.tally(pulse.id),
            participation=self.store.participation(pulse.id), k=self.settings.anonymity_k,
            previous=self.store.tally(previous.id) if previous else None,
            previous_id=previous.id if previous else None,
        )

    def digest_summary(self, conversation_key: str, language: str) -> str | None:
        """One paragraph on the channel's latest closed pulse, for the weekly digest (floor applied)."""
        pulse = self.store.latest_closed(conversation_key)
        if pulse is None:
            return None
        t = translator(language)
        res = self._results(pulse)
        parts = []
        for st in res.statements:
            if not st.shown or st.mean is None:
                parts.append(f"“{st.text}”: " + t.gettext(cards.NOT_ENOUGH))
                continue
            change = f" ({'+' if st.change >= 0 else ''}{t.fixed(st.change, 1)})" if st.change is not None else ""
            parts.append(f"“{st.text}”: {t.fixed(st.mean, 1)}{change}")
        return f"{res.title} — {cards.took_part(res.participation, t)}. " + "; ".join(parts)

    async def close_due(self) -> int:
        """Ticker: close every pulse whose time has come (also those that came while we were down)."""
        due = await asyncio.to_thread(self.store.due)
        closed = 0
        for pulse in due:
            try:
                closed += await self.close(pulse.id, due_only=True)
            except Exception:
                log.exception("closing pulse failed", extra={"pulse": pulse.id})
        return closed

    async def home_section(self, user: User, language: str) -> list[Block]:
        """For a home tab: results of the latest pulse this person took part in or started (in its language).

        Only pulses they were part of, so results from channels they can't see never show up; the
        anonymity floor applies as everywhere.
        """

        def hashes(pulse: Pulse) -> tuple[str, str]:
            return self.user_hash(user), self.user_hash(user, f"pulse-vote:{pulse.id}")

        pulse = await asyncio.to_thread(self.store.latest_of, user.platform, hashes)
        if pulse is None:
            return []
        return cards.summary_blocks(await self.results(pulse), pulse.lang)
