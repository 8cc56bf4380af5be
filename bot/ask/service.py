"""Answering a question: retrieve, decide whether the knowledge covers it, then answer with citations."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from bot.ask import abstain, asks, docrank
from bot.ask.answer import Answer, NoAnswer, Source, abstention
from bot.ask.answertype import Wants, wants
from bot.ask.chooser import DocInput, Scored, from_chunks, score
from bot.ask.extractive import compose
from bot.core.model import Exchange
from bot.i18n import translator
from bot.search.retriever import DocUnits, Passage, Retriever
from bot.text import detect_lang, sentences, stems

log = logging.getLogger(__name__)


class Writer(Protocol):
    """Writes an answer from numbered passages (the LLM path). Returns None to fall back to quoting;
    raises `NoAnswer` when the passages do not answer the question (the service then abstains)."""

    def write(self, question: str, passages: list[Passage], cites: list[int], lang: str) -> str | None: ...


@dataclass(frozen=True)
class Policy:
    max_sources: int = 3
    answer_passages: int = 4
    # Answer units are chosen from the best passages of the cited documents (and their neighbours).
    unit_passages: int = 5
    # The best passages' neighbouring chunks are read too: answers run on past chunk boundaries.
    widen_passages: int = 2
    # Below this cosine (e5-small) the best passage is about something else entirely.
    min_dense: float = 0.84
    # Across languages e5 similarities run lower (see the retriever's calibration), so is the floor.
    min_dense_xling: float = 0.80
    # Same-language questions whose rare words are nearly all missing from the best document
    # are about something the knowledge does not cover, unless the passage is a very close match.
    min_coverage: float = 0.06
    coverage_trusted_above: float = 0.87
    # The first this many retrieved documents are re-ordered by the document ranker (`bot.ask.docrank`).
    rerank_docs: int = 25
    # e5 rates a question closer to everything written in its own language, by more for some questions than
    # others. Retrieval gives each chunk in another language a fixed `Tuning.cross_lang_bonus` (0.03); a
    # re-ranked document in another language gets instead this weight times the question's language gap (its
    # mean similarity to the index's words of its own language less that to the words of the document's,
    # `Lexicon.levels`), where that is larger. 0 keeps the fixed bonus. The gap averages 0.009-0.010 for
    # English questions, 0.012-0.013 for German ones. Without the floor (the gap alone, 2 to 6) a small gap
    # let same-language documents past the other language's answer (dev facts -0.03).
    gap_weight: float = 3.0


# A follow-up of this many words or fewer leans on the question before it ("und wie schnell?").
ELLIPTICAL_WORDS = 4


def last_sentence(question: str) -> str | None:
    """The last sentence of a question of several, when it is more than an elliptical follow-up; else None."""
    parts = sentences(question)
    if len(parts) < 2 or len(parts[-1].split()) <= ELLIPTICAL_WORDS:
        return None
    return parts[-1]


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

    def features(self, question: str, passages: list[Passage], read_as: str | None = None) -> dict[str, float]:
        """Signals for deciding whether the knowledge covers the question (`read_as`: what it was searched as,
        a follow-up with the question before it; its words are those the index may not know)."""
        if not passages:
            return {"dense": 0.0, "margin": 0.0, "coverage": 0.0, "xling": 0.0, "unknown": 0.0, "above_floor": 0.0}
        top = passages[0]
        dense = sorted((p.dense for p in passages), reverse=True)
        tail = dense[5:20] or dense[-1:]
        q = [t for t in dict.fromkeys(stems(question))]
        doc_text = " ".join(p.text + " " + p.meta.title for p in passages[:12] if p.doc == top.doc)
        have = set(stems(doc_text))
        idf = self.retriever.idf
        total = sum(idf(t) for t in q) or 1.0
        coverage = sum(idf(t) for t in q if t in have) / total
        xling = top.meta.lang != detect_lang(question)
        return {
            "dense": dense[0],
            "margin": dense[0] - sum(tail) / len(tail),
            "coverage": coverage,
            "xling": float(xling),
            "unknown": self.unknown(read_as or question),
            "above_floor": dense[0] - (self.policy.min_dense_xling if xling else self.policy.min_dense),
        }

    def unknown(self, question: str) -> float:
        """The share of the question's words (idf-weighted) that the index has never seen, in any language
        (`Retriever.unknown`): a question about sushi or risotto is made of words the knowledge never uses,
        while its e5 similarity to some chunk can be as high as a cross-lingual question's."""
        seen = self.retriever.unknown(question)
        idf = self.retriever.idf
        weight = {w: min((idf(t) for t in stems(w)), default=0.0) for w in seen}
        total = sum(weight.values())
        return sum(weight[w] for w, unseen in seen.items() if unseen) / total if total else 0.0

    def covered(self, f: dict[str, float]) -> bool:
        p = self.policy
        if f["dense"] < (p.min_dense_xling if f["xling"] else p.min_dense):
            return False
        return not (not f["xling"] and f["coverage"] < p.min_coverage and f["dense"] < p.coverage_trusted_above)

    def _abstain(self, question: str, lang: str, reason: str = "no_answer", sources: list[Source] | None = None) -> Answer:
        """An abstention in the question's language (chat re-words it in the asker's: `abstention`)."""
        text = abstention(reason, translator(lang), self.contact)
        return Answer(question, text, False, sources or [], lang, reason)

    def answer(
        self, question: str, history: tuple[Exchange, ...] = (), allowed: frozenset[str] | None = None,
    ) -> Answer:
        """Answer from the `allowed` collections only (default: the public ones).

        A follow-up (`history`: the thread's earlier exchanges) that is short ("and how fast?") or that the
        knowledge does not cover on its own is searched together with the question asked before it; a
        full question in the same thread is searched as asked.
        """
        return self.explained(question, history, allowed)[0]

    def explained(
        self, question: str, history: tuple[Exchange, ...] = (), allowed: frozenset[str] | None = None,
    ) -> tuple[Answer, dict[str, float]]:
        """`answer`, with the signals it decided on (benchmarks read them; each call has its own)."""
        question = " ".join(question.split())[: self.max_chars]
        lang = detect_lang(question)
        passages = self.retriever.search(question, allowed) if question else []
        f = self.features(question, passages)
        read_as = question  # what the detail asked for is read from: a follow-up with the question before it
        if history and question and (len(question.split()) <= ELLIPTICAL_WORDS or not self.covered(f)):
            read_as = f"{history[-1].asked[:500]} {question}"
            passages = self.retriever.search(read_as, allowed)
            f = self.features(question, passages, read_as)
        if not passages or not self.covered(f):
            return self._abstain(question, lang), f
        docs = self.rank(read_as, rank_documents(passages))[: self.policy.max_sources]
        sources = [
            Source(g[0].path, g[0].meta.shown_title, g[0].meta.section, g[0].score, g[0].meta.url)
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
                return self._abstain(question, lang), f
            except Exception as exc:  # the model is optional: quoting still answers
                log.warning("llm failed, answering extractively", extra={"error": type(exc).__name__})
        if not text:
            want = wants(question)
            scored = self.units_scored(read_as, docs, want)
            f.update(abstain.features(read_as, scored, want, self.retriever.idf("\x00"), f))
            if abstain.declines(f):
                # "This topic is covered, not that detail" only where a detail asked for is missing; declined
                # on the topic signals alone (a recipe, the weather), the knowledge does not cover it at all.
                if f["detail_miss"]:
                    return self._abstain(question, lang, "no_detail", sources[:2]), f
                return self._abstain(question, lang), f
            text = compose(scored, want)
        return Answer(question, text, True, sources, lang), f

    def rank(self, question: str, groups: list[list[Passage]]) -> list[list[Passage]]:
        """The first `Policy.rerank_docs` documents re-ordered by the document ranker (`bot.ask.docrank`):
        their best chunk, best answer units (also for the last sentence of a question of several, where the
        ask usually is), keyword evidence and the question's language gap, weighted together."""
        n = self.policy.rerank_docs
        if len(groups) < 2 or not n:
            return groups
        head = groups[:n]
        signals = self.signals(question, head)
        x = docrank.features(head, signals)
        return docrank.order(head, docrank.scores(x, signals.multi, docrank.weights())) + groups[n:]

    def signals(self, question: str, groups: list[list[Passage]]) -> docrank.Signals:
        """What the document ranker reads besides the passages (`docrank.Signals`)."""
        r = self.retriever
        embed = r.embedder.query
        qvec = np.asarray(embed(question), dtype=np.float32)
        ask = last_sentence(question)
        askvec = np.asarray(embed(ask), dtype=np.float32) if ask else None

        def units(doc: str) -> tuple[npt.NDArray[np.float32], str] | None:
            got = r.doc_units(doc)
            if got is None or got.vectors.shape[1] != qvec.shape[0] or not len(got.vectors):
                return None
            return got.vectors, got.lang

        qlang = detect_lang(question)
        return docrank.Signals(
            qlang, qvec, askvec, units, r.chunk_sims, r.unit_means(),
            self._gap_bonus(qlang, qvec, groups), r.tuning.keyword_floor,
        )

    def _gap_bonus(self, qlang: str, qvec: npt.NDArray[np.float32], groups: list[list[Passage]]) -> dict[str, float]:
        """Per document in another language, what `Policy.gap_weight` times the question's language gap adds
        to retrieval's fixed bonus (none where the gap is smaller, or a language has no indexed words)."""
        gw = self.policy.gap_weight
        levels = self.retriever.language_levels(qvec) if gw else {}
        if qlang not in levels:
            return {}
        bonus = self.retriever.tuning.cross_lang_bonus
        return {g[0].doc: max(0.0, gw * (levels[qlang] - levels[g[0].meta.lang]) - bonus)
                for g in groups if g[0].meta.lang != qlang and g[0].meta.lang in levels}

    def units_scored(self, question: str, docs: list[list[Passage]], want: Wants) -> Scored:
        """The answer units of the cited documents that retrieval located, scored (best first).

        Candidates are the units inside the best passages of the cited documents (and the chunks next to
        the two best, where an answer runs on), as retrieval located them; the whole document is not read.
        """
        cited = {g[0].doc for g in docs}
        ranked = sorted((p for g in docs for p in g), key=lambda p: -p.score)
        top = ranked[: self.policy.unit_passages]
        near = self.retriever.neighbours(top[: self.policy.widen_passages])
        low = min((p.score for p in top), default=0.0) - 0.05
        located: dict[str, list[tuple[str, float]]] = {d: [] for d in cited}
        for p in [*top, *(g[0] for g in docs)]:
            if (p.text, p.score) not in located[p.doc]:
                located[p.doc].append((p.text, p.score))
        for p in near:
            if p.doc in located:
                located[p.doc].append((p.text, low))
        inputs: list[DocInput] = []
        bridged: dict[str, list[str]] = {}
        for rank, group in enumerate(docs):
            top_doc = group[0].doc
            indexed = self.retriever.doc_units(top_doc)
            if indexed is None:
                units = from_chunks(self.retriever.document_chunks(top_doc))
                indexed = DocUnits(units, np.zeros((len(units), 0), dtype=np.float32), group[0].meta.lang)
            if indexed.lang not in bridged:
                bridged[indexed.lang] = self.retriever.bridge(question, indexed.lang)
            inputs.append(DocInput(rank + 1, top_doc, indexed.lang, indexed.units, indexed.vectors,
                                   located[top_doc], rank, indexed.terms, indexed.context_terms,
                                   group[0].meta.title))
        embedder = self.retriever.embedder

        def embed(text: str) -> npt.NDArray[np.float32]:
            return np.asarray(embedder.query(text), dtype=np.float32)

        scored = score(question, embed(question), inputs, bridged, self.retriever.idf, want, embed)
        qlang = detect_lang(question)
        for ask in asks.split(question)[1:]:  # a question of several asks: each later one scored on its own too
            if not asks.specific(ask):
                continue
            ask_bridged = {lang: [] if lang == qlang else self.retriever.lexicon.bridge(ask, lang) for lang in bridged}
            scored.asks.append(score(ask, embed(ask), inputs, ask_bridged, self.retriever.idf, wants(ask), embed))
        return scored
