from __future__ import annotations

from datetime import timedelta

import pytest

from bot.pulse.parse import ParseError, StartArgs, parse_channel, parse_duration, parse_start


@pytest.mark.parametrize(("text", "expected"), [
    ("3d", timedelta(days=3)), ("12h", timedelta(hours=12)), ("90m", timedelta(minutes=90)),
    ("1w", timedelta(weeks=1)), ("2 days", timedelta(days=2)), ("1,5h", timedelta(minutes=90)),
    ("30s", timedelta(seconds=30)),
])
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["soon", "3", "1y", "200d", "2s"])
def test_bad_durations_say_what_works(text: str) -> None:
    with pytest.raises(ParseError):
        parse_duration(text)


@pytest.mark.parametrize(("token", "channel"), [
    ("<#C123ABC|cx-team>", "C123ABC"), ("<#C123ABC>", "C123ABC"), ("#general", "general"), ("C999", "C999"),
])
def test_channels(token: str, channel: str) -> None:
    assert parse_channel(token) == channel


def test_start_arguments_in_any_order() -> None:
    assert parse_start("") == StartArgs()
    assert parse_start("customer-centricity de for 2 days in <#C1|x>") == StartArgs(
        "customer-centricity", "de", timedelta(days=2), "C1")
    assert parse_start("for 1w in #cx") == StartArgs(None, None, timedelta(weeks=1), "cx")


def test_unknown_words_are_explained() -> None:
    with pytest.raises(ParseError, match="Usage"):
        parse_start("one two three")
