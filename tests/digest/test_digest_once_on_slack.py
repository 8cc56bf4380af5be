"""Exactly once on Slack through the real Slack port and the fake Web API: a retry whose earlier post
landed (its answer came too late) finds it by its message metadata and posts nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.core.model import Conversation, Outbound, Text
from bot.core.port import PostKey
from bot.db.engine import Database
from bot.digest.delivery import Deliverer
from bot.digest.store import PENDING, SENT, DigestStore, Subscription
from bot.digest.when import Slot
from bot.schedule.clock import FakeClock
from bot.settings import Settings
from bot.slack.client import make_client
from bot.slack.port import SlackPort
from testkit.slack_api import FakeSlackAPI

CHANNEL = Conversation("slack", "C1")
MONDAY = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # 2026-W48, business time
DUE = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 09:00 in Berlin


def make(sub: Subscription, week: str) -> Outbound:
    return Text(f"CX digest {week} for {sub.conversation_key}")


@pytest.fixture
async def api() -> AsyncIterator[FakeSlackAPI]:
    fake = FakeSlackAPI()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
def store(settings: Settings) -> DigestStore:
    return DigestStore(Database(settings).migrate())


def deliverer(store: DigestStore, api: FakeSlackAPI) -> tuple[Deliverer, FakeClock]:
    """A deliverer over the real Slack port; business time is due, wall time is real (Slack stamps real time)."""
    store.subscribe(CHANNEL, Slot(0, 9 * 60, "Europe/Berlin"), "u", MONDAY)
    wall = FakeClock(datetime.now(UTC))
    port = SlackPort(make_client("xoxb-test", api.url))
    return Deliverer(store, make, {"slack": port}, FakeClock(DUE), wall=wall, lease=1.0, backoff=(10, 10)), wall


def posts(api: FakeSlackAPI) -> list[str]:
    """What Slack accepted."""
    return [str(c.args.get("text")) for c in api.called("chat.postMessage") if c.result.get("ok")]


async def test_a_post_accepted_but_answered_too_late_is_found_not_posted_again(
        store: DigestStore, api: FakeSlackAPI) -> None:
    d, wall = deliverer(store, api)
    api.delay("chat.postMessage", 1.5)  # Slack takes the message, the answer misses the 0.5 s post timeout
    assert await d.tick() == 0
    [row] = store.deliveries()
    assert (row.status, row.attempts) == (PENDING, 1)  # unknown outcome: retried, but through the lookup
    assert "TimeoutError" in (row.last_error or "")
    assert posts(api) == ["CX digest 2026-W48 for slack:C1"]  # it did land
    [message] = api.history["C1"]
    assert message["metadata"] == {"event_type": "cxbot_digest", "event_payload": {"delivery": str(row.id)}}

    wall.advance(seconds=30)
    assert await d.tick() == 1
    assert posts(api) == ["CX digest 2026-W48 for slack:C1"]  # once
    [row] = store.deliveries()
    assert (row.status, row.attempts, row.message_id) == (SENT, 2, message["ts"])
    [lookup] = api.called("conversations.history")
    assert lookup.args["channel"] == "C1" and lookup.args["include_all_metadata"] in ("1", "true", True)
    assert float(lookup.args["oldest"]) < float(message["ts"])
    assert await d.tick() == 0


async def test_a_post_that_never_reached_slack_is_posted_on_retry_once(store: DigestStore, api: FakeSlackAPI) -> None:
    d, wall = deliverer(store, api)
    api.fail("chat.postMessage", "fatal_error")
    assert await d.tick() == 0
    del api.errors["chat.postMessage"]
    wall.advance(seconds=30)
    assert await d.tick() == 1
    assert len(api.called("conversations.history")) == 1  # looked, found nothing of this delivery
    assert posts(api) == ["CX digest 2026-W48 for slack:C1"]
    assert store.deliveries()[0].message_id == api.history["C1"][0]["ts"]


async def test_a_lookup_that_fails_posts_again_rather_than_never(store: DigestStore, api: FakeSlackAPI) -> None:
    """The window left on Slack: without the history (scope removed) a retry cannot know, and posts."""
    d, wall = deliverer(store, api)
    api.delay("chat.postMessage", 1.5)
    assert await d.tick() == 0
    api.fail("conversations.history", "missing_scope")
    wall.advance(seconds=30)
    assert await d.tick() == 1
    assert len(posts(api)) == 2
    assert store.deliveries()[0].status == SENT


async def test_history_pages_newest_first_and_hides_metadata_unless_asked(api: FakeSlackAPI) -> None:
    port = SlackPort(make_client("xoxb-test", api.url))
    since = datetime.now(UTC)
    for n in range(40):
        await port.post(CHANNEL, Text(f"m{n}"), key=PostKey("digest", "delivery", str(n)))
    client = port.client
    first = await client.conversations_history(channel="C1", limit=15)
    assert [m["text"] for m in first["messages"]][:2] == ["m39", "m38"] and first["has_more"]
    assert "metadata" not in first["messages"][0]
    found = await port.find_posted(CHANNEL, PostKey("digest", "delivery", "3"), since)
    assert found is not None and found.id == api.history["C1"][3]["ts"]  # on the third page
    assert len(api.called("conversations.history")) == 1 + 3
    assert await port.find_posted(CHANNEL, PostKey("digest", "delivery", "99"), since) is None
    later = datetime.fromtimestamp(float(api.history["C1"][-1]["ts"]) + 1, UTC)
    assert await port.find_posted(CHANNEL, PostKey("digest", "delivery", "39"), later) is None  # before `oldest`
