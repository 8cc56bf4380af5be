"""The edge's other duties: mounting, App Home, user groups, uploads, updates, de-duplication storage."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from aiohttp import web
from slack_testkit import Slack, fixture, mention

from bot.app import build_services
from bot.core.model import Block, Card, Conversation, Image, MessageRef, Section, Text, User
from bot.core.router import Turn
from bot.settings import Settings
from bot.slack import edge
from bot.slack.seen import SeenEvents


def test_mount_says_no_without_slack_credentials(settings: Settings) -> None:
    services = build_services(settings)
    try:
        assert edge.mount(web.Application(), services) is False
    finally:
        services.close()


async def test_app_home_shows_commands_and_feature_sections(slack: Slack) -> None:
    async def pulse_section(user: User, language: str) -> list[Block]:
        return [Section(f"**Latest pulse** for {user.id}")]

    async def broken_section(user: User, language: str) -> list[Block]:
        raise RuntimeError("feature down")

    slack.services.home_sections += [pulse_section, broken_section]
    body = fixture("events_app_mention.json")
    body.update(event_id="EvHome", event={"type": "app_home_opened", "user": "W222", "channel": "D111",
                                          "tab": "home", "event_ts": "1.2"})
    assert (await slack.event(body)).status == 200
    [publish] = await slack.fake.wait_for("views.publish")
    assert publish.args["user_id"] == "W222"
    view = publish.args["view"]
    text = str(view["blocks"])
    assert view["type"] == "home" and "/cx ask &lt;question&gt;" in text and "*Latest pulse* for W222" in text


async def test_user_groups_are_attached_to_the_inbound_user(slack: Slack) -> None:
    slack.fake.usergroups = [{"id": "S1", "handle": "cx-evangelists", "users": ["W222", "W333"]}]
    seen: list[tuple[str, ...]] = []

    async def whoami(turn: Turn) -> None:
        """Say who I am."""
        seen.append(turn.inbound.user.groups)
        await turn.reply(Text("ok"))

    slack.services.router.add_command("whoami", whoami)
    await slack.event(mention("whoami", event_id="EvWho"))
    await slack.fake.wait_for("chat.postMessage")
    assert seen == [("S1", "@cx-evangelists")]
    await slack.event(mention("whoami", event_id="EvWho2"))
    await slack.fake.wait_for("chat.postMessage", 2)
    assert len(slack.fake.called("usergroups.list")) == 1


async def test_failing_user_group_lookup_never_blocks_the_answer(slack: Slack) -> None:
    slack.fake.fail("usergroups.list", "missing_scope")
    await slack.event(mention(event_id="EvNoScope"))
    [post] = await slack.fake.wait_for("chat.postMessage")
    assert "feedback:up" in str(post.args["blocks"])


async def test_card_images_are_uploaded_into_the_thread_and_messages_can_be_updated(slack: Slack) -> None:
    port = slack.edge.port
    where = Conversation("slack", "C222", "channel", "9.9")
    ref = await port.post(where, Card(title="Digest", blocks=(Section("Week 47"), Image("NPS trend", data=b"PNGDATA"))))
    assert ref is not None and ref.id
    [complete] = slack.fake.called("files.completeUploadExternal")
    assert (complete.args["channel_id"], complete.args["thread_ts"]) == ("C222", "9.9")
    assert list(slack.fake.uploads.values()) == [b"PNGDATA"]
    await port.update(MessageRef(where, ref.id), Text("closed"))
    [update] = slack.fake.called("chat.update")
    assert (update.args["channel"], update.args["ts"], update.args["text"]) == ("C222", ref.id, "closed")


def seen_claims(settings: Settings) -> None:
    services = build_services(settings)
    try:
        replica_a, replica_b = SeenEvents(services.db), SeenEvents(services.db)
        assert replica_a.claim("Ev1") is True
        assert replica_b.claim("Ev1") is False
        assert replica_b.claim("Ev2") is True
        assert replica_a.purge(datetime.now(UTC) + timedelta(days=2)) == 2
        assert replica_a.claim("Ev1") is True
    finally:
        services.close()


def test_event_ids_are_claimed_once_across_replicas_sqlite(settings: Settings) -> None:
    seen_claims(settings)


def test_event_ids_are_claimed_once_across_replicas_postgres(settings_factory: Callable[..., Settings], pg_url: str) -> None:
    seen_claims(settings_factory(DATABASE_URL=pg_url))


async def test_concurrent_duplicate_deliveries_answer_once(slack: Slack) -> None:
    body = mention(event_id="EvBurst")
    statuses = await asyncio.gather(*(slack.event(body) for _ in range(10)))
    assert {r.status for r in statuses} == {200}
    await slack.settle()
    assert len(slack.fake.called("chat.postMessage")) == 1
