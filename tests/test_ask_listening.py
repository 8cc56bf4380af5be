"""What the ask feature answers without being addressed: questions in auto-answer channels and follow-ups
in threads it answered, kept in the database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.ask.listening import AskListening, looks_like_question
from bot.ask.prompts import SuggestedPrompts
from bot.ask.threads import AnsweredThreads, AutoChannels
from bot.core.model import Conversation, Inbound, InboundKind, User
from bot.db.engine import Database

CHANNEL = Conversation("slack", "C1", "channel")


@pytest.mark.parametrize("text", [
    "How fast must we acknowledge a complaint?", "what is our NPS target", "Wie schnell rufen wir Kritiker an",
    "Gibt es eine Vorlage für Beschwerden?", "Does anyone know who owns the CSAT survey", "tell me about escalation",
    "Our NPS dropped, any idea why?", "Welche Quellen nutzen wir?",
])
def test_questions_are_recognised(text: str) -> None:
    assert looks_like_question(text)


@pytest.mark.parametrize("text", [
    "thanks!", "ok?", "Good morning everyone", "I'll be out of office tomorrow.", "lol", "see <https://x.y/z?a=1>",
    "Meeting moved to 3pm", "wie?", "`what is this?`", "",
])
def test_chatter_and_short_words_are_not_questions(text: str) -> None:
    assert not looks_like_question(text)


def message(text: str, thread: str | None, ts: str, conv: Conversation = CHANNEL) -> Inbound:
    return Inbound(InboundKind.MESSAGE, Conversation(conv.platform, conv.id, conv.kind, thread), User("slack", "U1"),
                   text=text, message_id=ts, unprompted=True)


async def test_follow_ups_in_answered_threads_and_questions_in_auto_channels_are_taken(db: Database) -> None:
    threads, auto = AnsweredThreads(db), AutoChannels(db)
    listening = AskListening(threads, auto, SuggestedPrompts(None, None))  # type: ignore[arg-type]
    question = "How fast must we acknowledge a complaint?"
    assert await listening.takes(message(question, "1.0", "1.0")) is None  # top-level, auto off
    assert await listening.takes(message(question, "1.0", "2.0")) is None  # thread never answered

    threads.remember(Conversation("slack", "C1", "channel", "1.0"))
    threads.remember(Conversation("slack", "C1", "channel", "1.0"))  # answered there again: still one row
    assert await listening.takes(message(question, "1.0", "2.0")) == "follow-up"
    assert await listening.takes(message("thanks!", "1.0", "3.0")) is None
    assert await listening.takes(message(question, "1.0", "2.0", Conversation("slack", "C2"))) is None

    assert auto.set(CHANNEL, True, "hash") is True and auto.set(CHANNEL, True, "hash") is False
    assert await listening.takes(message(question, "5.0", "5.0")) == "auto"
    assert await listening.takes(message(question, None, "6.0", Conversation("slack", "D1", "dm"))) is None
    assert auto.set(CHANNEL, False) is True and auto.set(CHANNEL, False) is False
    assert await listening.takes(message(question, "7.0", "7.0")) is None


def test_answered_threads_are_forgotten_after_their_ttl(db: Database) -> None:
    threads = AnsweredThreads(db, ttl=timedelta(days=30))
    conv = Conversation("slack", "C1", "channel", "1.0")
    threads.remember(conv)
    assert threads.known(conv)
    assert threads.purge(now=datetime.now(UTC) + timedelta(days=31)) == 1
    assert not threads.known(conv)
