""""Share in channel" is the ask feature's action: any platform renders the button and the post."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import build_services
from bot.ask.cards import SHARE
from bot.core.model import Actions, Card, Context, Conversation, Inbound, InboundKind, Text, User
from bot.settings import Settings
from testkit.ports import RecordingPort

ROOM = Conversation("console", "room-1", "channel", team="T1")
ANA = User("console", "u-ana", name="Ana")


async def test_a_private_answer_is_shared_where_it_was_asked_without_the_share_button(
    sample_index: Settings, tmp_path: Path, settings_factory: Callable[..., Settings],
) -> None:
    shutil.copytree(sample_index.data_dir / "chroma", tmp_path / "data" / "chroma")
    services = build_services(settings_factory())
    port = RecordingPort()
    try:
        asked = Inbound(InboundKind.COMMAND, ROOM, ANA, text="ask How fast must we acknowledge a complaint?",
                        private=True)
        await services.router.dispatch(asked, port)
        private = port.pop()
        assert isinstance(private, Card)
        [share] = [b for blk in private.blocks if isinstance(blk, Actions) for b in blk.buttons if b.action == SHARE]
        await services.router.dispatch(Inbound(InboundKind.ACTION, ROOM, ANA, action=SHARE, value=share.value), port)
        verb, where, shared = port.sent.pop(0)
        assert (verb, where) == ("post", ROOM)
        assert isinstance(shared, Card)
        assert shared.blocks[0] == Context("shared an answer from cxbot", by=ANA)
        without_share = tuple(
            Actions(tuple(b for b in blk.buttons if b.action != SHARE)) if isinstance(blk, Actions) else blk
            for blk in private.blocks
        )
        assert shared.blocks[1:] == without_share and shared.fallback == private.fallback

        services.features.ask.shareable.purge(datetime.now(UTC) + timedelta(days=2))
        await services.router.dispatch(Inbound(InboundKind.ACTION, ROOM, ANA, action=SHARE, value=share.value), port)
        [(verb, _where, gone)] = port.sent
        assert verb == "reply" and isinstance(gone, Text) and "no longer available" in gone.text
        assert "`ask <question>`" in gone.text  # the console runs commands by their word: no `/cx`
    finally:
        services.close()
