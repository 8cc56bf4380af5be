"""Answering a question: retrieve, decide whether the knowledge covers it, then answer with citations."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from bot.ask.answer import Answer, NoAnswer, Source
from bot.ask.extractive import compose
from bot.search.retriever import Passage, Retriever
from bot.text import detect_lang, stems

log = logging.getLogger(__name__)


class Writer(Protocol):
    """Writes an answer from numbered passages (the LLM path). Returns None to fall back to quoting;
    raises `NoAnswer` when the passages do not answer the question (the service then abstains)."""

    def write(self, question: str, passages: list[Passage], cites: list[int], lang: str) -> str | None: ...


@dataclass(frozen=True)
class Policy:
    max_sources: int = 3
    answer_passages: int = 4
    # The best passages' neighbouring chunks are read too: answers run on past chunk boundaries.
    widen_passages: int = 2
    # Below this cosine (e5-small) the best passage is about something else entirely.
    min_dense: float = 0.84
    # Across languages e5 similarities run lower (see the retriever's calibration), so is the floor.
    min_dense_xling: float = 0.80
    # Same-language questions whose rare words are nearly all missing from the best document
    # are about something the knowledge does not cover, unless the passage is a very close match.
    min_coverage: float = 0.12
    coverage_trusted_above: float = 0.87


NO_ANSWER = {
    "en": "I couldn't find an answer to that in our CX knowledge, so I won't guess. "
    "Please ask {contact}, or rephrase the question if you think it should be covered.",
    "de": "Dazu habe ich in unserem CX-Wissen keine Antwort gefunden und möchte nicht raten. "
    "Frag am besten {contact} – oder formuliere die Frage um, falls sie abgedeckt sein sollte.",
}
CONTACT_DE = "dein CX-Team oder die Verantwortlichen für das passende Playbook"


def rank_documents(passages: list[Passage]) -> list[list[Passage]]:
    """Group passages by document, documents ordered by their best passage."""
    groups: dict[str, list[Passage]] = {}
    for p in passages:
        groups.setdefault(p.doc, []).append(p)
    return sorted(groups.values(), key=lambda g: -g[0].score)


class AskService:
    def __init__(
        self, retriever: Retriever, *, writer: Writer | None = None, policy: Policy | None = None,
        contact: str = "your CX team", max_chars: int = 2000,
    ) -> None:
        self.retriever = retriever
        self.writer = writer
        self.policy = policy or Policy()
        self.contact = contact
        self.max_chars = max_chars
        self.last_features: dict[str, float] = {}

    def features(self, question: str, passages: list[Passage]) -> dict[str, float]:
        """Signals for deciding whether the knowledge covers the question."""
        if not passages:
            return {"dense": 0.0, "margin": 0.0, "coverage": 0.0, "xling": 0.0}
        top = passages[0]
        dense = sorted((p.dense for p in passages), reverse=True)
        tail = dense[5:20] or dense[-1:]
        q = [t for t in dict.fromkeys(stems(question))]
        doc_text = " ".join(p.text + " " + p.meta.title for p in passages[:12] if p.doc == top.doc)
        have = set(stems(doc_text))
        idf = self.retriever.idf
        total = sum(idf(t) for t in q) or 1.0
        coverage = sum(idf(t) for t in q if t in have) / total
        return {
            "dense": dense[0],
            "margin": dense[0] - sum(tail) / len(tail),
            "coverage": coverage,
            "xling": float(top.meta.lang != detect_lang(question)),
        }

    def covered(self, f: dict[str, float]) -> bool:
        p = self.policy
        if f["dense"] < (p.min_dense_xling if f["xling"] else p.min_dense):
            return False
        return not (not f["xling"] and f["coverage"] < p.min_coverage and f["dense"] < p.coverage_trusted_above)

    def _abstain(self, question: str, lang: str) -> Answer:
        contact = self.contact if lang == "en" else CONTACT_DE
        return Answer(question, NO_ANSWER[lang].format(contact=contact), False, [], lang)

    def answer(
        self, question: str, history: tuple[str, ...] = (), allowed: frozenset[str] | None = None,
    ) -> Answer:
        """Answer from the `allowed` collections only (default: the public ones)."""
        question = " ".join(question.split())[: self.max_chars]
        lang = detect_lang(question)
        query = question if not history else f"{history[-1][:500]} {question}"
        passages = self.retriever.search(query, allowed) if question else []
        self.last_features = self.features(question, passages)
        if not passages or not self.covered(self.last_features):
            return self._abstain(question, lang)
        docs = rank_documents(passages)[: self.policy.max_sources]
        sources = [
            Source(g[0].path, g[0].meta.title, g[0].meta.section, g[0].score, g[0].meta.url)
            for g in docs
        ]
        cite_of = {g[0].doc: n for n, g in enumerate(docs, 1)}
        chosen = [p for p in passages if p.doc in cite_of][: self.policy.answer_passages]
        cites = [cite_of[p.doc] for p in chosen]
        text = None
        if self.writer is not None:
            try:
                text = self.writer.write(question, chosen, cites, lang)
            except NoAnswer:
                return self._abstain(question, lang)
            except Exception as exc:  # the model is optional: quoting still answers
                log.warning("llm failed, answering extractively", extra={"error": type(exc).__name__})
        if not text:
            around = self.retriever.neighbours(chosen[: self.policy.widen_passages])
            langs = sorted({p.meta.lang for p in chosen})
            bridged = [w for lang in langs for w in self.retriever.bridge(question, lang)]
            text = compose(question, chosen, cites, around, bridged)
        return Answer(question, text, True, sources, lang)
