"""Documents re-ranked by their answer units, for a question of several sentences also by its last one."""

from __future__ import annotations

from typing import cast

import numpy as np
import numpy.typing as npt

from bot.ask.service import AskService, Policy, last_sentence
from bot.search.chunks import ChunkMeta
from bot.search.retriever import Passage, Retriever

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

    def __init__(self, by_text: dict[str, dict[str, float]]) -> None:
        self.embedder = FakeEmbedder()
        self.by_text = by_text

    def best_units(self, qvec: npt.NDArray[np.float32]) -> dict[str, float]:
        return self.by_text[self.embedder.asked[int(qvec[0]) - 1]]


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
