"""Which unaddressed messages the ask feature answers (`bot.core.listen.Listening`).

- A **follow-up**: a reply in a thread the bot answered in (`AnsweredThreads`).
- In an **auto-answer channel** (`AutoChannels`): a top-level message.

Either way the message must look like a question (`looks_like_question`), so "thanks!" or "ok, done"
never reach the knowledge, and the answer is given only when the knowledge covers it (`Inbound.unprompted`).
"""

from __future__ import annotations

import asyncio
import re

from bot.ask.prompts import SuggestedPrompts
from bot.ask.threads import AnsweredThreads, AutoChannels
from bot.core.listen import Prompt, Reason
from bot.core.model import Inbound, Readers

MIN_CHARS = 10
MIN_WORDS = 3
# Words a question starts with (English and German), and polite request openers.
QUESTION_WORDS = frozenset({
    "what", "whats", "what's", "which", "who", "whom", "whose", "when", "where", "why", "how", "is",
    "are", "was", "were", "am", "do", "does", "did", "can", "could", "should", "would", "will",
    "shall", "may", "might", "must", "has", "have", "had", "isn't", "aren't", "doesn't", "don't",
    "didn't", "can't", "won't", "anyone", "anybody", "any", "wer", "wen", "wem", "wessen", "wann",
    "wo", "woher", "wohin", "warum", "weshalb", "wieso", "wie", "welche", "welcher", "welches",
    "welchen", "ist", "sind", "war", "waren", "hat", "haben", "gibt", "kann", "können", "könnte",
    "sollte", "sollen", "soll", "muss", "müssen", "darf", "dürfen", "weiß", "wisst", "weißt", "habt",
    "hast", "gibts",
})
REQUESTS = ("please explain", "please tell", "tell me", "explain", "erklär", "erkläre", "sag mir", "weiß jemand",
            "does anyone know", "i'm looking for", "i am looking for", "ich suche", "kannst du", "können sie")
_WORD = re.compile(r"[\w'’]+", re.UNICODE)


def looks_like_question(text: str) -> bool:
    """A question worth answering: ends with "?" or opens with a question word or a request, and is
    not too short (at least 3 words and 10 characters). Links, code and mentions do not count as words."""
    plain = re.sub(r"<[^>]*>|`[^`]*`", " ", text).strip()
    words = _WORD.findall(plain.lower())
    if len(words) < MIN_WORDS or len(plain) < MIN_CHARS:
        return False
    if plain.rstrip().endswith(("?", "？")):
        return True
    lead = plain.lower().lstrip("*_>• -")
    return words[0].replace("’", "'") in QUESTION_WORDS or lead.startswith(REQUESTS)


class AskListening:
    """The ask feature's answer to `Services.listening`."""

    def __init__(self, threads: AnsweredThreads, auto: AutoChannels, prompts: SuggestedPrompts) -> None:
        self.threads = threads
        self.auto = auto
        self.suggested = prompts

    async def takes(self, inbound: Inbound) -> Reason | None:
        conv = inbound.conversation
        if conv.kind == "dm" or not looks_like_question(inbound.text):
            return None
        if conv.thread and conv.thread != inbound.message_id:
            return "follow-up" if await asyncio.to_thread(self.threads.known, conv) else None
        return "auto" if await asyncio.to_thread(self.auto.enabled, conv) else None

    async def prompts(self, readers: Readers, language: str, limit: int = 4) -> list[Prompt]:
        return await asyncio.to_thread(self.suggested.pick, readers, language, limit)
