"""Drives cxbot through Microsoft 365 Agents Playground (a real Teams client), end to end.

Run inside `../shared/tools/teams-playground/run` (see `test_teams_playground.py`):

    run python -m bot serve -- python tests/e2e/drive_teams.py

Steps: install the app (welcome message with `help`), ask a question (Adaptive Card answer with
sources and feedback buttons), click 👍 via `Action.Execute` (the invoke response is the updated
card; `asked_questions.feedback` is set in the database), click 👎 on a second answer via
`Action.Submit`, @mention the bot in the group chat and in a team channel (answered there, in the
thread, mention stripped, typing shown first), a follow-up in that channel thread (the earlier exchange
kept for it), the personal answer streamed (informative update replaced by the final card), `help`, the same as a German Teams user (`de-DE`: German
help and a German answer card, through `locale_proxy` when `LOCALE_PROXY_PORT` is set), check the
conversation reference was stored,
vote in a pulse (`vote_in_pulse`, when the playground user is a CX evangelist), and escalate a question to
the team channel's experts (`ask_an_expert`, when a collection names it). Exit code 0 = all passed.
The bot and this driver share `CXBOT_DATA_DIR` / `DATABASE_URL` through the environment.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import aiohttp
from locale_proxy import LocaleProxy

PLAYGROUND = "http://127.0.0.1:56150"
BOT = "http://127.0.0.1:3978"
CARD = "application/vnd.microsoft.card.adaptive"
QUESTION = "How fast must we acknowledge a customer complaint?"
FOLLOW_UP = "And who owns the follow-up call?"
SEARCHING = "Searching the knowledge…"


class Failed(Exception):
    """A step of the end-to-end run did not see what it expected."""


class Playground:
    """The playground's HTTP and WebSocket API, as one user in the personal chat."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.s = session
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.conv = self.user = self.user_aad = self.bot_id = self.bot_name = self.group = ""
        self.typing: list[str] = []
        self.events: list[dict[str, Any]] = []  # every message event pushed, in order (streaming checks)
        self._reader: asyncio.Task[None] | None = None

    async def start(self, bot_timeout: float = 90.0) -> None:
        deadline = time.monotonic() + bot_timeout
        while True:  # the bot builds its services (migrations, index) before it listens
            try:
                async with self.s.get(BOT + "/healthz") as r:
                    if r.status == 200:
                        break
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline:
                raise Failed("bot did not answer /healthz")
            await asyncio.sleep(0.3)
        async with self.s.get(PLAYGROUND + "/_internal/v1/config") as r:
            config = (await r.json())["config"]
        self.conv, self.user = config["personalChat"]["id"], config["currentUser"]["id"]
        self.bot_id, self.bot_name = config["bot"]["id"], config["bot"]["name"]
        self.user_aad = config["currentUser"].get("aadObjectId", "")
        self.group = config["groupChats"][0]["id"]
        ws = await self.s.ws_connect(PLAYGROUND + "/_ws_conversation/v1/conversations/stream")
        self._reader = asyncio.create_task(self._read(ws))

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.TEXT:
                event = json.loads(msg.data)
                if event.get("action") == "typing":
                    self.typing.append(str(event.get("actionConversationId")))
                elif isinstance(event.get("message"), dict):
                    event["_received"] = time.perf_counter()  # when it arrived (benches time streams)
                    self.events.append(event)
                    await self.inbox.put(event)

    async def _next(self, wanted: Callable[[dict[str, Any]], bool], timeout: float, what: str) -> dict[str, Any]:
        """The next pushed event's message for which `wanted(event)` holds; others are dropped."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                event = await asyncio.wait_for(self.inbox.get(), left)
            except TimeoutError:
                break
            if wanted(event):
                message: dict[str, Any] = event["message"]
                return message
        raise Failed(f"{what} within {timeout:.0f} s")

    async def next_message(self, want: str, timeout: float = 15.0, conv: str | None = None) -> dict[str, Any]:
        """The next bot message (in `conv`, default any) whose text or card matches `want` ("card" or text)."""

        def wanted(event: dict[str, Any]) -> bool:
            message = event["message"]
            if conv and event.get("actionConversationId") != conv:
                return False
            # a streamed answer (personal chat) arrives as the update that ends the stream's message
            if event.get("action") != "createMessage" and not (event.get("action") == "updateMessage"
                                                               and stream_type(message) == "final"):
                return False
            if want == "card":
                return any(a.get("contentType") == CARD for a in message.get("attachments") or [])
            return want in (message.get("text") or "")

        return await self._next(wanted, timeout, f"no bot message with {want!r}")

    async def next_update(self, message_id: str, timeout: float = 15.0) -> dict[str, Any]:
        """Wait until the bot updates message `message_id` (e.g. a refreshed pulse card)."""

        def wanted(event: dict[str, Any]) -> bool:
            return event.get("action") == "updateMessage" and event["message"].get("messageId") == message_id

        return await self._next(wanted, timeout, f"message {message_id} not updated")

    async def say(self, text: str, conv: str | None = None, user: str | None = None, mention: bool = False) -> str:
        """Write a message (with an @mention of the bot in front if asked); returns its conversation id."""
        body: dict[str, Any] = {"from": {"id": user or self.user}, "text": text, "textFormat": "plain"}
        if mention:
            at = f"<at>{self.bot_name}</at>"
            body.update(text=f"{at} {text}", mentions=[{"mentioned": {"id": self.bot_id}, "text": at}])
        where = quote(conv or self.conv, safe=":@")  # a channel thread's id holds ";messageid="
        async with self.s.post(f"{PLAYGROUND}/_conversation/v1/conversations/{where}/messages",
                               json=body) as r:
            if r.status != 200:
                raise Failed(f"sending a message: HTTP {r.status} {await r.text()}")
            posted: dict[str, Any] = await r.json()
        return str(posted.get("postConversationId") or conv or self.conv)

    async def execute(self, message_id: str, verb: str, data: dict[str, Any], conv: str | None = None) -> dict[str, Any]:
        """Click an `Action.Execute` button (in `conv`, default the personal chat); returns the invoke response."""
        body = {"name": "adaptiveCard/action", "conversation": {"id": conv or self.conv}, "from": {"id": self.user},
                "replyToId": message_id,
                "value": {"action": {"type": "Action.Execute", "verb": verb, "data": data}, "trigger": "manual"}}
        async with self.s.post(PLAYGROUND + "/_conversation/v1/invoke", json=body) as r:
            if r.status != 200:
                raise Failed(f"invoke: HTTP {r.status} {await r.text()}")
            result: dict[str, Any] = await r.json()
            return result

    async def submit(self, message_id: str, value: dict[str, Any]) -> None:
        body = {"conversation": {"id": self.conv}, "from": {"id": self.user}, "replyToId": message_id, "value": value}
        async with self.s.post(PLAYGROUND + "/_conversation/v1/submit", json=body) as r:
            if r.status != 200:
                raise Failed(f"submit: HTTP {r.status} {await r.text()}")

    async def custom(self, kind: str, conv: str | None = None) -> None:
        """Send the playground's `install` or `userAdded` activity to the bot."""
        params = {"conversationId": conv or self.conv, "type": kind}
        async with self.s.get(PLAYGROUND + "/_internal/v1/customActivities/template", params=params) as r:
            template = await r.json()
        async with self.s.post(PLAYGROUND + "/_internal/v1/customActivities", json=template) as r:
            if r.status != 200:
                raise Failed(f"custom activity {kind}: HTTP {r.status} {await r.text()}")

    async def ask(self, question: str, conv: str | None = None, user: str | None = None) -> tuple[dict[str, Any], float]:
        """Ask (with an @mention outside the personal chat) and wait for the answer card in the same
        conversation (a channel: its thread); returns the card message and the seconds it took."""
        started = time.perf_counter()
        where = await self.say(question, conv, user, mention=conv is not None and conv != self.conv)
        message = await self.next_message("card", conv=where)
        return message, time.perf_counter() - started

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()


def stream_type(message: dict[str, Any]) -> str | None:
    """The playground's `streamEntity.streamType` of a message (None when it is no stream's)."""
    entity = message.get("streamEntity")
    return str(entity.get("streamType")) if isinstance(entity, dict) and entity.get("streamType") else None


def card_of(message: dict[str, Any]) -> dict[str, Any]:
    content: dict[str, Any] = next(a["content"] for a in message["attachments"] if a["contentType"] == CARD)
    return content


def buttons(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Action.Execute buttons of a card by verb."""
    found = {}
    for element in card.get("body", []):
        for action in element.get("actions", []) if element.get("type") == "ActionSet" else []:
            if action.get("type") == "Action.Execute":
                found[action["verb"]] = action
    return found


@contextlib.contextmanager
def database() -> Iterator[Any]:
    """The bot's database (same `CXBOT_DATA_DIR` / `DATABASE_URL` environment as the bot)."""
    from bot.db.engine import Database
    from bot.settings import Settings

    db = Database(Settings())
    try:
        yield db
    finally:
        db.dispose()


def feedback_in_db(qid: str) -> int | None:
    from bot.ask.store import QuestionLog

    with database() as db:
        row = QuestionLog(db).get(qid)
        return row.feedback if row is not None else None


def question_in_db(qid: str) -> tuple[str, str] | None:
    from bot.ask.store import QuestionLog

    with database() as db:
        row = QuestionLog(db).get(qid)
        return (row.question, row.conversation) if row is not None else None


def reference_stored(conversation_id: str) -> bool:
    from bot.teams.store import ConversationStore

    with database() as db:
        return ConversationStore(db).get(conversation_id) is not None


async def vote_in_pulse(pg: Playground) -> None:
    """Pulse step (hook for the pulse feature's Teams check): a CX evangelist starts a pulse, votes via
    `Action.Execute`; the card is refreshed for everyone and the vote is stored.

    Needs `CXBOT_EVANGELISTS` to hold the playground user's aadObjectId (the pytest wrapper sets it);
    skipped otherwise. Extend here (results, close) as the pulse feature grows.
    """
    from bot.settings import Settings

    if pg.user_aad not in Settings().evangelist_ids:
        print("skip pulse vote: CXBOT_EVANGELISTS does not hold the playground user")
        return
    await pg.say("pulse start")
    message = await pg.next_message("card")
    votes = {verb: b for verb, b in buttons(card_of(message)).items() if verb.startswith("pulse_vote:")}
    if not votes:
        raise Failed("pulse card has no vote buttons")
    verb, button = sorted(votes.items())[-1]
    response = await pg.execute(message["messageId"], verb, button["data"])
    if response.get("type") is None:
        raise Failed(f"pulse vote: unexpected invoke response {response}")
    await pg.next_update(message["messageId"])
    if pulse_participation(button["data"]["value"]) != 1:
        raise Failed("pulse vote not stored")
    print("ok  pulse start -> card, vote via Action.Execute -> card refreshed, vote stored")


def pulse_participation(vote_value: str) -> int:
    from bot.pulse.store import PulseStore
    from bot.pulse.votes import parse_vote

    vote = parse_vote(vote_value)
    if vote is None:
        raise Failed(f"pulse vote value {vote_value!r} does not parse")
    with database() as db:
        return PulseStore(db).participation(vote.pulse_id)


async def group_and_channel(pg: Playground) -> None:
    """@mention the bot in the group chat and in a team channel: answered there (channel: in the thread)."""
    for conv, kind in ((pg.group, "group chat"), ("team-id", "channel")):
        message, seconds = await pg.ask(QUESTION, conv=conv, user="user-id-1")
        qid = buttons(card_of(message))["feedback:up"]["data"]["value"]
        stored = question_in_db(qid)
        if stored != (QUESTION, f"teams:{conv}"):
            raise Failed(f"{kind}: mention not stripped or wrong conversation stored: {stored}")
        if not any(t.startswith(conv) for t in pg.typing):
            raise Failed(f"{kind}: no typing indicator before the answer")
        print(f"ok  {kind} @mention -> answer card in {seconds:.2f} s, mention stripped")


EXPERT_QUESTION = "Can agents take their headsets home after their shift?"
EXPERT_REWORDED = "Are support agents allowed to bring their headset home at the end of the day?"
EXPERT_REPLY = ("Yes. Agents may take their headsets home after a shift, but they must bring them back for the "
                "next shift and report any damage to the IT service desk.")


def expert_channel() -> str | None:
    from bot.expert.config import load_experts
    from bot.settings import Settings

    cfg = Settings()
    experts = load_experts(cfg.knowledge_dir, cfg.collections_file)
    return next((e.channel("teams") for e in experts.values() if e.channel("teams")), None)


async def ask_an_expert(pg: Playground) -> None:
    """Escalation (hook for the expert feature): "Ask an expert" on an abstention -> a post in the expert
    channel -> a reply in its thread reaches the asker -> "Save as answer" -> a rewording answered from it.

    Needs a collections file whose collection has `expert_channel: {teams: team-id}` and the playground
    user among its owners (the pytest wrapper writes one); skipped otherwise.
    """
    channel = expert_channel()
    if channel is None:
        print("skip expert: no collection has a Teams expert channel")
        return
    message, _ = await pg.ask(EXPERT_QUESTION)
    ask = buttons(card_of(message)).get("expert:ask")
    if ask is None:
        raise Failed("abstention card has no 'Ask an expert' button")
    response = json.dumps(await pg.execute(message["messageId"], ask["verb"], ask["data"]))
    if "have your question" not in response:
        raise Failed(f"the asker is not told who was asked: {response[:300]}")
    posted = await pg.next_message("card", conv=channel)
    if EXPERT_QUESTION not in json.dumps(posted):
        raise Failed("the expert channel post does not carry the question")
    print("ok  Ask an expert -> the asker sees who was asked, question posted in the expert channel")

    thread = f"{channel};messageid={posted['messageId']}"
    await pg.say(EXPERT_REPLY, conv=thread, mention=True)
    told = await pg.next_message("card", conv=pg.conv)
    if EXPERT_REPLY[:40] not in json.dumps(told):
        raise Failed(f"the asker was not told the expert's answer: {json.dumps(told)[:300]}")
    under = await pg.next_message("card", conv=thread)
    save = buttons(card_of(under)).get("expert:save")
    if save is None:
        raise Failed("no 'Save as answer' under the expert's reply")
    print("ok  reply in the expert thread -> passed to the asker's chat, 'Save as answer' offered")

    response = json.dumps(await pg.execute(under["messageId"], save["verb"], save["data"], conv=thread))
    if "Saved as a verified answer" not in response:
        raise Failed(f"Save as answer: {response[:300]}")
    await asyncio.sleep(1.2)  # the retriever looks for a new index version at most once a second
    message, _ = await pg.ask(EXPERT_REWORDED)
    text = json.dumps(card_of(message))
    if "Verified by" not in text or "bring them back" not in text:
        raise Failed(f"the reworded question was not answered from the saved answer: {text[:400]}")
    print("ok  Save as answer -> a reworded question is answered from it, 'Verified by' shown")


async def in_german(pg: Playground, proxy: LocaleProxy | None) -> None:
    """A German Teams client (activities with locale de-DE): German help, a German answer card."""
    if proxy is None:
        print("--  German locale skipped (no LOCALE_PROXY_PORT: the playground always sends en-US)")
        return
    proxy.locale = "de-DE"
    try:
        await pg.say("help")
        await pg.next_message("Das kann ich:")
        message, _ = await pg.ask(QUESTION)
        text = json.dumps(card_of(message), ensure_ascii=False)
        missing = [w for w in ("Quellen:", "👍 Hilfreich", "👎 Nicht hilfreich") if w not in text]
        if missing:
            raise Failed(f"German answer card lacks {missing}: {text[:400]}")
    finally:
        proxy.locale = None
    print("ok  de-DE -> German help and a German answer card (Quellen, Hilfreich)")


def streamed(pg: Playground, message_id: str) -> list[tuple[str, str | None, str]]:
    """(action, stream type, text or "card") of every pushed event of one message, in order."""
    return [(str(e.get("action")), stream_type(e["message"]), "card" if e["message"].get("attachments")
             else str(e["message"].get("text") or "")) for e in pg.events if e["message"].get("messageId") == message_id]


def check_streaming(pg: Playground, message: dict[str, Any]) -> None:
    """Personal chat: the answer is one streamed message, the informative update first, the card last."""
    seen = streamed(pg, message["messageId"])
    if not seen or seen[0] != ("createMessage", "informative", SEARCHING) or seen[-1] != ("updateMessage", "final", "card"):
        raise Failed(f"personal chat: expected an informative update replaced by the final card, saw {seen}")
    print(f"ok  personal chat streams: {seen[0][2]!r} shown as message {message['messageId']} (informative), "
          f"replaced by the answer card (final); {len(seen)} events")


def exchanges_in_db(conversation: str, thread: str) -> list[str]:
    from bot.ask.exchanges import ThreadHistory
    from bot.core.model import Conversation

    with database() as db:
        return [e.asked for e in ThreadHistory(db).history(Conversation("teams", conversation, "channel", thread=thread))]


async def channel_thread_follow_up(pg: Playground) -> None:
    """A reply in a channel thread cxbot answered carries the earlier exchange; channels never stream."""
    where = await pg.say(QUESTION, conv="team-id", user="user-id-1", mention=True)
    await pg.next_message("card", conv=where)
    await pg.say(FOLLOW_UP, conv=where, user="user-id-1", mention=True)
    answer = await pg.next_message("card", conv=where)
    channel, _, thread = where.partition(";messageid=")
    kept = exchanges_in_db(channel, thread)
    if kept != [QUESTION, FOLLOW_UP]:
        raise Failed(f"channel thread: exchanges kept {kept}")
    if any(stream_type(e["message"]) for e in pg.events if str(e.get("actionConversationId")).startswith("team-id")):
        raise Failed("channel: a stream was sent where only the typing indicator belongs")
    print(f"ok  channel thread follow-up answered in the thread ({answer['messageId']}), history kept {len(kept)} exchanges, no stream")


async def scenario(pg: Playground, proxy: LocaleProxy | None = None) -> None:
    await pg.custom("install")
    welcome = await pg.next_message("help")
    print("ok  install -> welcome:", welcome["text"][:60])

    message, seconds = await pg.ask(QUESTION)
    card = card_of(message)
    texts = [e.get("text", "") for e in card["body"] if e.get("type") == "TextBlock"]
    if card.get("version") != "1.5" or not texts or "Sources" not in " ".join(texts):
        raise Failed(f"answer card without answer and sources: {texts}")
    up = buttons(card).get("feedback:up")
    if up is None:
        raise Failed("answer card has no 👍 Action.Execute")
    qid = up["data"]["value"]
    print(f"ok  question -> answer card in {seconds:.2f} s ({texts[0][:60]}...)")
    check_streaming(pg, message)

    response = await pg.execute(message["messageId"], up["verb"], up["data"])
    updated = json.dumps(response)
    if "Thanks" not in updated:
        raise Failed(f"invoke response is not the thanked card: {updated[:300]}")
    if feedback_in_db(qid) != 1:
        raise Failed("asked_questions.feedback not set to 1 after 👍")
    print("ok  👍 Action.Execute -> updated card, feedback=1 stored")

    message, _ = await pg.ask("Wie gehen wir mit Kundenfeedback um?")
    down = buttons(card_of(message))["feedback:down"]
    await pg.submit(message["messageId"], down["data"])
    await pg.next_message("Thanks, noted")
    if feedback_in_db(down["data"]["value"]) != -1:
        raise Failed("asked_questions.feedback not set to -1 after 👎")
    print("ok  👎 Action.Submit -> thanks message, feedback=-1 stored")

    await group_and_channel(pg)
    await channel_thread_follow_up(pg)

    await pg.say("help")
    await pg.next_message("Here is what I can do")
    print("ok  help command")

    await in_german(pg, proxy)

    if not reference_stored(pg.conv):
        raise Failed("conversation reference not stored")
    print("ok  conversation reference stored")

    await vote_in_pulse(pg)
    await ask_an_expert(pg)


async def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        pg = Playground(session)
        proxy = None
        if port := os.environ.get("LOCALE_PROXY_PORT"):  # the playground's BOT_URL points here
            proxy = LocaleProxy(BOT, session)
            await proxy.start(int(port))
        try:
            await pg.start()
            await scenario(pg, proxy)
        except Failed as exc:
            print(f"FAIL {exc}", file=sys.stderr)
            return 1
        finally:
            await pg.close()
            if proxy is not None:
                await proxy.stop()
    print("teams e2e: all steps passed")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
