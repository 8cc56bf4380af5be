"""What an answer is, whatever produced it."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.i18n import N_, Translator

# Abstentions: the bot's own words, so in the reader's language (`{contact}`: CXBOT_ASK_CONTACT).
NO_ANSWER = N_("I couldn't find an answer to that in our CX knowledge, so I won't guess. "
               "Please ask {contact}, or rephrase the question if you think it should be covered.")
NO_DETAIL = N_("Our CX knowledge covers this topic, but I couldn't find that detail in it, so I won't guess. "
               "The closest source is listed below; for the detail itself, please ask {contact}.")
ABSTENTIONS = {"no_answer": NO_ANSWER, "no_detail": NO_DETAIL}


def abstention(reason: str, t: Translator, contact: str) -> str:
    """Why the bot does not answer, in `t`'s language (the default contact is translated too)."""
    return t.gettext(ABSTENTIONS[reason]).format(contact=t.gettext(contact))


@dataclass(frozen=True)
class Source:
    path: str
    title: str
    section: str
    score: float
    url: str = ""


@dataclass
class Answer:
    question: str
    text: str
    answered: bool
    sources: list[Source] = field(default_factory=list)
    lang: str = "en"
    reason: str = ""  # why it abstained: a key of ABSTENTIONS ("no_answer", "no_detail"); "" when answered

    def as_json(self) -> dict[str, object]:
        return {
            "answer": self.text,
            "answered": self.answered,
            "sources": [_source_json(s) for s in self.sources],
        }


def _source_json(s: Source) -> dict[str, object]:
    """A source as `ask --json` prints it; `url` only where the document has one (a synced page)."""
    out: dict[str, object] = {"path": s.path, "title": s.title, "section": s.section, "score": round(s.score, 4)}
    if s.url:
        out["url"] = s.url
    return out


class NoAnswer(Exception):
    """A reader (the LLM) found no answer in the passages: the bot abstains instead of quoting."""
