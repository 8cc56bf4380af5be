"""A German pulse: its card, its command replies, its reminder and its results are German, with German
numbers, whoever asks; an English one next to it stays English."""

from __future__ import annotations

from dataclasses import replace

from pulse_helpers import EVANGELIST, click, command, person

from bot.app import Services
from bot.core.model import Card, Text, card_text
from testkit.ports import RecordingPort


async def start(services: Services, port: RecordingPort, text: str) -> int:
    await services.router.dispatch(command(text), port)
    posted = [out for kind, _, out in port.sent if kind == "post" and isinstance(out, Card)]
    return int(posted[-1].meta["pulse_id"])


async def test_a_german_pulse_speaks_german_with_german_numbers(services: Services, port: RecordingPort) -> None:
    pulse_id = await start(services, port, "pulse start de for 2h")
    card = port.sent[0][2]
    assert isinstance(card, Card) and "0 haben bisher teilgenommen · anonym" in card_text(card)
    reply = port.sent[1][2]
    assert isinstance(reply, Text) and reply.text.startswith(f"Pulscheck #{pulse_id} „")
    for n, row in {1: [5, 4], 2: [4, 4], 3: [4, 5]}.items():
        for st, score in enumerate(row):
            await services.router.dispatch(click(pulse_id, st, score, person(n)), port)
    await services.features.pulse.drain()
    port.sent.clear()
    await services.router.dispatch(command("pulse close"), port)  # the asker has no language: the pulse's counts
    closed, results, answer = (out for _, _, out in port.sent)
    assert isinstance(closed, Card) and "3 haben teilgenommen" in card_text(closed)
    assert isinstance(results, Card) and results.title.startswith("Ergebnisse: ")
    text = card_text(results)
    assert "Mittelwert 4,33 · 3 Antworten" in text  # (5+4+4)/3, German decimal comma
    assert "erster Pulscheck dieser Art hier" in text
    assert isinstance(answer, Text) and answer.text == f"Pulscheck #{pulse_id} ist beendet; die Ergebnisse sind gepostet."


async def test_replies_about_no_pulse_follow_the_asker_and_a_pulse_keeps_its_own(services: Services,
                                                                                   port: RecordingPort) -> None:
    pulse_id = await start(services, port, "pulse start en for 2h")
    port.sent.clear()
    german_eva = replace(command("pulse list"), language="de")
    await services.router.dispatch(german_eva, port)
    listing = port.pop()
    assert isinstance(listing, Text) and listing.text.startswith("Pulschecks hier:") and "offen bis" in listing.text
    await services.router.dispatch(replace(command(f"pulse results {pulse_id}"), language="de"), port)
    still_open = port.pop()  # about an English pulse: in English
    assert isinstance(still_open, Text) and still_open.text.startswith(f"Pulse #{pulse_id} is still open until")
    await services.router.dispatch(replace(command("pulse start", user=person(4)), language="de"), port)
    no = port.pop()
    assert isinstance(no, Text) and "können leider nur CX-Evangelists" in no.text
    await services.router.dispatch(replace(command("pulse start en for 2 Jahrhunderte"), language="de"), port)
    bad = port.pop()
    assert isinstance(bad, Text) and "verstehe ich nicht" in bad.text and EVANGELIST.id not in bad.text
