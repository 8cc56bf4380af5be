"""Votes and closes straight against the database, on SQLite and PostgreSQL, including concurrency."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from pulse_helpers import CHANNEL
from sqlalchemy import select, update

from bot.pulse.models import Pulse, PulseVote
from bot.pulse.service import PulseService
from bot.pulse.store import PulseStore
from bot.pulse.votes import Vote, parse_vote


def new_pulse(pulses: PulseService, minutes: float = 60) -> Pulse:
    template = pulses.templates()[0]["customer-centricity"]
    return pulses.store.create(template, "en", CHANNEL, closes_at=datetime.now(UTC) + timedelta(minutes=minutes),
                               creator_hash="x")


def test_vote_values_round_trip() -> None:
    assert parse_vote("12:3:5") == Vote(12, 3, 5)
    assert parse_vote("12:3") is None and parse_vote("a:b:c") is None


def test_a_double_click_and_a_changed_vote_leave_one_row_with_the_last_score(pulses: PulseService) -> None:
    store, p = pulses.store, new_pulse(pulses)
    assert store.vote(Vote(p.id, 0, 4), "voter-a")
    assert store.vote(Vote(p.id, 0, 4), "voter-a")
    assert store.vote(Vote(p.id, 0, 2), "voter-a")
    assert store.tally(p.id) == {0: {2: 1}}
    assert store.participation(p.id) == 1


def test_votes_outside_the_statements_or_the_scale_are_refused(pulses: PulseService) -> None:
    store, p = pulses.store, new_pulse(pulses)
    assert not store.vote(Vote(p.id, 6, 3), "v")
    assert not store.vote(Vote(p.id, 0, 6), "v")
    assert not store.vote(Vote(p.id, 0, 0), "v")
    assert not store.vote(Vote(p.id + 99, 0, 3), "v")
    assert store.tally(p.id) == {}


def test_no_vote_is_counted_after_the_close_or_after_the_close_time(pulses: PulseService) -> None:
    store, p = pulses.store, new_pulse(pulses)
    assert store.claim_close(p.id, due_only=False)
    assert not store.vote(Vote(p.id, 0, 3), "late")
    q = new_pulse(pulses, minutes=-1)  # close time passed, ticker not yet run
    assert not store.vote(Vote(q.id, 0, 3), "late")
    assert store.tally(p.id) == {} and store.tally(q.id) == {}


def test_only_one_of_many_concurrent_closers_wins(pulses: PulseService) -> None:
    store, p = pulses.store, new_pulse(pulses, minutes=-1)
    with ThreadPoolExecutor(8) as pool:
        wins = list(pool.map(lambda _: store.claim_close(p.id, due_only=True), range(16)))
    assert wins.count(True) == 1


def test_a_stale_claim_is_taken_over_but_a_fresh_one_is_not(pulses: PulseService) -> None:
    store, p = pulses.store, new_pulse(pulses, minutes=-1)
    assert store.claim_close(p.id, due_only=True)
    assert store.due() == []
    with store.db.session() as s, s.begin():
        s.execute(update(Pulse).where(Pulse.id == p.id).values(claimed_at=datetime.now(UTC) - timedelta(hours=1)))
    assert [d.id for d in store.due()] == [p.id]
    assert store.claim_close(p.id, due_only=True)


def test_concurrent_clicks_are_each_stored_exactly_once(pulses: PulseService) -> None:
    store, p = pulses.store, new_pulse(pulses)
    voters = [f"voter-{n}" for n in range(60)]
    clicks = [(v, st, 1 + (n + st) % 5) for n, v in enumerate(voters) for st in range(5)]
    clicks += clicks[:40]  # double clicks
    with ThreadPoolExecutor(12) as pool:
        assert all(pool.map(lambda c: store.vote(Vote(p.id, c[1], c[2]), c[0]), clicks))
    with store.db.session() as s:
        rows = s.execute(select(PulseVote.statement, PulseVote.voter_hash, PulseVote.score)
                         .where(PulseVote.pulse_id == p.id)).all()
    assert len(rows) == 300
    assert sorted((r.voter_hash, r.statement, r.score) for r in rows) == sorted(set(clicks))
    assert store.participation(p.id) == 60


def test_every_accepted_vote_is_in_the_results_when_a_close_races_the_votes(pulses: PulseService) -> None:
    store, p = pulses.store, new_pulse(pulses)
    accepted: list[str] = []
    lock = threading.Lock()

    def vote(n: int) -> None:
        if store.vote(Vote(p.id, 0, 3), f"v{n}"):
            with lock:
                accepted.append(f"v{n}")

    with ThreadPoolExecutor(10) as pool:
        futures = [pool.submit(vote, n) for n in range(200)]
        closer = pool.submit(store.claim_close, p.id, due_only=False)
        for f in futures:
            f.result()
        assert closer.result()
    assert sum(store.tally(p.id).get(0, {}).values()) == len(accepted)


def test_the_store_keeps_no_raw_user_ids(pulses: PulseService) -> None:
    assert {c.name for c in PulseVote.__table__.columns} == {"pulse_id", "statement", "voter_hash", "score", "voted_at"}
    assert isinstance(pulses.store, PulseStore)


async def test_group_commit_answers_each_click_and_the_last_of_two_clicks_wins(pulses: PulseService) -> None:
    import asyncio

    store, p = pulses.store, new_pulse(pulses)
    clicks = [(Vote(p.id, st, 1 + n % 5), f"v{n}") for n in range(100) for st in range(3)]
    clicks += [(Vote(p.id, 0, 5), "v0"), (Vote(p.id, 9, 5), "v1")]  # a changed vote and an invalid one
    results = await asyncio.gather(*(pulses.writer.vote(v, h) for v, h in clicks))
    assert results == [True] * 301 + [False]
    assert store.tally(p.id)[0][5] == 21  # v4, v9, ..., v99, plus v0 changed from 1 to 5
    assert sum(sum(c.values()) for c in store.tally(p.id).values()) == 300


async def test_batched_votes_racing_a_close_are_all_counted_if_accepted(pulses: PulseService) -> None:
    import asyncio

    store, p = pulses.store, new_pulse(pulses)
    clicks = [pulses.writer.vote(Vote(p.id, n % 5, 3), f"v{n}") for n in range(400)]
    close = asyncio.to_thread(store.claim_close, p.id, due_only=False)
    *results, closed = await asyncio.gather(*clicks, close)
    assert closed
    assert sum(sum(c.values()) for c in store.tally(p.id).values()) == sum(results)
