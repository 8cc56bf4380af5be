"""Asking an expert: the question goes to the expert channel of the collection that came closest, and
replies in that thread reach the asker where they asked."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.ask.answer import Source
from bot.ask.store import QuestionLog
from bot.core.model import Conversation, Inbound, InboundKind, Outbound, Text, User
from bot.core.port import ChatPort, Permalinks
from bot.core.router import Dispatch, Turn
from bot.expert import cards
from bot.expert.cards import Closest
from bot.expert.config import Experts
from bot.expert.models import Escalation
from bot.expert.store import Asked, ExpertStore
from bot.i18n import Translator, translator
from bot.trust.audience import allowed_for

if TYPE_CHECKING:
    from bot.app import Services

log = logging.getLogger(__name__)

MAX_SOURCES = 3


class Escalations:
    """The "Ask an expert" button, and the middleware that takes replies in escalation threads."""

    def __init__(self, services: Services, store: ExpertStore, experts: dict[str, Experts]) -> None:
        self.services = services
        self.store = store
        self.experts = experts
        self.questions = QuestionLog(services.db)

    @property
    def t(self) -> Translator:
        """The deployment's language (`CXBOT_LANGUAGE`): what the expert channels read."""
        return translator(self.services.router.language)

    def port(self, platform: str, given: ChatPort) -> ChatPort:
        """The platform's own port (posts anywhere), else the turn's."""
        return self.services.ports.get(platform) or given

    def closest(self, question: str, inbound: Inbound) -> tuple[Experts | None, list[Closest]]:
        """The first collection among the closest passages with an expert channel here, and its closest sources."""
        knowledge = self.services.knowledge
        passages = knowledge.retriever.search(question, allowed_for(knowledge.collections, inbound))
        platform = inbound.conversation.platform
        chosen: Experts | None = None
        for p in passages:
            experts = self.experts.get(knowledge.retriever.collection_of(p.meta))
            if experts is not None and experts.channel(platform):
                chosen = experts
                break
        if chosen is None:
            return None, []
        seen: dict[str, Closest] = {}
        for p in passages:
            if knowledge.retriever.collection_of(p.meta) == chosen.collection and p.doc not in seen:
                source = Source(p.path, p.meta.shown_title, p.meta.section, p.score, p.meta.url)
                seen[p.doc] = Closest(source.label, source.where)  # as the answer card cites it
        return chosen, list(seen.values())[:MAX_SOURCES]

    async def ask(self, turn: Turn) -> None:
        """Pass a question to the experts of the collection that came closest (once per question)."""
        inbound, t = turn.inbound, turn.t
        qid, _, message_id = turn.args.partition("|")
        row = await asyncio.to_thread(self.questions.get, qid)
        if row is None:
            await turn.reply(Text(t.gettext(cards.GONE)))
            return
        experts, closest = await asyncio.to_thread(self.closest, row.question, inbound)
        platform = inbound.conversation.platform
        channel = experts.channel(platform) if experts else None
        if experts is None or channel is None:
            await turn.reply(Text(t.gettext(cards.NO_EXPERTS)))
            return
        owners = experts.tags(platform)
        asked = Asked(qid, row.question, inbound.user, inbound.conversation, inbound.private, message_id or None,
                      turn.language)
        esc = await asyncio.to_thread(self.store.claim, asked, experts.collection, channel, datetime.now(UTC))
        if esc is None:
            await turn.reply(cards.already(t, experts.collection, owners))
            return
        port = self.port(platform, turn.port)
        link = None
        if message_id and inbound.conversation.kind != "dm" and isinstance(port, Permalinks):  # experts can't open DMs
            link = await port.permalink(inbound.conversation, message_id)
        card = cards.expert_post(self.t, row.question, inbound.user, link, closest, experts.collection, owners)
        ref = None
        try:
            ref = await port.post(Conversation(platform, channel, "channel"), card)
        except Exception as exc:
            log.warning("expert channel unreachable", extra={"error": type(exc).__name__})
        await asyncio.to_thread(self.store.posted, esc.id, ref.id if ref else None)
        await turn.reply(cards.asked(t, experts.collection, owners) if ref else Text(t.gettext(cards.UNREACHABLE)))

    async def middleware(self, inbound: Inbound, port: ChatPort, call_next: Dispatch) -> None:
        """A message in an escalation's thread is an expert answering: it goes to the asker, not to `ask`."""
        conv = inbound.conversation
        if inbound.kind in (InboundKind.MESSAGE, InboundKind.REPLY) and conv.thread and conv.kind != "dm":
            esc = await asyncio.to_thread(self.store.by_thread, conv.platform, conv.id, conv.thread)
            if esc is not None:
                await self.replied(esc, inbound, port)
                return
        await call_next(inbound, port)

    async def replied(self, esc: Escalation, inbound: Inbound, port: ChatPort) -> None:
        text = inbound.text.strip()
        if not text or not inbound.message_id:
            return
        reply = await asyncio.to_thread(self.store.add_reply, esc, inbound.message_id, inbound.user, text,
                                        datetime.now(UTC))
        if reply is None:
            return  # delivered twice: handled the first time
        base = self.port(esc.platform, port)
        asker = User(esc.platform, esc.asker_id, esc.asker_name)  # type: ignore[arg-type]
        told = cards.answered(translator(esc.language), asker, esc.question, text, inbound.user.name)
        await self.notify(base, esc, asker, told)
        thread = Conversation(esc.platform, esc.expert_channel, "channel", esc.expert_thread)  # type: ignore[arg-type]
        await base.post(thread, cards.passed_on(self.t, reply.id))

    async def notify(self, port: ChatPort, esc: Escalation, asker: User, out: Outbound) -> None:
        """Tell the asker where they asked: in their thread, or privately where they asked privately."""
        where = Conversation(esc.platform, esc.conversation, esc.kind, esc.thread, esc.team)  # type: ignore[arg-type]
        try:
            if esc.private:
                await port.reply(Inbound(InboundKind.COMMAND, where, asker, private=True), out)
            else:
                await port.post(where, out)
        except Exception as exc:
            log.warning("asker not notified", extra={"escalation": esc.id, "error": type(exc).__name__})
