"""Near misses without an LLM: the detail asked for has to be in the sentences cxbot would quote."""

from __future__ import annotations

from bot.ask import abstain
from bot.ask.detail import AMOUNT, COUNT, DATE, FIGURE, NAME, PERSON, SHARE, asked, holds
from bot.knowledge import Knowledge
from bot.settings import Settings


def test_the_kind_of_detail_a_question_asks_for() -> None:
    assert asked("What CSAT score does the team set as its target?") == COUNT
    assert asked("How many customers does each advisor look after?") == COUNT
    assert asked("Wie viele Unternehmen wurden befragt?") == COUNT
    assert asked("What is the daily rate for an engagement?") == SHARE
    assert asked("Wie hoch ist die Antwortrate von E-Mail-Kampagnen?") == SHARE
    assert asked("What licence discount do non-profits get?") == AMOUNT
    assert asked("Was kostet das Training pro Teilnehmer?") == AMOUNT
    assert asked("In welchem Jahr wurde das Institut gegründet?") == DATE
    assert asked("In which version was the survey introduced?") == DATE
    assert asked("How long does the rotation last?") == FIGURE
    assert asked("Who moderated the panel?") == PERSON
    assert asked("Which external consultancy does the team hire?") == NAME
    # "demonstrate" is no rate; a why or how question asks for no detail
    assert asked("What do the lighthouse projects demonstrate?") is None
    assert asked("Why should support and sales talk before a renewal?") is None


def test_the_detail_has_to_be_of_the_kind_asked_for() -> None:
    q = "How much does the premium support package cost?"
    assert holds(AMOUNT, "The premium package costs $4,000 per year.", q)
    assert not holds(AMOUNT, "The premium package is renewed every 12 months.", q)
    q = "How many employees does the vendor have?"
    assert holds(COUNT, "The vendor employs about 6,000 people.", q)
    assert not holds(COUNT, "The vendor's employees work in weekly shifts.", q)
    q = "Within how many days are card refunds paid back?"  # counts in words, every one of them
    assert holds(COUNT, "Refunds are paid back within fourteen days.", q)
    assert holds(COUNT, "Erstattungen kommen binnen siebzehn Tagen.", q)
    assert holds(COUNT, "It takes sixty days at most.", q)
    assert holds(SHARE, "Churn fell to 4 % last year.", "What is the churn rate?")
    assert not holds(SHARE, "Churn is reviewed every 3 months.", "What is the churn rate?")
    assert holds(FIGURE, "Business reviews are held bi-annually.", "How often are business reviews held?")


def test_what_the_question_already_says_is_no_answer() -> None:
    q = "How many companies took part in the 2020 Global Customer Experience Study?"
    assert not holds(COUNT, "This is a result of the 2020 Global Customer Experience Study.", q)
    assert holds(COUNT, "In the 2020 study 6,000 companies took part.", q)
    # a year, a time of day and a day of the month are not counts
    assert not holds(COUNT, "The panel on 16. März ran from 17.00 in 2016.", "How many people came?")
    q = "Who moderated the panel with Harald Henn?"
    assert not holds(PERSON, "The panel with Harald Henn was lively.", q)
    assert holds(PERSON, "Nils Hafner moderated the panel with Harald Henn.", q)


def test_the_combiner_declines_a_missing_detail_and_answers_a_present_one() -> None:
    on_topic = {"doc_cov": 0.6, "best_kw": 0.4}
    assert abstain.declines({**on_topic, "detail_miss": 1.0})
    assert not abstain.declines({**on_topic, "detail_miss": 0.0})
    # the detail is missing, but the best sentences hold nearly all of the question: answer
    assert not abstain.declines({"doc_cov": 1.0, "best_kw": 0.95, "detail_miss": 0.0})


def test_a_figure_the_playbook_only_names_is_declined_with_the_closest_source(sample_index: Settings) -> None:
    ask = Knowledge(sample_index).ask
    # the playbook says the share of reopened complaints is tracked, but gives no figure
    answer = ask.answer("What share of complaints is reopened within 30 days?")
    assert not answer.answered and answer.reason == "no_detail"
    assert "couldn't find that detail" in answer.text
    assert answer.sources and answer.sources[0].path.endswith("complaint-handling-playbook.md")
    # the figure it does give is answered
    answer = ask.answer("How quickly must a complaint be acknowledged?")
    assert answer.answered and "four business hours" in answer.text
