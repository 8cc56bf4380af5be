"""What the expert feature says, in the neutral model."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.model import Actions, Block, Button, Card, Context, Mention, Mentions, Section, Text, User

ASK = "expert:ask"
SAVE = "expert:save"


@dataclass(frozen=True)
class Closest:
    """A source that came close to the question: its title (and section) and a link or file name."""

    title: str
    where: str


def quote(text: str) -> str:
    return "\n".join(f"> {line}" for line in text.splitlines() if line.strip()) or "> …"


def ask_button(qid: str, message_id: str | None) -> Button:
    return Button("Ask an expert", ASK, f"{qid}|{message_id or ''}")


def expert_post(question: str, asker: User, link: str | None, closest: list[Closest], collection: str,
                owners: tuple[Mention, ...]) -> Card:
    """The question as posted in the expert channel: question, asker and link, closest sources, owners tagged."""
    where = f"in [this conversation]({link})" if link else "in a private conversation with cxbot"
    blocks: list[Block] = [Section(quote(question)), Context(f"asked {where}", by=asker)]
    if closest:
        lines = "\n".join(f"[{n}] {c.title} — {c.where}" for n, c in enumerate(closest, 1))
        blocks.append(Context(f"Closest sources in {collection}:\n{lines}"))
    else:
        blocks.append(Context(f"No source in {collection} came close."))
    text = "can you answer this? Reply in this thread: the asker is notified."
    blocks.append(Mentions(owners, text) if owners else Section(text[0].upper() + text[1:]))
    return Card(title="Question for the experts", blocks=tuple(blocks),
                fallback=f"Question for the experts of {collection}: {question}")


def who(owners: tuple[Mention, ...]) -> str:
    return ", ".join(m.plain() for m in owners) or "the owners"


def asked(collection: str, owners: tuple[Mention, ...]) -> Card:
    """What the asker sees: who was asked."""
    blocks: list[Block] = [Mentions(owners, f"— the experts for {collection} — have your question.")
                           if owners else Section(f"The experts for {collection} have your question.")]
    blocks.append(Context("Their answer will show up here."))
    return Card(title="", blocks=tuple(blocks), fallback=f"Asked {who(owners)} ({collection}).")


def already(collection: str, owners: tuple[Mention, ...]) -> Text:
    return Text(f"This question was already passed to the experts for {collection} ({who(owners)}).")


def answered(asker: User, question: str, reply: str, author: str) -> Card:
    """The notification in the asker's thread."""
    return Card(title="", blocks=(
        Mentions((Mention(asker.id, asker.name),), "an expert answered your question:"),
        Section(quote(question)), Section(reply), Context(f"— {author or 'an expert'}"),
    ), fallback=f"An expert answered your question: {reply}")


def passed_on(reply_id: int) -> Card:
    """Under an expert's reply: it reached the asker, and it can become a verified answer."""
    return Card(title="", blocks=(
        Context("Passed on to the asker. Owners and CX evangelists can keep this reply as a verified answer."),
        Actions((Button("Save as answer", SAVE, str(reply_id), style="primary"),)),
    ), fallback="Passed on to the asker.")


def saved(collection: str, file: str, review: str) -> Text:
    return Text(f"Saved as a verified answer in {collection} ({file}). It answers from now on; review due {review}.")


def due(question: str, author: str, on: str, review: str, owners: tuple[Mention, ...], file: str) -> Card:
    """The review flag posted to a collection's experts."""
    return Card(title="Verified answer due for review", blocks=(
        Section(quote(question)),
        Context(f"Verified by {author} on {on}; review date {review} ({file})."),
        Mentions(owners, "please check it: edit the file (and its review date) or save a new answer."),
    ), fallback=f"A verified answer is due for review: {question}")


NOT_EXPERT = Text("Sorry, only the owners of this collection and CX evangelists can save answers.")
GONE = Text("That question is no longer available, so it can't be passed to an expert. Please ask again.")
NO_EXPERTS = Text("No expert channel is set up for this topic yet. Please ask your CX team directly.")
UNREACHABLE = Text("I couldn't reach the expert channel just now. Please try again in a few minutes.")
REPLY_GONE = Text("That reply is no longer available to save.")
SAVED_ALREADY = Text("This reply is already saved as a verified answer.")
NOT_SAVED = Text("I couldn't save that answer (the knowledge folder is not writable?). Nothing was stored.")
