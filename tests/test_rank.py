"""Documents re-ranked by the document ranker (`bot.ask.docrank`, committed weights): for a question of several
sentences also by its last one, and a document in another language by the question's language gap where that
is larger than retrieval's fixed bonus."""

from __future__ import annotations

from typing import cast

import numpy as np
import numpy.typing as npt

from bot.ask import docrank
from bot.ask.service import AskService, Policy, last_sentence
from bot.search.chunks import ChunkMeta
from bot.search.retriever import DocUnits, Passage, Retriever, Tuning

SCENE = "I'm going on holiday for two weeks soon."
ASK = "What do I need to sort out so my open tickets are covered?"
Vec = npt.NDArray[np.float32]


class FakeEmbedder:
    """A fixed vector per text."""

    def __init__(self, vectors: dict[str, list[float]]) -> None:
        self.vectors = vectors
        self.asked: list[str] = []

    def query(self, text: str) -> Vec:
        self.asked.append(text)
        return np.asarray(self.vectors[text], dtype=np.float32)


class FakeRetriever:
    """Documents' answer units (2-d vectors), no chunk vectors, the question's language levels."""

    def __init__(
        self, vectors: dict[str, list[float]], units: dict[str, list[list[float]]] | None = None,
        levels: dict[str, float] | None = None,
    ) -> None:
        self.embedder = FakeEmbedder(vectors)
        self.units = units or {}
        self.levels = levels or {}
        self.tuning = Tuning()

    def doc_units(self, doc: str) -> DocUnits | None:
        if doc not in self.units:
            return None
        return DocUnits([], np.asarray(self.units[doc], dtype=np.float32), "en")

    def chunk_sims(self, doc: str, qvec: Vec) -> Vec | None:
        return None

    def unit_means(self) -> dict[str, Vec]:
        return {"en": np.zeros(2, dtype=np.float32)} if self.units else {}

    def language_levels(self, qvec: Vec) -> dict[str, float]:
        return self.levels


def group(doc: str, lang: str, score: float) -> list[Passage]:
    return [Passage(doc + "#0", "text", ChunkMeta(doc=doc, path=doc, lang=lang), score, 0.0, score)]


def ranked(fake: FakeRetriever, question: str, groups: list[list[Passage]], **policy: float) -> list[str]:
    service = AskService(cast(Retriever, fake), policy=Policy(**policy))
    return [g[0].doc for g in service.rank(question, groups)]


def test_the_last_sentence_of_a_question_of_several_is_its_ask() -> None:
    assert last_sentence(f"{SCENE} {ASK}") == ASK
    assert last_sentence(ASK) is None  # one sentence: the question is its own ask
    assert last_sentence("Ich bin z.B. am 16. März weg. Was muss ich vorher regeln?") == "Was muss ich vorher regeln?"
    assert last_sentence(f"{ASK} And how fast?") is None  # an elliptical tail is no ask of its own


def test_a_question_of_several_sentences_is_also_ranked_by_its_last_one() -> None:
    question = f"{SCENE} {ASK}"
    vectors = {question: [1.0, 0.0], ASK: [0.0, 1.0]}
    # Both pages' best units are as close to the whole question; the coverage page's, clearly closer to its ask.
    units = {"holidays.md": [[0.9, 0.1]], "coverage.md": [[0.9, 0.4]]}
    groups = [group("holidays.md", "en", 0.87), group("coverage.md", "en", 0.865)]
    fake = FakeRetriever(vectors, units)
    assert ranked(fake, question, groups) == ["coverage.md", "holidays.md"]
    assert fake.embedder.asked == [question, ASK]
    # A one-sentence question is embedded once, and its ask-signals are zero: retrieval's order stands.
    fake = FakeRetriever({ASK: [1.0, 0.0]}, units)
    assert ranked(fake, ASK, groups) == ["holidays.md", "coverage.md"]
    assert fake.embedder.asked == [ASK]


def test_a_document_in_another_language_gets_the_questions_language_gap_where_it_exceeds_the_fixed_bonus() -> None:
    question = "Wie oft prüft das Support-Team den Notfallplan?"
    vectors = {question: [1.0, 0.0]}
    # Retrieval rates the German trend article and the English playbook alike (after its fixed bonus).
    groups = [group("trend.txt", "de", 0.85), group("continuity.md", "en", 0.85)]
    # A gap of 0.03 (x3 = 0.09) adds 0.06 to the playbook's bonus: it comes first.
    wide = {"de": 0.80, "en": 0.77}
    assert ranked(FakeRetriever(vectors, levels=wide), question, groups) == ["continuity.md", "trend.txt"]
    assert ranked(FakeRetriever(vectors, levels=wide), question, groups, gap_weight=0.0) == ["trend.txt", "continuity.md"]
    # A small gap (0.005, x3 = 0.015) adds nothing to the fixed bonus.
    narrow = {"de": 0.785, "en": 0.78}
    assert ranked(FakeRetriever(vectors, levels=narrow), question, groups) == ["trend.txt", "continuity.md"]


def test_every_feature_has_a_weight_and_a_document_without_units_is_ranked_on_the_rest() -> None:
    one, multi = docrank.weights()
    assert one.shape == multi.shape == (len(docrank.FEATURES),)
    assert all(one[docrank.FEATURES.index(f)] == 0.0 for f in docrank.ASKED)  # zero for one sentence anyway
    fake = FakeRetriever({ASK: [1.0, 0.0]})
    groups = [group("a.md", "en", 0.87), group("b.md", "en", 0.80)]
    assert ranked(fake, ASK, groups) == ["a.md", "b.md"]
