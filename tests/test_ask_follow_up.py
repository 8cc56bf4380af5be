"""Follow-ups: a question that does not stand on its own is searched with the one asked before it."""

from __future__ import annotations

from bot.core.model import Exchange
from bot.knowledge import Knowledge
from bot.settings import Settings

EARLIER = Exchange("How fast must we acknowledge a customer complaint?", "Within four business hours.")


def test_a_new_question_in_the_thread_is_answered_as_if_asked_alone(sample_index: Settings) -> None:
    ask = Knowledge(sample_index).ask
    question = "How soon are NPS detractors called back personally?"
    followed = ask.answer(question, history=(EARLIER,))
    assert followed.answered and followed.text == ask.answer(question).text


def test_a_follow_up_that_does_not_stand_alone_borrows_the_earlier_question(sample_index: Settings) -> None:
    ask = Knowledge(sample_index).ask
    vague = "and how fast exactly?"
    alone = ask.answer(vague)
    followed = ask.answer(vague, history=(EARLIER,))
    assert alone.sources[0].path.endswith("kundenfeedback-leitfaden.md")  # on its own: something else first
    assert followed.answered and followed.sources[0].path.endswith("complaint-handling-playbook.md")
    assert followed.text.startswith("Acknowledge") or "four business hours" in followed.text.split(".")[0]
