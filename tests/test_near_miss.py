"""Near misses without an LLM: the detail asked for has to be in the sentences cxbot would quote."""

from __future__ import annotations

from bot.ask import abstain
from bot.ask.detail import AMOUNT, COUNT, DATE, FIGURE, NAME, PERSON, PLACE, SECTOR, SHARE, asked, holds
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


def test_kinds_of_detail_beyond_figures_and_names() -> None:
    assert asked("In which countries are the customers based?") == PLACE
    assert asked("In welchen Ländern wurden die Unternehmen befragt?") == PLACE
    assert asked("Which regions do the two engineers cover?") == PLACE
    assert asked("Welche Branche bietet die beste Customer Experience?") == SECTOR
    # "rate" as a verb asks for no share
    assert asked("Which industry does the study rate as the most advanced?") == SECTOR
    assert asked("What is the deadline for signing the renewal?") == FIGURE
    q = "In which countries are the customers based?"
    assert holds(PLACE, "Most customers are in Germany and Switzerland.", q)
    assert holds(PLACE, "They cover AMER and EMEA hours as a pair.", q)
    assert not holds(PLACE, "Customers are onboarded by the Digital Success team in weekly calls.", q)
    assert not holds(PLACE, "Our team is located in several geographies around the world.", q)
    q = "Welche Branche bietet die beste Customer Experience?"
    assert holds(SECTOR, "Die Finanzbranche liegt vorn, vor den Versicherungen.", q)
    assert holds(SECTOR, "The retail industry leads the ranking.", q)
    # a mention of industries in general names none
    assert not holds(SECTOR, "Das gilt in vielen der systematisch beobachteten Branchen.", q)


def test_a_count_counts_things() -> None:
    q = "Wie viele Unternehmen haben an der Studie teilgenommen?"
    # a German article, a percentage, an amount and the label of a thing are no counts
    assert not holds(COUNT, "Dies ist ein Ergebnis der Studie.", q)
    assert not holds(COUNT, "So setzen 37 Prozent auf Customer Journey Mapping.", q)
    assert not holds(COUNT, "Churn above $150,000 ARR is reviewed.", q)
    assert not holds(COUNT, "Wir sind in Halle 4 am Stand.", q)
    assert not holds(COUNT, "Article #1 (Structure continues to each article)", q)
    assert not holds(COUNT, "Die Messe läuft vom 14.–18. März.", q)
    assert holds(COUNT, "An der Studie nahmen 6000 Unternehmen teil.", q)
    assert holds(COUNT, "Wir haben 8 wesentliche Faktoren identifiziert.", q)
    # a number in words after a German noun is no label ("Halle 4" is one)
    assert holds(COUNT, "Die Studie identifiziert in deutschen Unternehmen vier zentrale Schwachstellen.", q)
    # "one of" counts nothing
    assert not holds(COUNT, "Our knowledge base is one of Support's most powerful tools.", "How many articles are there?")
    # asked how many things, a span of time is no count of them; asked how many days, it is
    q = "How many tickets did the support team handle last year?"
    assert not holds(COUNT, "Defect tickets: the number of defect tickets in the last 90 days.", q)
    assert holds(COUNT, "The team handled 12,000 tickets.", q)
    assert holds(COUNT, "Refunds are paid within 90 days.", "Within how many days are refunds paid?")
    assert holds(COUNT, "Zwei Personen haben je 3 - 4 Stunden Dienst.", "Wie viele Personen haben Dienst?")


def test_a_name_is_a_proper_name_or_a_role() -> None:
    q = "Who moderated the panel?"
    # German nouns are capitalised: a compound of common words is no name, nor a hyphenated phrase
    assert not holds(PERSON, "Ich bin in der Paneldiskussion und halte den Impulsvortrag.", q, "de")
    assert not holds(PERSON, "Das ist ein Ergebnis des Instituts für Finanzdienstleistungen.", q, "de")
    assert not holds(PERSON, "Please cross-reference the ticket with the pre-sales notes.", q, "en")
    assert holds(PERSON, "Moderiert hat Janina Reitschmied.", q, "de")
    # asked who, a role answers
    q = "Who must be notified immediately for S2 incidents?"
    assert holds(PERSON, "For all S2 incidents and above, the Security Lead must immediately be notified.", q)
    assert holds(PERSON, "For all S2 incidents and above, the Legal team must immediately be notified.", q)
    assert holds(PERSON, "The email is sent to the Program Contact, Instance Admin, and Champion of an account.",
                 "Who receives the check-in email?")
    assert holds(NAME, "Owner: Currently, the Code Search team owns responding to this feedback.",
                 "Which team answers the feedback?", "en")
    assert holds(NAME, "The messenger is always a member of support.",
                 "During an incident, which team does the messenger come from?", "en")
    # ... but not which tool
    assert not holds(NAME, "Owner: CS team owns support tickets in Zendesk.",
                     "Which ticket system did the support team use before Zendesk?", "en")
    # a slack channel is a name
    assert holds(NAME, "Alerts go to alerts-customer-usage-team.", "Which channel gets the alerts?")


def test_a_percentage_is_no_price_and_a_name_is_no_role() -> None:
    # asked for a percentage, an amount does not answer (a rate may still be one: "the daily rate")
    q = "What discount percentage do Strategic customers get?"
    assert not holds(SHARE, "Discounting available: Enterprise above $100k, Strategic yes.", q)
    assert holds(SHARE, "Strategic customers get 15 % off.", q)
    assert holds(SHARE, "Strategic customers get a third off.", q)
    assert holds(SHARE, "The daily rate is $2,400.", "What is the daily rate for an engagement?")
    # asked for the name of someone, or who wrote something: a person's name answers, not a role or an acronym
    q = "What is the name of the TA manager who changes the account assignment?"
    assert not holds(PERSON, "Inform the TA manager, who will make the assignment changes.", q, "en")
    assert not holds(PERSON, "TA leadership assigns a TA to the Salesforce account record.", q, "en")
    assert holds(PERSON, "Our TA manager, Pamela Fuller, makes the changes.", q, "en")
    q = "Who wrote the article about the CX organisation?"
    assert not holds(PERSON, "Ein Ansatz ist Customer Experience Management (CEM), ein Managementansatz.", q, "de")
    assert holds(PERSON, "Dieser Meinung ist Springer-Autor Holger von Seherr-Thoß.", q, "de")
    # asked who in general, a role still answers
    assert holds(PERSON, "Inform the TA manager, who will make the assignment changes.",
                 "Who changes the account assignment?", "en")


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


def test_the_combiner_declines_a_question_made_of_words_the_knowledge_never_uses() -> None:
    off_topic = {"doc_cov": 0.0, "best_kw": 0.0, "detail_miss": 0.0, "above_floor": 0.01}
    assert abstain.declines({**off_topic, "unknown": 0.9})
    # words the index knows, well above the floor: answered
    assert not abstain.declines({**off_topic, "unknown": 0.0, "above_floor": 0.06})


def test_words_the_index_has_never_seen(sample_index: Settings) -> None:
    ask = Knowledge(sample_index).ask
    question = "How do I cook a creamy risotto?"
    ask.answer(question)
    assert ask.unknown(question) > 0.5
    question = "What share of complaints is reopened within 30 days?"
    ask.answer(question)
    assert ask.unknown(question) < 0.2
    answer = ask.answer("How do I cook a creamy risotto?")
    assert not answer.answered and answer.reason == "no_answer" and not answer.sources
