"""Answer cards in the neutral model; adapters render them as Block Kit or Adaptive Cards."""

from __future__ import annotations

from dataclasses import replace
from pathlib import PurePosixPath

from bot.ask.answer import Answer
from bot.core.model import Actions, Button, Card, Context, Section, Text, User

FEEDBACK_UP = "feedback:up"
FEEDBACK_DOWN = "feedback:down"
SHARE = "share"


def file_name(path: str) -> str:
    """A document's file name without its folders: chat never shows where files live on the server."""
    return PurePosixPath(path.replace("\\", "/")).name


def source_lines(answer: Answer) -> str:
    lines = []
    for n, s in enumerate(answer.sources, 1):
        label = s.title + (f" › {s.section}" if s.section else "")
        lines.append(f"[{n}] [{label}]({s.url})" if s.url else f"[{n}] {label} — {file_name(s.path)}")
    return "\n".join(lines)


def answer_card(answer: Answer, qid: str, *, shareable: bool = False) -> Card:
    blocks: list[Section | Context | Actions] = [Section(answer.text)]
    if answer.sources:
        blocks.append(Context(("Quellen:\n" if answer.lang == "de" else "Sources:\n") + source_lines(answer)))
    buttons = [
        Button("👍 Helpful", FEEDBACK_UP, qid),
        Button("👎 Not helpful", FEEDBACK_DOWN, qid),
    ]
    if shareable:
        buttons.append(Button("Share in channel", SHARE, qid, style="primary"))
    blocks.append(Actions(tuple(buttons)))
    fallback = answer.text + ("\n" + source_lines(answer) if answer.sources else "")
    return Card(title="", blocks=tuple(blocks), fallback=fallback, meta={"question_id": qid})


def shared_card(answer: Answer, qid: str, by: User) -> Card:
    """A private answer as posted for everyone: who shared it, then the card without the share button."""
    card = answer_card(answer, qid)
    return replace(card, blocks=(Context("shared an answer from cxbot", by=by), *card.blocks))


def feedback_thanks(positive: bool) -> Text:
    return Text("Thanks, glad it helped! 👍" if positive else "Thanks, noted — we'll use this to improve the playbooks. 👎")


GONE = Text("That answer is no longer available to share. Please ask again with `/cx`.")
UNAVAILABLE = Text("The knowledge base is temporarily unavailable. Please try again in a few minutes.")
