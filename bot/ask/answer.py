"""What an answer is, whatever produced it."""

from __future__ import annotations

from dataclasses import dataclass, field


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
