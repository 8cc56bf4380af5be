from __future__ import annotations

from dataclasses import replace

from bot.core.model import Conversation, Inbound, InboundKind, Text, User
from bot.core.port import ChatPort
from bot.core.router import Dispatch, Router, Turn
from testkit.ports import RecordingPort

CONV = Conversation("console", "c1", "dm")
USER = User("console", "u1")


def msg(text: str, kind: InboundKind = InboundKind.MESSAGE) -> Inbound:
    return Inbound(kind, CONV, USER, text=text)


async def test_command_word_routes_to_its_handler_with_the_rest_as_args() -> None:
    router, port, seen = Router(), RecordingPort(), []

    async def pulse(turn: Turn) -> None:
        """Run pulse checks."""
        seen.append(turn.args)

    router.add_command("pulse", pulse, usage="pulse start")
    await router.dispatch(msg("Pulse start default for 2d"), port)
    assert seen == ["start default for 2d"]


async def test_other_text_goes_to_the_fallback() -> None:
    router, port, seen = Router(), RecordingPort(), []

    async def ask(turn: Turn) -> None:
        seen.append(turn.args)

    router.fallback = ask
    await router.dispatch(msg("How do we handle escalations?"), port)
    assert seen == ["How do we handle escalations?"]


async def test_an_unprompted_message_is_a_question_even_when_it_starts_with_a_command_word() -> None:
    router, port, seen = Router(), RecordingPort(), []

    async def ask(turn: Turn) -> None:
        seen.append(turn.args)

    router.fallback = ask
    await router.dispatch(replace(msg("help with an angry customer: who owns the complaint?"), unprompted=True), port)
    assert seen == ["help with an angry customer: who owns the complaint?"] and port.sent == []


async def test_help_lists_every_command_with_its_docstring() -> None:
    router, port = Router(), RecordingPort()

    async def digest(turn: Turn) -> None:
        """Subscribe this channel to the weekly KPI digest."""

    router.add_command("digest", digest, usage="digest subscribe")
    await router.dispatch(msg("", InboundKind.COMMAND), port)
    out = port.pop()
    assert isinstance(out, Text)
    assert "`digest subscribe` — Subscribe this channel to the weekly KPI digest." in out.text


async def test_actions_route_by_prefix_and_unknown_actions_are_ignored() -> None:
    router, port, seen = Router(), RecordingPort(), []

    async def vote(turn: Turn) -> None:
        seen.append((turn.inbound.action, turn.args))

    router.add_action("pulse_vote", vote)
    await router.dispatch(Inbound(InboundKind.ACTION, CONV, USER, action="pulse_vote:3", value="p1:s2:4"), port)
    await router.dispatch(Inbound(InboundKind.ACTION, CONV, USER, action="nope", value="x"), port)
    assert seen == [("pulse_vote:3", "p1:s2:4")]
    assert port.sent == []


async def test_unknown_message_without_fallback_gets_a_polite_reply() -> None:
    router, port = Router(), RecordingPort()
    await router.dispatch(msg("hello"), port)
    out = port.pop()
    assert isinstance(out, Text) and "help" in out.text


async def test_middleware_runs_around_every_event_outermost_first_and_may_stop_it() -> None:
    router, port, seen = Router(), RecordingPort(), []

    async def ask(turn: Turn) -> None:
        seen.append(f"handler {turn.args}")

    async def outer(inbound: Inbound, port: ChatPort, call_next: Dispatch) -> None:
        seen.append("outer in")
        await call_next(inbound, port)
        seen.append("outer out")

    async def gate(inbound: Inbound, port: ChatPort, call_next: Dispatch) -> None:
        if "blocked" in inbound.text:
            seen.append("gate stopped it")
            return
        await call_next(inbound, port)

    router.fallback = ask
    router.use(outer)
    router.use(gate)
    router.use(outer)  # the same middleware twice is added once
    await router.dispatch(msg("hello"), port)
    await router.dispatch(msg("blocked"), port)
    assert seen == ["outer in", "handler hello", "outer out", "outer in", "gate stopped it", "outer out"]
