"""The cross-language word bridge: built at ingest, kept in step with the index, used by answers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.ask.answertype import wants
from bot.ask.chooser import DocInput, from_chunks, score
from bot.ask.service import AskService, Policy
from bot.embed.e5 import E5Embedder
from bot.knowledge import Knowledge
from bot.search.lexicon import Lexicon, vocabulary
from bot.search.store import KnowledgeStore
from bot.settings import Settings

GERMAN = ["mitglied", "vertrag", "rechnung", "kunde", "urlaub"]
ENGLISH = ["member", "contract", "invoice", "customer", "url", "rule"]


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    e5 = E5Embedder(threads=1)
    words = GERMAN + ENGLISH
    return Lexicon([f"de:{w}" for w in GERMAN] + [f"en:{w}" for w in ENGLISH], e5.words(words), e5.words)


def test_a_word_is_bridged_to_its_translation_only_when_the_match_is_close(lexicon: Lexicon) -> None:
    assert lexicon.bridge("How often does each member meet?", "de") == ["mitglied"]
    assert "contract" in lexicon.bridge("Wie lange gilt der Vertrag?", "en")
    # "Urlaub" looks like "url" but means something else: no match is better than that one.
    assert "url" not in lexicon.bridge("Urlaub", "en")
    # Words the target language has itself need no translation.
    assert lexicon.bridge("customer member", "en") == []
    assert lexicon.bridge("anything", "fr") == []


def test_vocabulary_keeps_content_words_per_language_most_widespread_first() -> None:
    texts = ["Der Vertrag gilt 12 Monate.", "Der Vertrag endet.", "The contract ends at 5pm.", "A contract follow-up."]
    langs = ["de", "de", "en", "en"]
    assert vocabulary(texts, langs, limit=1) == {"de:vertrag", "en:contract"}
    everything = vocabulary(texts, langs)
    assert "en:follow-up" in everything and "de:monate" in everything
    assert not {"de:12", "en:5pm", "de:der", "en:the", "en:at"} & everything


def test_ingest_keeps_the_bridge_in_step_with_the_index(settings: Settings, tmp_path: Path) -> None:
    docs = tmp_path / "kb"
    docs.mkdir()
    (docs / "vertrag.md").write_text("# Verträge\n\nJedes Mitglied unterschreibt den Vertrag vor dem Start.\n")
    (docs / "invoice.md").write_text("# Invoices\n\nEvery invoice is sent on the first working day.\n")
    Knowledge(settings).indexer().run([docs])
    store = Knowledge(settings).store
    assert {"de:mitglied", "de:vertrag", "en:invoice"} <= store.word_ids()

    again = Knowledge(settings)
    again.indexer().run([docs])
    assert again.embedder.computed == 0  # type: ignore[attr-defined]

    (docs / "vertrag.md").unlink()
    Knowledge(settings).indexer().run([docs])
    words = store.word_ids()
    assert "en:invoice" in words and not any(w.startswith("de:") for w in words)

    # An index built before the bridge existed gets it on the next ingest, and readers see a new version.
    store.client.delete_collection(f"{settings.collection}-words")
    before = store.version()
    Knowledge(settings).indexer().run([docs])
    assert "en:invoice" in Knowledge(settings).store.word_ids()
    assert store.version() != before


def test_a_run_killed_before_the_bridge_was_written_is_completed_by_the_next(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    docs = tmp_path / "kb"
    docs.mkdir()
    (docs / "invoice.md").write_text("# Invoices\n\nEvery invoice is sent on the first working day.\n")
    Knowledge(settings).indexer().run([docs])
    (docs / "refund.md").write_text("# Refunds\n\nEvery refund is paid within ten days.\n")

    def killed(*_args: object) -> None:
        raise KeyboardInterrupt  # the chunks are written, the bridge is not
    monkeypatch.setattr(KnowledgeStore, "put_words", killed)
    with pytest.raises(KeyboardInterrupt):
        Knowledge(settings).indexer().run([docs])
    monkeypatch.undo()
    store = Knowledge(settings).store
    assert "en:refund" not in store.word_ids()
    before = store.version()

    again = Knowledge(settings).indexer().run([docs])

    assert again.unchanged == 2 and again.added == 0  # nothing left to index but the bridge
    assert "en:refund" in store.word_ids()
    assert store.version() != before  # readers reload what the killed run wrote


LONG_GERMAN = "\n\n".join(
    [
        "# Leitfaden für neue Teams",
        "Dieser Leitfaden beschreibt die Zusammenarbeit im Team und mit anderen Bereichen.",
        "Die Begrüßung neuer Kolleginnen und Kollegen übernimmt die Teamleitung persönlich.",
        "Die Dokumentation liegt im gemeinsamen Wiki und wird jede Woche gepflegt.",
        "Besprechungen beginnen pünktlich und enden mit einer kurzen Zusammenfassung.",
        "Rückfragen aus anderen Bereichen beantwortet das Team innerhalb eines Arbeitstages.",
        "Neue Werkzeuge werden zuerst in einer kleinen Gruppe erprobt und dann eingeführt.",
        "Die Urlaubsplanung wird im Kalender des Teams eingetragen und abgestimmt.",
        "Feedback zur Zusammenarbeit sammeln wir regelmäßig in einer anonymen Umfrage.",
        "Jedes Mitglied unterschreibt den Vertrag zur Vertraulichkeit vor dem ersten Kundentermin.",
    ]
)


def test_an_english_question_gets_the_german_sentence_that_answers_it(settings: Settings, tmp_path: Path) -> None:
    docs = tmp_path / "kb"
    docs.mkdir()
    (docs / "leitfaden.md").write_text(LONG_GERMAN, encoding="utf-8")
    Knowledge(settings).indexer().run([docs])
    question = "When does every member sign the contract?"
    # The single small document is not a close enough match for the coverage floor: that is not under test.
    open_policy = Policy(min_dense=0.0, min_dense_xling=0.0)
    bridged = Knowledge(settings)
    answer = AskService(bridged.retriever, policy=open_policy).answer(question)
    assert answer.answered
    assert "Vertrag zur Vertraulichkeit" in answer.text



def test_bridged_words_choose_the_sentence_that_no_question_word_matches(lexicon: Lexicon) -> None:
    question = "When does every member sign the contract?"
    cut = from_chunks([("", LONG_GERMAN)])
    doc = DocInput(1, "leitfaden.md", "de", cut, np.zeros((len(cut), 0), dtype=np.float32), [], 0)
    bridged = lexicon.bridge(question, "de")
    assert "mitglied" in bridged

    def place(words: list[str]) -> int:
        scored = score(question, None, [doc], {"de": words}, lambda _t: 1.0, wants(question))
        return next(i for i, c in enumerate(scored.ranked) if "Vertrag zur Vertraulichkeit" in c.unit.text)

    assert place(bridged) < place([])


def test_question_words_are_never_written_to_disk(settings: Settings, tmp_path: Path) -> None:
    docs = tmp_path / "kb"
    docs.mkdir()
    (docs / "vertrag.md").write_text("# Verträge\n\nJedes Mitglied unterschreibt den Vertrag vor dem Start.\n")
    k = Knowledge(settings)
    k.indexer().run([docs])
    cache = k.embedder._db  # type: ignore[attr-defined]
    before = cache.execute("SELECT count(*) FROM emb").fetchone()[0]
    k.ask.answer("Does the zorblaxian quindle contract cover every member?")
    assert "zorblaxian" in k.retriever.lexicon._asked  # it was embedded, in memory
    assert cache.execute("SELECT count(*) FROM emb").fetchone()[0] == before


def test_everyday_words_are_not_taken_for_words_off_the_knowledges_topic() -> None:
    from bot.search.lexicon import everyday

    assert everyday("fast") and everyday("tomorrow") and everyday("zwei")
    assert not everyday("risotto") and not everyday("photosynthesis") and not everyday("urlaubsantrag")
