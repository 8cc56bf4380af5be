"""Delivery: due once per week in the subscriber's zone, retries with backoff, leases, the duplicate window."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from bot.core.model import Conversation, MessageRef, Outbound, Text
from bot.db.engine import Database
from bot.digest.delivery import Deliverer
from bot.digest.store import SENT, DigestStore, Subscription
from bot.digest.when import Slot, parse_slot
from bot.schedule.clock import FakeClock
from bot.settings import Settings
from testkit.ports import RecordingPort

CHANNEL = Conversation("slack", "C1")
MONDAY = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # 2026-W48


def make(sub: Subscription, week: str) -> Outbound:
    return Text(f"digest {week} for {sub.conversation_key}")


class FlakyPort(RecordingPort):
    """Fails the first `fail` posts before sending; with `accept_then_crash`, records then raises."""

    def __init__(self, fail: int = 0, accept_then_crash: int = 0) -> None:
        super().__init__()
        self.fail, self.accept_then_crash = fail, accept_then_crash

    async def post(self, conversation: Conversation, out: Outbound) -> MessageRef | None:
        if self.fail:
            self.fail -= 1
            raise ConnectionError("platform down")
        ref = await super().post(conversation, out)
        if self.accept_then_crash:
            self.accept_then_crash -= 1
            raise TimeoutError("response lost after the platform accepted the post")
        return ref


@pytest.fixture
def store(settings: Settings) -> DigestStore:
    return DigestStore(Database(settings).migrate())


BERLIN_9 = Slot(0, 9 * 60, "Europe/Berlin")


def setup(store: DigestStore, port: RecordingPort, slot: Slot = BERLIN_9,
          start: datetime = MONDAY) -> tuple[FakeClock, FakeClock, Callable[[], Deliverer]]:
    clock, wall = FakeClock(start), FakeClock(start)
    store.subscribe(CHANNEL, slot, "u", start)

    def deliverer() -> Deliverer:
        return Deliverer(store, make, {"slack": port}, clock, wall=wall, lease=60, backoff=(10, 100))

    return clock, wall, deliverer


async def test_due_at_local_time_and_only_once_per_week(store: DigestStore) -> None:
    port = RecordingPort()
    clock, _wall, d = setup(store, port)
    clock.set(datetime(2026, 11, 23, 7, 59, tzinfo=UTC))  # 08:59 in Berlin
    assert await d().tick() == 0
    clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))  # 09:00 in Berlin
    assert await d().tick() == 1
    assert await d().tick() == 0
    clock.advance(days=3)
    assert await d().tick() == 0
    clock.advance(days=4)  # next Monday
    assert await d().tick() == 1
    assert [str(p[2].text) for p in port.sent] == [  # type: ignore[union-attr]
        "digest 2026-W48 for slack:C1", "digest 2026-W49 for slack:C1"]
    assert [r.sent_text for r in store.deliveries()] == [  # kept as sent, for the dashboard
        "digest 2026-W48 for slack:C1", "digest 2026-W49 for slack:C1"]


async def test_platform_error_retries_with_backoff(store: DigestStore) -> None:
    port = FlakyPort(fail=2)
    _clock, wall, d = setup(store, port, start=MONDAY.replace(hour=12))
    store.subscribe(CHANNEL, Slot(0, 9 * 60, "UTC"), "u", MONDAY)
    assert await d().tick() == 0  # first try fails
    assert await d().tick() == 0  # backing off: nothing ready
    wall.advance(seconds=13)
    assert await d().tick() == 0  # second failure
    wall.advance(seconds=25)
    assert await d().tick() == 1
    (row,) = store.deliveries()
    assert row.status == SENT and row.attempts == 3 and len(port.sent) == 1


async def test_missed_run_is_sent_on_start_up_within_the_week_only(store: DigestStore) -> None:
    port = RecordingPort()
    clock, _wall, d = setup(store, port, slot=Slot(0, 9 * 60, "UTC"), start=MONDAY)
    clock.set(datetime(2026, 11, 29, 23, 0, tzinfo=UTC))  # server was down since Monday; Sunday night
    assert await d().tick() == 1
    clock.set(datetime(2026, 12, 7, 8, 0, tzinfo=UTC))  # down all of W49, back Monday W50 before 09:00
    assert await d().tick() == 0
    assert [r.week for r in store.deliveries()] == ["2026-W48"]


async def test_crash_before_posting_is_retried_after_the_lease_without_duplicate(store: DigestStore) -> None:
    port = RecordingPort()
    clock, wall, d = setup(store, port, slot=Slot(0, 0, "UTC"))
    store.ensure_due(clock.now())
    assert store.claim("dead-replica", wall.now(), 60) is not None  # claimed, then the replica died
    assert await d().tick() == 0  # lease still held
    wall.advance(seconds=61)
    assert await d().tick() == 1
    assert len(port.sent) == 1


async def test_the_one_duplicate_window_after_the_platform_accepted(store: DigestStore) -> None:
    """Accepted by the platform, then the process lost the answer (or died) before marking it sent."""
    port = FlakyPort(accept_then_crash=1)
    _clock, wall, d = setup(store, port, slot=Slot(0, 0, "UTC"))
    assert await d().tick() == 0
    wall.advance(seconds=20)
    assert await d().tick() == 1
    assert len(port.sent) == 2  # the documented duplicate
    assert await d().tick() == 0


async def test_late_writer_cannot_mark_a_taken_over_claim(store: DigestStore) -> None:
    clock, wall, _ = setup(store, RecordingPort(), slot=Slot(0, 0, "UTC"))
    store.ensure_due(clock.now())
    slow = store.claim("slow", wall.now(), 60)
    wall.advance(seconds=61)
    fast = store.claim("fast", wall.now(), 60)
    assert slow and fast and fast.attempts == 2
    assert store.mark_sent(slow, wall.now(), "1") is False
    assert store.mark_sent(fast, wall.now(), "2") is True


async def test_unsubscribed_pending_delivery_is_cancelled(store: DigestStore) -> None:
    port = FlakyPort(fail=1)
    _clock, wall, d = setup(store, port, slot=Slot(0, 0, "UTC"))
    await d().tick()
    store.unsubscribe(CHANNEL)
    wall.advance(seconds=60)
    assert await d().tick() == 0
    assert store.deliveries()[0].status == "cancelled" and not port.sent


def test_parse_slot() -> None:
    assert parse_slot([], "Europe/Berlin") == Slot(0, 540, "Europe/Berlin")
    assert parse_slot(["fri", "4:30pm", "America/New_York"], "UTC") == Slot(4, 16 * 60 + 30, "America/New_York")
    for bad in (["Mars/Base"], ["25:00"], ["someday"]):
        with pytest.raises(ValueError):
            parse_slot(bad, "UTC")


def test_scaled_clock_from_spec_runs_fast_and_stops() -> None:
    import time

    from bot.schedule.clock import ScaledClock, clock_from_spec

    start = datetime(2026, 1, 5, tzinfo=UTC)
    clock = clock_from_spec(f"{start.isoformat()}@{time.time() - 10}@3600@2026-01-05T06:00:00+00:00")
    assert isinstance(clock, ScaledClock)
    assert clock.now() == datetime(2026, 1, 5, 6, 0, tzinfo=UTC)  # 10 s × 3600 = 10 h, capped at 6 h
    with pytest.raises(ValueError, match="CXBOT_CLOCK"):
        clock_from_spec("tomorrow")


def test_slot_due_follows_the_local_zone_across_dst_and_week_edges() -> None:
    ny = Slot(0, 9 * 60, "America/New_York")
    # week of the US DST change (Sun 8 Mar 2026): Monday 09:00 EDT is 13:00 UTC, the week before 14:00 UTC
    assert ny.due(datetime(2026, 3, 10, tzinfo=UTC))[1] == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)
    assert ny.due(datetime(2026, 3, 3, tzinfo=UTC))[1] == datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    # Sunday 20:00 UTC is already Monday in Tokyo: that is the next local ISO week
    week, due, _ = Slot(0, 8 * 60, "Asia/Tokyo").due(datetime(2026, 11, 29, 20, 0, tzinfo=UTC))
    assert week == "2026-W49" and due == datetime(2026, 11, 29, 23, 0, tzinfo=UTC)
