"""The pulse feature end to end through the router: commands, clicks, closing, results."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pulse_helpers import CHANNEL, EVANGELIST, GROUP_MEMBER, click, command, person
from sqlalchemy import update

from bot.app import Services
from bot.core.model import Actions, Card, Context, Text, User, card_text
from bot.pulse.models import Pulse
from bot.pulse.service import PulseService
from testkit.ports import RecordingPort


async def start(services: Services, port: RecordingPort, text: str = "pulse start") -> int:
    await services.router.dispatch(command(text), port)
    posted = [out for kind, _, out in port.sent if kind == "post" and isinstance(out, Card)]
    return int(posted[-1].meta["pulse_id"])


async def vote_all(services: Services, port: RecordingPort, pulse_id: int, scores: dict[int, list[int]]) -> None:
    """scores: person number -> score per statement."""
    for n, row in scores.items():
        for st, score in enumerate(row):
            await services.router.dispatch(click(pulse_id, st, score, person(n)), port)
    await services.features.pulse.drain()


def set_closes_at(services: Services, pulse_id: int, when: datetime) -> None:
    with services.db.session() as s, s.begin():
        s.execute(update(Pulse).where(Pulse.id == pulse_id).values(closes_at=when))


async def test_only_evangelists_may_start_and_others_get_a_polite_no(services: Services, port: RecordingPort) -> None:
    await services.router.dispatch(command("pulse start", user=person(1)), port)
    (kind, _, out), = port.sent
    assert kind == "reply" and isinstance(out, Text) and "only CX evangelists" in out.text
    port.sent.clear()
    await services.router.dispatch(command("pulse start", user=GROUP_MEMBER), port)
    assert [k for k, _, _ in port.sent] == ["post", "reply"]


async def test_start_posts_a_card_with_a_row_of_buttons_per_statement(services: Services, port: RecordingPort,
                                                                    pulses: PulseService) -> None:
    pulse_id = await start(services, port, "pulse start de for 2h in <#C777|cx-team>")
    kind, conv, card = port.sent[0]
    assert kind == "post" and conv.id == "C777" and conv.team == "T1" and isinstance(card, Card)
    rows = [b for b in card.blocks if isinstance(b, Actions)]
    assert len(rows) == 6 and all(len(r.buttons) == 5 for r in rows)
    assert rows[2].buttons[4].value == f"{pulse_id}:2:5"
    assert "Kundenorientierung" in card.title and "0 haben bisher teilgenommen" in card_text(card)
    pulse = pulses.store.get(pulse_id)
    assert pulse is not None and pulse.message_id == "1" and pulse.conversation_id == "C777"
    assert timedelta(hours=1, minutes=59) < pulse.closes_at.replace(tzinfo=UTC) - datetime.now(UTC) <= timedelta(hours=2)
    reply = port.sent[1][2]
    assert isinstance(reply, Text) and f"Pulscheck #{pulse_id}" in reply.text  # a pulse's replies: its language


async def test_the_default_duration_is_three_days(services: Services, port: RecordingPort, pulses: PulseService) -> None:
    pulse = pulses.store.get(await start(services, port))
    assert pulse is not None
    left = pulse.closes_at.replace(tzinfo=UTC) - datetime.now(UTC)
    assert timedelta(days=2, hours=23) < left <= timedelta(days=3)


async def test_a_vote_updates_the_card_with_the_participation_count_only(services: Services, port: RecordingPort,
                                                                        pulses: PulseService) -> None:
    pulse_id = await start(services, port)
    port.sent.clear()
    await vote_all(services, port, pulse_id, {1: [5, 4], 2: [1]})
    await pulses.drain()
    updates = [out for kind, _, out in port.sent if kind == "update"]
    assert updates and isinstance(updates[-1], Card)
    text = card_text(updates[-1])
    assert "2 taken part so far" in text and "mean" not in text


async def test_a_click_after_the_close_is_refused_politely_and_not_counted(services: Services, port: RecordingPort,
                                                                          pulses: PulseService) -> None:
    pulse_id = await start(services, port)
    await services.router.dispatch(command("pulse close"), port)
    port.sent.clear()
    await services.router.dispatch(click(pulse_id, 0, 5, person(9)), port)
    (kind, _, out), = port.sent
    assert kind == "reply" and isinstance(out, Text) and "already closed" in out.text
    assert pulses.store.tally(pulse_id) == {}


async def test_close_posts_results_with_means_bars_and_the_anonymity_floor(services: Services, port: RecordingPort,
                                                                          pulses: PulseService) -> None:
    pulse_id = await start(services, port)
    await vote_all(services, port, pulse_id, {1: [5, 1], 2: [4, 2], 3: [3], 4: [4]})
    port.sent.clear()
    await services.router.dispatch(command("pulse close"), port)
    kinds = [k for k, _, _ in port.sent]
    assert kinds == ["update", "post", "reply"]
    closed, results = port.sent[0][2], port.sent[1][2]
    assert isinstance(closed, Card) and not any(isinstance(b, Actions) for b in closed.blocks)
    assert isinstance(results, Card)
    text = card_text(results)
    assert "4 took part" in text
    assert "mean 4.00 · 4 responses" in text  # (5+4+3+4)/4
    assert "not enough responses to keep answers anonymous" in text  # statement 2 had 2, statements 3-6 none
    assert "mean 1.50" not in text
    assert "`4` ████████████ 2" in text


async def test_results_show_the_change_against_the_previous_pulse_here(services: Services, port: RecordingPort) -> None:
    first = await start(services, port)
    await vote_all(services, port, first, {1: [2], 2: [3], 3: [4]})
    await services.router.dispatch(command("pulse close"), port)
    second = await start(services, port)
    await vote_all(services, port, second, {1: [4], 2: [4], 3: [4]})
    await services.router.dispatch(command("pulse close"), port)
    results = [out for kind, _, out in port.sent if kind == "post" and isinstance(out, Card) and out.title.startswith("Results")]
    assert "first pulse of this kind here" in card_text(results[0])
    assert "▲ +1.00 vs. previous pulse (3.00)" in card_text(results[1])


async def test_results_are_not_shown_while_the_pulse_is_open(services: Services, port: RecordingPort) -> None:
    pulse_id = await start(services, port)
    port.sent.clear()
    await services.router.dispatch(command(f"pulse results {pulse_id}", user=person(5)), port)
    out = port.pop()
    assert isinstance(out, Text) and "still open" in out.text


async def test_overdue_pulses_close_on_the_startup_tick_once(make_services, pulses: PulseService,  # type: ignore[no-untyped-def]
                                                             services: Services, port: RecordingPort) -> None:
    pulse_id = await start(services, port)
    await vote_all(services, port, pulse_id, {1: [3], 2: [3], 3: [3]})
    set_closes_at(services, pulse_id, datetime.now(UTC) - timedelta(hours=1))
    port.sent.clear()
    replica = make_services()  # another replica / the next start, same database
    other = RecordingPort()
    replica.ports["slack"] = other
    await replica.scheduler.run_all_once()
    await services.scheduler.run_all_once()
    assert [k for k, _, _ in other.sent] == ["update", "post"] and port.sent == []
    assert "mean 3.00" in card_text(other.sent[1][2])  # type: ignore[arg-type]
    closed = pulses.store.get(pulse_id)
    assert closed is not None and closed.status == "closed"


async def test_a_pulse_is_not_claimed_by_a_replica_that_cannot_post_there(services: Services, port: RecordingPort,
                                                                         pulses: PulseService) -> None:
    pulse_id = await start(services, port)
    set_closes_at(services, pulse_id, datetime.now(UTC) - timedelta(minutes=1))
    del services.ports["slack"]
    await services.scheduler.run_all_once()
    pulse = pulses.store.get(pulse_id)
    assert pulse is not None and pulse.status == "open"


async def test_a_reminder_goes_out_halfway_when_participation_is_low(services: Services, port: RecordingPort) -> None:
    pulse_id = await start(services, port)
    with services.db.session() as s, s.begin():
        s.execute(update(Pulse).where(Pulse.id == pulse_id).values(remind_at=datetime.now(UTC)))
    port.sent.clear()
    await services.scheduler.run_all_once()
    await services.scheduler.run_all_once()
    (kind, conv, out), = port.sent
    assert kind == "post" and conv == CHANNEL and isinstance(out, Text) and "Halfway" in out.text


async def test_list_and_templates(services: Services, port: RecordingPort) -> None:
    pulse_id = await start(services, port)
    port.sent.clear()
    await services.router.dispatch(command("pulse list", user=person(3)), port)
    await services.router.dispatch(command("pulse templates", user=person(3)), port)
    listing, templates = port.pop(), port.pop()
    assert isinstance(listing, Text) and f"#{pulse_id} Customer centricity pulse" in listing.text
    assert isinstance(templates, Text) and "`customer-centricity`" in templates.text


async def test_bad_input_gets_a_clear_message(services: Services, port: RecordingPort) -> None:
    for text, expected in [("pulse start nosuch", "no pulse template `nosuch`"), ("pulse start for ever", "duration"),
                           ("pulse close abc", "not a pulse number"), ("pulse", "Pulse checks"),
                           ("pulse schedule hourly", "Usage")]:
        await services.router.dispatch(command(text), port)
        out = port.pop()
        assert isinstance(out, Text) and expected in out.text, text


async def test_a_weekly_schedule_starts_one_pulse_now_and_the_next_a_week_later(services: Services,
                                                                             port: RecordingPort,
                                                                             pulses: PulseService) -> None:
    await services.router.dispatch(command("pulse schedule weekly for 2d"), port)
    assert [k for k, _, _ in port.sent] == ["post", "reply"]
    await services.scheduler.run_all_once()  # not due again
    assert len([k for k, _, _ in port.sent if k == "post"]) == 1
    rows = pulses.store.schedules(CHANNEL.key())
    assert len(rows) == 1 and rows[0].next_run_at.replace(tzinfo=UTC) > datetime.now(UTC) + timedelta(days=6)
    await services.router.dispatch(command(f"pulse schedule stop {rows[0].id}"), port)
    assert pulses.store.schedules(CHANNEL.key()) == []


async def test_home_section_shows_the_latest_results_within_the_anonymity_floor(services: Services,
                                                                               port: RecordingPort) -> None:
    pulse_id = await start(services, port)
    await vote_all(services, port, pulse_id, {1: [4, 2], 2: [4], 3: [4]})
    await services.router.dispatch(command("pulse close"), port)
    section = next(fn for fn in services.home_sections if "pulse" in fn.__module__)
    assert await section(person(7), "en") == []  # took no part: sees nothing
    blocks = await section(person(1), "en")
    text = "\n".join(b.text for b in blocks if hasattr(b, "text"))
    assert "**4.00**" in text and "2.00" not in text
    assert any(isinstance(b, Context) for b in blocks)
    assert await section(User("teams", "U00001"), "en") == []
    assert await section(EVANGELIST, "en") == blocks


async def test_votes_are_stored_without_raw_user_ids(services: Services, port: RecordingPort) -> None:
    pulse_id = await start(services, port)
    await vote_all(services, port, pulse_id, {1: [5]})
    with services.db.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT * FROM pulse_votes").fetchall()
    assert rows and all("U00001" not in str(v) for row in rows for v in row)
    assert EVANGELIST.id not in str(rows)


async def test_the_digest_gets_the_latest_pulse_of_its_channel_within_the_floor(services: Services,
                                                                                port: RecordingPort) -> None:
    pulse_id = await start(services, port)
    await vote_all(services, port, pulse_id, {1: [5, 1], 2: [4, 2], 3: [3], 4: [4]})
    await services.router.dispatch(command("pulse close"), port)
    pulse = services.features.pulse.store.get(pulse_id)
    (section,) = services.digest_sections
    assert section.title == "Latest pulse"
    summary = section.summary(pulse.conversation_key, "en")
    assert summary is not None and "4 took part" in summary and ": 4.0" in summary
    assert "not enough responses to keep answers anonymous" in summary and "1.5" not in summary
    assert section.summary("slack:CNONE", "en") is None
