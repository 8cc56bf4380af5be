"""Documents re-ranked by their answer units, for a question of several sentences also by its last one, and a
document in another language by the question's language gap where that is larger than retrieval's fixed bonus."""

from __future__ import annotations

from typing import cast

import numpy as np
import numpy.typing as npt

from bot.ask.service import AskService, Policy, last_sentence
from bot.search.chunks import ChunkMeta
from bot.search.retriever import Passage, Retriever, Tuning

SCENE = "I'm going on holiday for two weeks soon."
ASK = "What do I need to sort out so my open tickets are covered?"


class FakeEmbedder:
    """One fixed vector per text (a 1-d "vector" is enough: the fake retriever reads it as a key)."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def query(self, text: str) -> npt.NDArray[np.float32]:
        self.asked.append(text)
        return np.asarray([float(len(self.asked))], dtype=np.float32)


class FakeRetriever:
    """Each document's best unit similarity, per asked text."""

    def __init__(self, by_text: dict[str, dict[str, float]], levels: dict[str, float] | None = None) -> None:
        self.embedder = FakeEmbedder()
        self.by_text = by_text
        self.levels = levels or {}
        self.tuning = Tuning()

    def best_units(self, qvec: npt.NDArray[np.float32]) -> dict[str, float]:
        return self.by_text[self.embedder.asked[int(qvec[0]) - 1]]

    def language_levels(self, qvec: npt.NDArray[np.float32]) -> dict[str, float]:
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
    sims = {question: {"holidays.md": 0.88, "coverage.md": 0.86}, ASK: {"holidays.md": 0.80, "coverage.md": 0.90}}
    groups = [group("holidays.md", "en", 0.87), group("coverage.md", "en", 0.862)]
    # The whole question's best units favour the holiday page a little; its ask, the coverage page clearly.
    assert ranked(FakeRetriever(sims), question, groups) == ["coverage.md", "holidays.md"]
    assert ranked(FakeRetriever(sims), question, groups, ask_weight=0.0) == ["holidays.md", "coverage.md"]
    # A one-sentence question is embedded once, as before.
    fake = FakeRetriever({ASK: {"holidays.md": 0.80, "coverage.md": 0.90}})
    assert ranked(fake, ASK, groups) == ["coverage.md", "holidays.md"]
    assert fake.embedder.asked == [ASK]


def test_a_document_in_another_language_gets_the_questions_language_gap_where_it_exceeds_the_fixed_bonus() -> None:
    question = "Wie oft prüft das Support-Team den Notfallplan?"
    sims = {question: {"trend.txt": 0.86, "continuity.md": 0.85}}
    # The German trend article leads by 0.02 after retrieval's fixed bonus (0.03) for the English playbook.
    groups = [group("trend.txt", "de", 0.85), group("continuity.md", "en", 0.83)]
    # A gap of 0.02 (x3 = 0.06) lifts the playbook by 0.03 more: it now competes on what it says.
    wide = {"de": 0.80, "en": 0.78}
    assert ranked(FakeRetriever(sims, wide), question, groups) == ["continuity.md", "trend.txt"]
    assert ranked(FakeRetriever(sims, wide), question, groups, gap_weight=0.0) == ["trend.txt", "continuity.md"]
    # A small gap (0.005, x3 = 0.015) takes nothing off the fixed bonus.
    narrow = {"de": 0.785, "en": 0.78}
    assert ranked(FakeRetriever(sims, narrow), question, groups) == ["trend.txt", "continuity.md"]
