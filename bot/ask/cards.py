"""Answer cards in the neutral model; adapters render them as Block Kit or Adaptive Cards."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from bot.ask.answer import Answer, abstention
from bot.core.model import Actions, Block, Button, Card, Context, Inbound, Section, Text, User
from bot.i18n import N_, Translator, translator

FEEDBACK_UP = "feedback:up"
FEEDBACK_DOWN = "feedback:down"
SHARE = "share"


def source_lines(answer: Answer) -> str:
    """One line per source: its title › section, linked where it has a URL, else with its path in the
    knowledge folder (`Source.where`)."""
    lines = []
    for n, s in enumerate(answer.sources, 1):
        lines.append(f"[{n}] [{s.label}]({s.url})" if s.url else f"[{n}] {s.label} — {s.where}")
    return "\n".join(lines)


@dataclass(frozen=True)
class Extras:
    """What other features add to an answer card: notes under the sources, buttons after feedback."""

    notes: tuple[Block, ...] = ()
    buttons: tuple[Button, ...] = ()


# A feature's contribution to the card of one answer (question id, the inbound it answers or None).
AnswerExtras = Callable[[Answer, str, Inbound | None], Extras]


def answer_card(answer: Answer, qid: str, *, shareable: bool = False, extras: Extras = Extras(),
                t: Translator | None = None, contact: str = "") -> Card:
    """The answer with its sources and buttons, the bot's words in `t`'s language (default English).

    The answer's own text (quoted knowledge) stays as it is; an abstention is the bot's own words, so it
    is re-worded in `t`'s language (with `contact`, CXBOT_ASK_CONTACT).
    """
    t = t or translator()
    text = abstention(answer.reason, t, contact) if answer.reason and contact else answer.text
    blocks: list[Block] = [Section(text)]
    if answer.sources:
        blocks.append(Context(t.gettext("Sources:") + "\n" + source_lines(answer)))
    blocks.extend(extras.notes)
    buttons = [
        Button(t.gettext("👍 Helpful"), FEEDBACK_UP, qid),
        Button(t.gettext("👎 Not helpful"), FEEDBACK_DOWN, qid),
    ]
    if shareable:
        buttons.append(Button(t.gettext("Share in channel"), SHARE, qid, style="primary"))
    buttons.extend(extras.buttons)
    blocks.append(Actions(tuple(buttons)))
    fallback = text + ("\n" + source_lines(answer) if answer.sources else "")
    return Card(title="", blocks=tuple(blocks), fallback=fallback, meta={"question_id": qid})


def shared_card(answer: Answer, qid: str, by: User, extras: Extras = Extras(), t: Translator | None = None,
                contact: str = "") -> Card:
    """A private answer as posted for everyone: who shared it, then the card without the share button."""
    t = t or translator()
    card = answer_card(answer, qid, extras=extras, t=t, contact=contact)
    return replace(card, blocks=(Context(t.gettext("shared an answer from cxbot"), by=by), *card.blocks))


def feedback_thanks(positive: bool, t: Translator | None = None) -> Text:
    t = t or translator()
    return Text(t.gettext("Thanks, glad it helped! 👍") if positive
                else t.gettext("Thanks, noted — we'll use this to improve the playbooks. 👎"))


def gone(t: Translator, to: Inbound) -> Text:
    """A shared answer that was not kept: ask again, the way one asks on this platform."""
    command = to.command(t.gettext("ask <question>"))
    return Text(t.gettext("That answer is no longer available to share. Please ask again: `{command}`.")
                .format(command=command))


UNAVAILABLE = N_("The knowledge base is temporarily unavailable. Please try again in a few minutes.")
