"""User ids typed into stored text are taken out before a page or export shows it; words stay."""

from __future__ import annotations

import pytest

from bot.core.privacy import scrub_ids


@pytest.mark.parametrize("text", ["ask <@U0123ABCD> now", "ask <@W0123ABCD|ana> now", "ask U0123ABCD now",
                                  "ask <at>Ana Lima</at> now", "ask 29:1kbOecyrymSn1FtrbJlQNF now",
                                  "ask 6d415fdd-f97e-4f70-ac45-e69601e4ecb2 now"])
def test_a_slack_or_teams_user_id_becomes_someone(text: str) -> None:
    assert scrub_ids(text) == "ask @someone now"


def test_words_and_channel_ids_stay() -> None:
    text = "UNDERSTANDING WEBSOCKETS in C0DASH0000 and 19:abc@thread.tacv2 at 12:30"
    assert scrub_ids(text) == text
