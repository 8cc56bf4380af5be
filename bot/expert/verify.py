"""Verified answers: an expert's reply saved as a document and indexed at once, shown as "Verified by …"
when it answers, and flagged to the collection's owners when its review date has passed."""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bot.ask.answer import Answer
from bot.ask.cards import Extras
from bot.core.model import Button, Conversation, Inbound, Text, User
from bot.core.router import Turn
from bot.expert import cards, entries
from bot.expert.config import DEFAULT_REVIEW_DAYS, Experts
from bot.expert.models import Escalation, ExpertReply, VerifiedEntry
from bot.expert.note import verified_note as verified_note
from bot.expert.store import ExpertStore
from bot.i18n import translator

if TYPE_CHECKING:
    from bot.app import Services

log = logging.getLogger(__name__)

LEASE = 120.0
RETRY = timedelta(hours=1)


def is_evangelist(evangelists: frozenset[str], user: User) -> bool:
    """Evangelists by user or group id (`CXBOT_EVANGELISTS`); with none configured, only the local console."""
    if not evangelists:
        return user.platform == "console"
    return user.id in evangelists or any(g in evangelists for g in user.groups)


class Verification:
    def __init__(self, services: Services, store: ExpertStore, experts: dict[str, Experts]) -> None:
        self.services = services
        self.store = store
        self.experts = experts
        self.platforms = frozenset(p for e in experts.values() for p in e.channels)
        self.owner = uuid.uuid4().hex[:12]

    @property
    def root(self) -> Path:
        return self.services.settings.knowledge_dir.resolve()

    def extras(self, answer: Answer, qid: str, inbound: Inbound | None) -> Extras:
        """On every answer card: "Verified by …" notes, and "Ask an expert" where experts are set up."""
        router = self.services.router
        t = translator(router.language_for(inbound) if inbound is not None else router.language)
        notes = verified_note(self.root, answer, t) if answer.answered else []
        buttons: tuple[Button, ...] = ()
        if inbound is not None and inbound.conversation.platform in self.platforms:
            buttons = (cards.ask_button(t, qid, inbound.message_id),)
        return Extras(tuple(notes), buttons)

    async def save(self, turn: Turn) -> None:
        """Keep an expert's reply as a verified answer (the collection's owners and CX evangelists only)."""
        arg = turn.args.strip()
        valid = arg.isascii() and arg.isdigit() and len(arg) <= 9  # a reply id, nothing a database would refuse
        got = await asyncio.to_thread(self.store.reply, int(arg)) if valid else None
        if got is None:
            await turn.reply(Text(turn.t.gettext(cards.REPLY_GONE)))
            return
        reply, esc = got
        experts = self.experts.get(esc.collection)
        user = turn.inbound.user
        if not (is_evangelist(self.services.settings.evangelist_ids, user) or (experts and experts.owns(user))):
            log.info("save as answer refused", extra={"collection": esc.collection})
            await turn.reply(Text(turn.t.gettext(cards.NOT_EXPERT)))
            return
        now = self.services.clock.now()
        days = experts.review_days if experts else DEFAULT_REVIEW_DAYS
        entry = VerifiedEntry(reply_id=reply.id, platform=esc.platform, collection=esc.collection,
                              path=f"pending:{reply.id}", question=esc.question,
                              author=reply.author_name or reply.author_id, saved_at=now,
                              review_at=now + timedelta(days=days))
        if await asyncio.to_thread(self.store.add_verified, entry) is None:
            await turn.reply(Text(turn.t.gettext(cards.SAVED_ALREADY)))
            return
        folder = experts.folder if experts and experts.folder else self.root
        try:
            shown = await asyncio.to_thread(self.write_and_index, entry, reply, esc, folder)
        except Exception:
            log.exception("verified answer not saved")
            await asyncio.to_thread(self.store.drop_verified, entry.id)
            await turn.reply(Text(turn.t.gettext(cards.NOT_SAVED)))
            return
        await turn.reply(cards.saved(turn.t, esc.collection, shown, turn.t.date(entry.review_at)))

    def write_and_index(self, entry: VerifiedEntry, reply: ExpertReply, esc: Escalation, folder: Path) -> str:
        """Write the document and index that one file (not the whole knowledge folder)."""
        path = entries.write(folder, entry.id, esc.question, reply.text, entry.author,
                             entry.saved_at.date(), entry.review_at.date())
        summary = self.services.knowledge.indexer().run([path])
        if summary.skipped:
            log.warning("verified answer not indexed", extra={"reason": summary.skipped[0].reason})
        shown = path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) else str(path)
        self.store.set_path(entry.id, shown)
        return shown

    async def review(self, now: datetime | None = None) -> int:
        """Flag every verified entry past its review date to its collection's owners, once."""
        now = now or self.services.clock.now()
        flagged = 0
        for _ in range(100):
            entry = await asyncio.to_thread(self.store.claim_due, now, datetime.now(UTC), self.owner, LEASE)
            if entry is None:
                break
            flagged += await self.flag(entry, now)
        return flagged

    async def flag(self, entry: VerifiedEntry, now: datetime) -> int:
        meta = entries.read(self.root / entry.path)
        if meta is None:  # the file was removed or is no verified entry any more: nothing to review
            await asyncio.to_thread(self.store.flagged, entry.id, self.owner, now)
            return 0
        if meta.review and meta.review > now.date():  # an admin moved the date in the file
            moved = datetime(meta.review.year, meta.review.month, meta.review.day, tzinfo=UTC)
            await asyncio.to_thread(self.store.release, entry.id, self.owner, review_at=moved)
            return 0
        experts = self.experts.get(entry.collection)
        platform = entry.platform if experts and experts.channel(entry.platform) else next(
            (p for p in sorted(experts.channels) if p in self.services.ports), "") if experts else ""
        channel = experts.channel(platform) if experts else None
        port = self.services.ports.get(platform)
        if experts is None or channel is None or port is None:
            log.warning("review flag has nowhere to go", extra={"collection": entry.collection})
            await asyncio.to_thread(self.store.release, entry.id, self.owner, retry_at=datetime.now(UTC) + RETRY)
            return 0
        t = translator(self.services.router.language)
        card = cards.due(t, entry.question, meta.by, t.date(meta.on or entry.saved_at.date()),
                         t.date(meta.review or entry.review_at.date()), experts.tags(platform), entry.path)
        try:
            await port.post(Conversation(platform, channel, "channel"), card)  # type: ignore[arg-type]
        except Exception as exc:
            log.warning("review flag not posted", extra={"error": type(exc).__name__})
            await asyncio.to_thread(self.store.release, entry.id, self.owner, retry_at=datetime.now(UTC) + RETRY)
            return 0
        await asyncio.to_thread(self.store.flagged, entry.id, self.owner, now)
        return 1
