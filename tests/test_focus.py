"""The question's focus: what it asks once the words that name its document are set aside."""

from __future__ import annotations

import numpy as np

from bot.ask.answertype import wants
from bot.ask.chooser import FEATURES, DocInput, focus, score, terms
from bot.ingest.units import units

ARTICLE = [
    ("CEX-Trendradar 2023", "Der CEX-Trendradar 2023 zeigt acht Trends. "
     "Das ist eines der Ergebnisse des CEX-Trendradars 2023 des IFZ in Zug. "
     "Governance entwickelt sich laut Trendradar am langsamsten. "
     "Der Trendradar nennt Multiexperience als wichtigsten Trend."),
]


def test_words_the_document_repeats_or_its_title_names_are_set_aside() -> None:
    cut = units(ARTICLE)
    question = "Which topic develops most slowly according to the CEX Trendradar 2023?"
    got = focus(question, [terms(u.text) for u in cut], "CEX-Trendradar 2023")
    assert "Trendradar" not in got and "2023?" not in got and "CEX" not in got
    assert got.startswith("Which topic develops most slowly")


def test_a_question_made_only_of_such_words_is_kept_as_asked() -> None:
    cut = units(ARTICLE)
    assert focus("CEX Trendradar 2023", [terms(u.text) for u in cut], "CEX-Trendradar 2023") == "CEX Trendradar 2023"


def test_rare_words_stay_even_when_three_units_are_few() -> None:
    cut = units([("Notes", "Refunds take five days. Invoices are monthly.")])
    assert focus("How long do refunds take?", [terms(u.text) for u in cut]) == "How long do refunds take?"


def test_units_are_compared_with_the_focus_embedded_once() -> None:
    cut = units(ARTICLE)
    dim = 4
    axis = np.eye(dim, dtype=np.float32)
    vectors = np.stack([axis[2] if "Governance" in u.text else axis[0] for u in cut])
    asked: list[str] = []

    def embed(text: str) -> np.ndarray:
        asked.append(text)
        return axis[2]

    question = "Which topic develops most slowly according to the CEX Trendradar 2023?"
    doc = DocInput(1, "radar.txt", "de", cut, vectors, [], 0, title="CEX-Trendradar 2023")
    scored = score(question, axis[0], [doc], {}, lambda _t: 1.0, wants(question), embed)
    assert len(asked) == 1 and "Trendradar" not in asked[0]
    i = FEATURES.index("sem_focus")
    by_text = {c.unit.text: c.x for c in scored.ranked}
    gov = next(x for t, x in by_text.items() if "Governance" in t)
    other = next(x for t, x in by_text.items() if "Multiexperience" in t)
    assert gov[i] == 1.0 and other[i] == 0.0  # the question as asked (axis 0) would say the opposite
    assert gov[FEATURES.index("sem")] == 0.0 and other[FEATURES.index("sem")] == 1.0
    assert gov[i + 1] == 0.0 and other[i + 1] == -0.1  # relative to the best unit (0 when not similar)


def test_no_second_embedding_when_nothing_is_set_aside() -> None:
    cut = units([("Notes", "Refunds take five days. Invoices are monthly.")])
    vectors = np.ones((len(cut), 4), dtype=np.float32) / 2
    asked: list[str] = []

    def embed(text: str) -> np.ndarray:
        asked.append(text)
        return np.ones(4, dtype=np.float32) / 2

    q = "How long do refunds take?"
    score(q, np.ones(4, dtype=np.float32) / 2, [DocInput(1, "n.txt", "en", cut, vectors, [], 0)],
          {}, lambda _t: 1.0, wants(q), embed)
    assert asked == []


def test_the_thing_asked_for_stays_though_the_document_repeats_it() -> None:
    cut = units([("Personas", "Personas help teams. Personas are drawn from interviews. "
                  "A persona has a name. Personas need updates. Teams share personas.")])
    question = "Which personas does the article on Personas describe?"
    got = focus(question, [terms(u.text) for u in cut], "Personas")
    assert got.startswith("Which personas")



def test_the_phrase_naming_the_source_is_set_aside_in_english_and_german() -> None:
    cut = units([("Notes", "Refunds take five days. Invoices are monthly.")])
    ts = [terms(u.text) for u in cut]
    cases = {
        "According to the 2023 CEX Trendradar article, what kind of journey do buyers expect?":
            ", what kind of journey do buyers expect?",
        "Which points matter in multiexperience concepts, according to the Pegasystems study?":
            "Which points matter in multiexperience concepts, ?",
        "In the blog post about the Hamburg survey, what kind of cooperation is called for?":
            ", what kind of cooperation is called for?",
        "The 2023 Trendradar article says companies are split. Which departments does it name?":
            "companies are split. Which departments does it name?",
        "Warum ist es laut dem Artikel zur Pegasystems-Studie problematisch, wenn die IT führt?":
            "Warum ist es problematisch, wenn die IT führt?",
        "Welche Eigenschaften haben laut „Willkommen in der CX-Organisation“ die Personen?":
            "Welche Eigenschaften haben die Personen?",
        "Wer spricht im Artikel zur Pegasystems-Studie für Pegasystems?": "Wer spricht für Pegasystems?",
    }
    for question, expected in cases.items():
        assert focus(question, ts) == expected, question


def test_ordinary_prepositions_are_not_taken_for_a_source() -> None:
    cut = units([("Notes", "Refunds take five days. Invoices are monthly.")])
    ts = [terms(u.text) for u in cut]
    for question in ("Welche Arbeit bekommt im Support die Priorität p3?",
                     "Wie viele Tickets hat das Support-Team im letzten Geschäftsjahr bearbeitet?",
                     "What should we write in the ticket when a customer asks for a refund?"):
        assert focus(question, ts) == question


def test_a_unit_like_the_rest_of_its_document_is_marked_generic() -> None:
    cut = units([("Radar", "Der Trendradar 2023 zeigt Trends. Das ist ein Ergebnis des Trendradars 2023. "
                  "Der Trendradar fasst vieles zusammen. Echtzeit-IT ist nötig. Der Radar ordnet alles ein.")])
    dim = 4
    axis = np.eye(dim, dtype=np.float32)
    generic = (axis[0] + 0.2 * axis[1]) / np.linalg.norm(axis[0] + 0.2 * axis[1])
    vectors = np.stack([axis[3] if "Echtzeit" in u.text else generic for u in cut]).astype(np.float32)
    q = "Was ist nötig?"
    doc = DocInput(1, "radar.txt", "de", cut, vectors, [], 0)
    scored = score(q, axis[0], [doc], {}, lambda _t: 1.0, wants(q))
    by_text = {c.unit.text: c.x for c in scored.ranked}
    hub, lead = FEATURES.index("hub"), FEATURES.index("lead_sim")
    specific = next(x for t, x in by_text.items() if "Echtzeit" in t)
    summary = next(x for t, x in by_text.items() if "fasst" in t)
    first = next(x for t, x in by_text.items() if "zeigt" in t)
    # its nearest units are mostly alike it (3 of the 4 others); the specific one is like none of them
    assert summary[hub] > 0.7 and abs(specific[hub]) < 1e-6
    assert first[lead] > 0.99 and summary[lead] > 0.99 and abs(specific[lead]) < 1e-6


def test_without_unit_vectors_the_generic_signals_are_zero() -> None:
    cut = units([("Notes", "Refunds take five days. Invoices are monthly.")])
    q = "How long do refunds take?"
    doc = DocInput(1, "n.txt", "en", cut, np.zeros((len(cut), 0), dtype=np.float32), [], 0)
    scored = score(q, np.ones(4, dtype=np.float32) / 2, [doc], {}, lambda _t: 1.0, wants(q))
    assert scored.ranked and all(c.x[FEATURES.index("hub")] == 0.0 for c in scored.ranked)
    assert all(c.x[FEATURES.index("lead_sim")] == 0.0 for c in scored.ranked)
