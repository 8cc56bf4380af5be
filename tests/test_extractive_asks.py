"""Questions that ask two things: split into their asks, and an answer that holds a unit for each."""

from __future__ import annotations

import numpy as np
import pytest

from bot.ask import asks
from bot.ask.answertype import wants
from bot.ask.chooser import DocInput, Scored, score
from bot.ask.extractive import ASK_SLACK, MAX_WORDS, compose
from bot.ingest.units import units


@pytest.mark.parametrize(("question", "expected"), [
    ("Who facilitates CS collaboration time, and do support engineers have to attend?",
     ["Who facilitates CS collaboration time?", "do support engineers have to attend?"]),
    ("How long does an escalation engineer rotation last, and roughly how many software engineers are on it?",
     ["How long does an escalation engineer rotation last?", "roughly how many software engineers are on it?"]),
    ("Within how many days should CE complete a complex trial, and within how many most standard trials?",
     ["Within how many days should CE complete a complex trial?", "within how many most standard trials?"]),
    ("Wo melde ich eine Product Gap für einen Scaled-Success-Account, und wie lange bleibt das Ticket offen?",
     ["Wo melde ich eine Product Gap für einen Scaled-Success-Account?", "wie lange bleibt das Ticket offen?"]),
    ("Mir wächst die Warteschlange über den Kopf. Wem sage ich Bescheid und wo poste ich das?",
     ["Mir wächst die Warteschlange über den Kopf. Wem sage ich Bescheid?", "wo poste ich das?"]),
])
def test_a_question_of_two_asks_is_split_at_their_coordination(question: str, expected: list[str]) -> None:
    assert asks.split(question) == expected


@pytest.mark.parametrize("question", [
    "How fast must we acknowledge a customer complaint?",
    "Which two companies set the standards for data availability and delivery times?",
    "What does the support team share every Monday and every Friday?",
    "In welcher Halle und in welcher Stadt trifft man den Blogautor?",  # two question words, one verb
    "Who approves refunds and why?",  # an elliptical second ask
    "Do we refund annual plans?",
])
def test_a_question_of_one_ask_is_not_split(question: str) -> None:
    assert asks.split(question) == []


def test_a_later_ask_that_leans_on_the_first_is_not_specific() -> None:
    assert asks.specific("who picks the calls engineers should attend?")
    assert asks.specific("do support engineers have to attend?")
    assert not asks.specific("in what share of them?")
    assert not asks.specific("ab welchem Zeitpunkt?")


ROTATION = """# Call shadowing

## Rotation

Each rotation is one week long and may consist of several calls. By limiting it to one week we ensure that
all engineers get to undertake at least one rotation in one calendar year. Rotations are planned in the
shared sheet that lists every engineer of the rotation and the calls of each week. The rotation sheet also
keeps the notes that engineers write after each call of their rotation week. Engineers of the rotation
join the calls from their own calendar.

## Calls

The account executive identifies calls they would like engineers to attend and adds them to the sheet.
"""


def _scored(question: str, doc: DocInput) -> Scored:
    scored = score(question, None, [doc], {}, lambda _t: 1.0, wants(question))
    for ask in asks.split(question)[1:]:
        scored.asks.append(score(ask, None, [doc], {}, lambda _t: 1.0, wants(ask)))
    return scored


def _doc(text: str) -> DocInput:
    cut = units([("", text)])
    return DocInput(1, "rotation.md", "en", cut, np.zeros((len(cut), 0), dtype=np.float32), [], 0)


def test_each_ask_gets_its_unit_and_the_first_line_stays() -> None:
    question = "How long does one call shadowing rotation last, and who picks the calls engineers should attend?"
    doc = _doc(ROTATION)
    alone = _scored(question, doc)
    asked = Scored(alone.ranked, alone.docs, alone.qweights)  # the same candidates, without the asks
    before, after = compose(asked, wants(question)), compose(alone, wants(question))
    assert before.splitlines()[0] == after.splitlines()[0]
    assert "one week" in after.splitlines()[0]
    assert "account executive identifies calls" in after
    assert len(after.split()) <= MAX_WORDS + ASK_SLACK + 4  # + citation marks


def test_a_question_of_one_ask_is_answered_as_before() -> None:
    question = "How long does one call shadowing rotation last?"
    scored = _scored(question, _doc(ROTATION))
    assert scored.asks == []
    assert "one week" in compose(scored, wants(question)).splitlines()[0]


HEALTH = """# Health score

## Score

The health score is calculated from the following standard categories:

| Category | Weight |
|---|---|
| Pulse | 5% |
| Tech status | 15% |
| Relationships | 25% |

The full summary of the survey is published under this address:

https://example.org/survey-summary

## Other

Scores are refreshed every hour.
"""


def test_a_colon_sentence_brings_the_table_it_introduces() -> None:
    question = "How is the health score calculated?"
    lines = compose(_scored(question, _doc(HEALTH)), wants(question)).splitlines()
    assert lines[0].startswith("The health score is calculated from the following standard categories:")
    assert [line.split(" · ")[0] for line in lines[1:4]] == [
        "- Category: Pulse", "- Category: Tech status", "- Category: Relationships"]
    assert "Weight: 25%" in lines[3]


def test_a_colon_sentence_without_a_list_brings_the_line_it_announces() -> None:
    question = "Where is the full summary of the survey published?"
    first = compose(_scored(question, _doc(HEALTH)), wants(question)).splitlines()[0]
    assert first.startswith("The full summary of the survey is published under this address: https://example.org/survey-summary")


def test_a_list_question_answered_by_a_table_row_gets_the_whole_table() -> None:
    question = "Which two categories weigh the least?"
    lines = compose(_scored(question, _doc(HEALTH)), wants(question)).splitlines()
    rows = [line for line in lines if "Weight:" in line]
    assert len(rows) == 3 and "Pulse" in rows[0] and "Relationships" in rows[2]


def test_across_a_section_break_the_announced_line_is_the_new_sections_title() -> None:
    cut = units([("Survey", "Our survey found three weak points:"),
                 ("Poor alignment of IT and business", "Projects are led by IT departments.")])
    doc = DocInput(1, "survey.md", "en", cut, np.zeros((len(cut), 0), dtype=np.float32), [], 0)
    question = "Which weak points did our survey find?"
    first = compose(_scored(question, doc), wants(question)).splitlines()[0]
    assert first.startswith("Our survey found three weak points: Poor alignment of IT and business — Projects are led")
