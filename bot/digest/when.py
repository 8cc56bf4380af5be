"""When a subscription's digest is due: its weekday and time in its own time zone, once per ISO week."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Slot:
    """A weekly slot: `weekday` 0 = Monday, `minute` after local midnight, IANA `timezone`."""

    weekday: int = 0
    minute: int = 9 * 60
    timezone: str = "UTC"

    def describe(self) -> str:
        return f"{DAYS[self.weekday].title()}s at {self.minute // 60:02d}:{self.minute % 60:02d} ({self.timezone})"

    def due(self, now: datetime) -> tuple[str, datetime, datetime]:
        """For the local ISO week holding `now`: (its label, when the digest is due, when the week ends), UTC."""
        zone = ZoneInfo(self.timezone)
        local = now.astimezone(zone)
        year, week, _ = local.isocalendar()
        monday = date.fromisocalendar(year, week, 1)
        day = monday + timedelta(days=self.weekday)
        due = datetime.combine(day, time(self.minute // 60, self.minute % 60), zone)
        end = datetime.combine(monday + timedelta(days=7), time(0), zone)
        return f"{year}-W{week:02d}", due.astimezone(UTC), end.astimezone(UTC)


def parse_slot(words: list[str], default_zone: str) -> Slot:
    """`[day] [time] [timezone]` in any order (`friday 16:30 Europe/Berlin`); ValueError says what is wrong."""
    weekday, minute, zone = 0, 9 * 60, default_zone
    for word in words:
        w = word.strip().lower()
        days = [i for i, d in enumerate(DAYS) if len(w) >= 3 and d.startswith(w)]
        if days:
            weekday = days[0]
        elif m := _TIME.match(w):
            hour, mins = int(m.group(1)), int(m.group(2) or 0)
            if m.group(3):
                if not 1 <= hour <= 12:
                    raise ValueError(f"{word!r} is not a time")
                hour = hour % 12 + (12 if m.group(3).lower() == "pm" else 0)
            if hour > 23 or mins > 59:
                raise ValueError(f"{word!r} is not a time of day")
            minute = hour * 60 + mins
        elif "/" in word or word.upper() == "UTC":
            zone = "UTC" if word.upper() == "UTC" else word
        else:
            raise ValueError(f"I don't understand {word!r}: give a day (monday), a time (09:00) and/or a time zone (Europe/Berlin)")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {zone!r} (use an IANA name like Europe/Berlin)") from None
    return Slot(weekday, minute, zone)

