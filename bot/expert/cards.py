"""What the expert feature says, in the neutral model and in the reader's language (`t`)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.model import Actions, Block, Button, Card, Context, Mention, Mentions, Section, Text, User
from bot.i18n import N_, Translator

ASK = "expert:ask"
SAVE = "expert:save"


@dataclass(frozen=True)
class Closest:
    """A source that came close to the question: its title (and section) and a link or file name."""

    title: str
    where: str


def quote(text: str) -> str:
    return "\n".join(f"> {line}" for line in text.splitlines() if line.strip()) or "> …"


def ask_button(t: Translator, qid: str, message_id: str | None) -> Button:
    return Button(t.gettext("Ask an expert"), ASK, f"{qid}|{message_id or ''}")


def expert_post(t: Translator, question: str, asker: User, link: str | None, closest: list[Closest],
                collection: str, owners: tuple[Mention, ...]) -> Card:
    """The question as posted in the expert channel: question, asker and link, closest sources, owners tagged."""
    if link:
        where = t.gettext("asked [in this conversation]({link})").format(link=link)
    else:
        where = t.gettext("asked in a private conversation with cxbot")
    blocks: list[Block] = [Section(quote(question)), Context(where, by=asker)]
    if closest:
        lines = "\n".join(f"[{n}] {c.title} — {c.where}" for n, c in enumerate(closest, 1))
        blocks.append(Context(t.gettext("Closest sources in {collection}:").format(collection=collection) + "\n" + lines))
    else:
        blocks.append(Context(t.gettext("No source in {collection} came close.").format(collection=collection)))
    text = t.gettext("Can you answer this? Reply in this thread: the asker is notified.")
    blocks.append(Mentions(owners, text) if owners else Section(text))
    return Card(title=t.gettext("Question for the experts"), blocks=tuple(blocks),
                fallback=t.gettext("Question for the experts of {collection}: {question}").format(
                    collection=collection, question=question))


def who(t: Translator, owners: tuple[Mention, ...]) -> str:
    return t.and_list([m.plain() for m in owners]) or t.gettext("the owners")


def asked(t: Translator, collection: str, owners: tuple[Mention, ...]) -> Card:
    """What the asker sees: who was asked."""
    text = t.gettext("The experts for {collection} have your question.").format(collection=collection)
    blocks: list[Block] = [Mentions(owners, "— " + text) if owners else Section(text),
                           Context(t.gettext("Their answer will show up here."))]
    return Card(title="", blocks=tuple(blocks), fallback=t.gettext("Asked {who} ({collection}).").format(
        who=who(t, owners), collection=collection))


def already(t: Translator, collection: str, owners: tuple[Mention, ...]) -> Text:
    return Text(t.gettext("This question was already passed to the experts for {collection} ({who}).").format(
        collection=collection, who=who(t, owners)))


def answered(t: Translator, asker: User, question: str, reply: str, author: str) -> Card:
    """The notification in the asker's thread."""
    author = author or t.gettext("an expert")
    return Card(title="", blocks=(
        Mentions((Mention(asker.id, asker.name),), t.gettext("an expert answered your question:")),
        Section(quote(question)), Section(reply), Context(f"— {author}"),
    ), fallback=t.gettext("An expert answered your question: {reply}").format(reply=reply))


def passed_on(t: Translator, reply_id: int) -> Card:
    """Under an expert's reply: it reached the asker, and it can become a verified answer."""
    return Card(title="", blocks=(
        Context(t.gettext("Passed on to the asker. Owners and CX evangelists can keep this reply as a verified answer.")),
        Actions((Button(t.gettext("Save as answer"), SAVE, str(reply_id), style="primary"),)),
    ), fallback=t.gettext("Passed on to the asker."))


def saved(t: Translator, collection: str, file: str, review: str) -> Text:
    return Text(t.gettext(
        "Saved as a verified answer in {collection} ({file}). It answers from now on; review due {review}."
    ).format(collection=collection, file=file, review=review))


def verified_by(t: Translator, by: str, on: str, n: int) -> Context:
    if on:
        return Context(t.gettext("✅ Verified by {name} on {date} [{n}]").format(name=by, date=on, n=n))
    return Context(t.gettext("✅ Verified by {name} [{n}]").format(name=by, n=n))


def due(t: Translator, question: str, author: str, on: str, review: str, owners: tuple[Mention, ...],
        file: str) -> Card:
    """The review flag posted to a collection's experts."""
    return Card(title=t.gettext("Verified answer due for review"), blocks=(
        Section(quote(question)),
        Context(t.gettext("Verified by {name} on {date}; review date {review} ({file}).").format(
            name=author, date=on, review=review, file=file)),
        Mentions(owners, t.gettext("please check it: edit the file (and its review date) or save a new answer.")),
    ), fallback=t.gettext("A verified answer is due for review: {question}").format(question=question))


NOT_EXPERT = N_("Sorry, only the owners of this collection and CX evangelists can save answers.")
GONE = N_("That question is no longer available, so it can't be passed to an expert. Please ask again.")
NO_EXPERTS = N_("No expert channel is set up for this topic yet. Please ask your CX team directly.")
UNREACHABLE = N_("I couldn't reach the expert channel just now. Please try again in a few minutes.")
REPLY_GONE = N_("That reply is no longer available to save.")
SAVED_ALREADY = N_("This reply is already saved as a verified answer.")
NOT_SAVED = N_("I couldn't save that answer (the knowledge folder is not writable?). Nothing was stored.")
