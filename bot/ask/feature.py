"""The ask feature: questions from any platform answered from the knowledge base, feedback stored."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Literal

from bot.ask.answer import Answer
from bot.ask.auto import AutoCommand
from bot.ask.cards import (
    FEEDBACK_DOWN,
    FEEDBACK_UP,
    SHARE,
    UNAVAILABLE,
    AnswerExtras,
    Extras,
    answer_card,
    feedback_thanks,
    gone,
    shared_card,
)
from bot.ask.exchanges import KEEP, ThreadHistory
from bot.ask.listening import AskListening
from bot.ask.prompts import SuggestedPrompts
from bot.ask.shareable import ShareableAnswers
from bot.ask.store import QuestionLog
from bot.ask.threads import AnsweredThreads, AutoChannels
from bot.core.model import Block, Button, Card, Conversation, Inbound, MessageRef, Outbound, Text
from bot.core.observe import Observers
from bot.core.port import ChatPort
from bot.core.privacy import hash_user
from bot.core.router import Turn
from bot.i18n import N_
from bot.ops import metrics
from bot.trust.audience import allowed_for
from bot.trust.limits import RATE_LIMITED, over_rate_limit

if TYPE_CHECKING:
    from bot.app import Services

log = logging.getLogger(__name__)

PURGE_SECONDS = 3600.0
# i18n: shown while cxbot looks for an answer (a Teams informative update in personal chats)
SEARCHING = N_("Searching the knowledge…")


@dataclass(frozen=True)
class Answered:
    """One question put to the knowledge: how long answering took (None when it failed before the
    knowledge was asked), and what came of it."""

    seconds: float | None
    outcome: Literal["answered", "abstained", "unavailable"]


class AskFeature:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.log = QuestionLog(services.db)
        self.shareable = ShareableAnswers(services.db)
        self.threads = AnsweredThreads(services.db)  # where a reply without a mention is a follow-up
        self.auto = AutoChannels(services.db)
        # what was asked and answered in each thread, for follow-ups there (every platform)
        self.history = ThreadHistory(services.db, keep=min(KEEP, timedelta(days=services.settings.question_retention_days)))
        self.answered: Observers[Answered] = Observers()  # operations counts and times answers here
        self.extras: list[AnswerExtras] = []  # other features' notes and buttons on answer cards

    def extras_for(self, answer: Answer, qid: str, inbound: Inbound | None) -> Extras:
        """Every contributed note and button; a failing contribution is logged and left out."""
        notes: list[Block] = []
        buttons: list[Button] = []
        for extra in self.extras:
            try:
                got = extra(answer, qid, inbound)
            except Exception:
                log.exception("answer card extra failed")
                continue
            notes.extend(got.notes)
            buttons.extend(got.buttons)
        return Extras(tuple(notes), tuple(buttons))

    async def ask(self, turn: Turn) -> None:
        """Ask the knowledge base a question (or just write it)."""
        question = turn.args.strip()
        inbound = turn.inbound
        if inbound.unprompted:  # nobody asked the bot: an answer or silence, never an error or a refusal
            turn = replace(turn, port=_Silent(turn.port))
        if not question:
            await turn.reply(Text(turn.t.gettext("What would you like to know? Write your question after `ask`.")))
            return
        settings = self.services.settings
        if len(question) > settings.max_question_chars:
            await turn.reply(Text(turn.t.gettext(
                "That question is too long; please keep it under {n} characters."
            ).format(n=turn.t.number(settings.max_question_chars))))
            return
        user_hash = hash_user(settings.hash_key.get_secret_value(), inbound.user.platform, inbound.user.id)
        if await asyncio.to_thread(over_rate_limit, self.services.db, settings, user_hash):
            await turn.reply(Text(turn.t.gettext(RATE_LIMITED)))
            return
        await turn.progress(turn.t.gettext(SEARCHING))
        started: float | None = None
        try:
            history = await asyncio.to_thread(self.history.history, inbound.conversation) or inbound.history
            knowledge = self.services.knowledge
            allowed = allowed_for(knowledge.collections, inbound)
            started = time.perf_counter()
            answer = await asyncio.to_thread(knowledge.answers.answer, question, history, allowed)
        except Exception:
            log.exception("knowledge unavailable")
            seconds = time.perf_counter() - started if started is not None else None
            self.answered.notify(Answered(seconds, "unavailable"))
            await turn.reply(Text(turn.t.gettext(UNAVAILABLE)))
            return
        self.answered.notify(Answered(time.perf_counter() - started, "answered" if answer.answered else "abstained"))
        qid = await asyncio.to_thread(
            self.log.record,
            platform=inbound.conversation.platform,
            conversation=inbound.conversation.key(),
            user_hash=user_hash,
            question=question,
            answered=answer.answered,
            top_source=answer.sources[0].path if answer.sources else None,
        )
        if inbound.private:  # the asker may share it later: keep what they saw
            await asyncio.to_thread(self.shareable.save, qid, inbound.conversation, inbound.user.id, answer)
        if inbound.unprompted and not answer.answered:
            return
        conv = inbound.conversation
        # kept before the answer is posted: a follow-up can arrive as soon as the asker sees it
        if conv.thread and conv.kind != "dm" and not inbound.private:
            await asyncio.to_thread(self.threads.remember, conv)
        if conv.thread and not inbound.private:  # a follow-up in this thread carries this exchange
            await asyncio.to_thread(self.history.remember, conv, user_hash, question, answer.text)
        extras = await asyncio.to_thread(self.extras_for, answer, qid, inbound)
        await turn.reply(answer_card(answer, qid, shareable=inbound.private, extras=extras, t=turn.t,
                                     contact=settings.ask_contact))

    async def share(self, turn: Turn) -> None:
        """Post a private answer for everyone where it was asked, as the asker saw it."""
        kept = await asyncio.to_thread(self.shareable.get, turn.args)
        if kept is None:
            await turn.reply(gone(turn.t, turn.inbound))
            return
        extras = await asyncio.to_thread(self.extras_for, kept.answer, turn.args, None)
        await turn.port.post(kept.conversation, shared_card(
            kept.answer, turn.args, turn.inbound.user, extras, t=turn.t, contact=self.services.settings.ask_contact))

    async def purge(self) -> None:
        await asyncio.to_thread(self.shareable.purge)
        await asyncio.to_thread(self.threads.purge)
        await asyncio.to_thread(self.history.purge)

    async def feedback(self, turn: Turn) -> None:
        positive = turn.inbound.action == FEEDBACK_UP
        if turn.inbound.action not in (FEEDBACK_UP, FEEDBACK_DOWN):
            return
        stored = await asyncio.to_thread(self.log.feedback, turn.args, 1 if positive else -1)
        if stored:
            metrics.feedback(positive)
            await turn.reply(feedback_thanks(positive, turn.t))


def register(services: Services) -> AskFeature:
    feature = AskFeature(services)
    services.router.add_command("ask", feature.ask, usage=N_("ask <question>"),
                                summary=N_("Ask the knowledge base a question (or just write it)."))
    services.router.fallback = feature.ask
    services.router.add_action("feedback", feature.feedback)
    services.router.add_action(SHARE, feature.share)
    services.router.add_command("auto", AutoCommand(services.settings, feature.auto).run, usage=N_("auto on|off"),
                                summary=N_("Answer every question in this channel without a mention (CX evangelists)."))
    services.listening = AskListening(feature.threads, feature.auto,
                                      SuggestedPrompts(feature.log, services.knowledge))
    services.scheduler.every(PURGE_SECONDS, "ask-shareable-purge", feature.purge)
    return feature


class _Silent:
    """A port for unprompted questions: only answer cards get through (no refusals, limits or errors)."""

    def __init__(self, port: ChatPort) -> None:
        self.port = port

    async def reply(self, to: Inbound, out: Outbound) -> MessageRef | None:
        return await self.port.reply(to, out) if isinstance(out, Card) else None

    async def post(self, conversation: Conversation, out: Outbound) -> MessageRef | None:
        return await self.port.post(conversation, out)

    async def update(self, ref: MessageRef, out: Outbound) -> None:
        await self.port.update(ref, out)
