"""What an answer is, whatever produced it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath

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

    @property
    def label(self) -> str:
        """What a citation calls the source: its title › section."""
        return self.title + (f" › {self.section}" if self.section else "")

    @property
    def where(self) -> str:
        """Where a reader opens it: its link, else its path in the knowledge folder."""
        return self.url or shown_path(self.path)


def shown_path(path: str) -> str:
    """A document's path as citations show it: relative to its knowledge folder, as the index names it.
    An absolute path or one that climbs out of its folder ('../…') is shown by its file name alone:
    chat never shows where files live on the server."""
    parts = PurePosixPath(path.replace("\\", "/")).parts
    if not parts or parts[0] == "/" or ".." in parts or (parts[0].endswith(":") and len(parts[0]) == 2):
        return parts[-1] if parts else path
    return "/".join(p for p in parts if p != ".")


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
