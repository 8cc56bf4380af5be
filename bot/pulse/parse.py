"""Reading `pulse start [template] [de|en] [for <duration>] [in #channel]` and durations like `3d`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from bot.i18n import N_, UserError

MIN_DURATION = timedelta(seconds=10)
MAX_DURATION = timedelta(days=90)
UNITS = {
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600, "std": 3600, "stunden": 3600,
    "d": 86400, "day": 86400, "days": 86400, "tag": 86400, "tage": 86400,
    "w": 604800, "week": 604800, "weeks": 604800, "woche": 604800, "wochen": 604800,
}
DURATION_RE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*([a-z]+)\s*$", re.IGNORECASE)
# Slack channel mentions arrive as <#C123|name> or <#C123>; elsewhere people write #name or a bare id.
CHANNEL_RE = re.compile(r"^(?:<#([A-Z0-9]+)(?:\|[^>]*)?>|#?([\w.:@-]+))$")
LANGS = ("en", "de")


class ParseError(UserError):
    """Input that cannot be understood; `text(t)` is what the person sees, in their language."""


def parse_duration(text: str) -> timedelta:
    """`3d`, `2 days`, `90m`, `1w`, `12h` -> timedelta, within MIN_DURATION..MAX_DURATION."""
    match = DURATION_RE.match(text)
    unit = UNITS.get(match.group(2).lower()) if match else None
    if not match or unit is None:
        raise ParseError(N_("I can't read the duration `{text}`; try e.g. `3d`, `12h`, `90m` or `1w`."), text=text)
    delta = timedelta(seconds=float(match.group(1).replace(",", ".")) * unit)
    if not MIN_DURATION <= delta <= MAX_DURATION:
        raise ParseError(N_("A pulse can run between 10 seconds and 90 days."))
    return delta


def parse_channel(token: str) -> str:
    """A channel id from `<#C123|name>`, `<#C123>`, `#name` or a bare id."""
    match = CHANNEL_RE.match(token.strip())
    if not match:
        raise ParseError(N_("I can't tell which channel `{token}` is; mention it like #channel."), token=token)
    return match.group(1) or match.group(2)


@dataclass(frozen=True)
class StartArgs:
    """What `pulse start` / `pulse schedule` were asked for; None means the default."""

    template: str | None = None
    lang: str | None = None
    duration: timedelta | None = None
    channel: str | None = None


def parse_start(text: str) -> StartArgs:
    """Parse the words after `pulse start` (or after the cadence of `pulse schedule`)."""
    words = text.split()
    template = lang = channel = None
    duration = None
    i = 0
    while i < len(words):
        word, low = words[i], words[i].lower()
        if low in ("for", "für") and i + 1 < len(words):
            # "for 3 days" or "for 3d"
            if i + 2 < len(words) and words[i + 1].replace(",", ".").replace(".", "", 1).isdigit():
                duration = parse_duration(words[i + 1] + words[i + 2])
                i += 3
            else:
                duration = parse_duration(words[i + 1])
                i += 2
            continue
        if low in ("in", "im") and i + 1 < len(words):
            channel = parse_channel(words[i + 1])
            i += 2
            continue
        if low in LANGS and lang is None:
            lang = low
        elif template is None:
            template = low
        else:
            raise ParseError(N_("I don't understand `{word}`. Usage: `pulse start [template] [en|de] "
                                "[for 3d] [in #channel]`."), word=word)
        i += 1
    return StartArgs(template, lang, duration, channel)
