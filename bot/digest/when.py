"""When a subscription's digest is due: its weekday and time in its own time zone, once per ISO week."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.i18n import N_, Translator, UserError, translator

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# German day names work too (`digest subscribe freitag 16:30`)
TAGE = ("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag")
EVERY = (N_("Mondays"), N_("Tuesdays"), N_("Wednesdays"), N_("Thursdays"), N_("Fridays"), N_("Saturdays"),
         N_("Sundays"))
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Slot:
    """A weekly slot: `weekday` 0 = Monday, `minute` after local midnight, IANA `timezone`."""

    weekday: int = 0
    minute: int = 9 * 60
    timezone: str = "UTC"

    def describe(self, t: Translator | None = None) -> str:
        """"Fridays at 16:30 (Europe/Berlin)" / "freitags um 16:30 (Europe/Berlin)"."""
        t = t or translator()
        return t.gettext("{days} at {time} ({zone})").format(
            days=t.gettext(EVERY[self.weekday]), time=f"{self.minute // 60:02d}:{self.minute % 60:02d}",
            zone=self.timezone)

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
        days = [i for names in (DAYS, TAGE) for i, d in enumerate(names) if len(w) >= 2 and d.startswith(w)]
        if days:
            weekday = days[0]
        elif m := _TIME.match(w):
            hour, mins = int(m.group(1)), int(m.group(2) or 0)
            if m.group(3):
                if not 1 <= hour <= 12:
                    raise UserError(N_("`{word}` is not a time"), word=word)
                hour = hour % 12 + (12 if m.group(3).lower() == "pm" else 0)
            if hour > 23 or mins > 59:
                raise UserError(N_("`{word}` is not a time of day"), word=word)
            minute = hour * 60 + mins
        elif "/" in word or word.upper() == "UTC":
            zone = "UTC" if word.upper() == "UTC" else word
        else:
            raise UserError(N_("I don't understand `{word}`: give a day (monday), a time (09:00) and/or a time zone "
                               "(Europe/Berlin)"), word=word)
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError(N_("unknown time zone `{zone}` (use an IANA name like Europe/Berlin)"), zone=zone) from None
    return Slot(weekday, minute, zone)

