"""Clocks the schedulers ask for "now", so tests and benches can move time faster than the wall.

- `SystemClock`: the real time.
- `FakeClock`: stands still until a test sets or advances it.
- `ScaledClock`: real time sped up, the same in every process given the same spec, so several
  replicas share one accelerated calendar (`CXBOT_CLOCK="2026-01-05T00:00:00+00:00@1764000000@100000"`:
  at Unix time 1764000000 it was 5 Jan 2026, and time runs 100,000 times faster than real time).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol, overload


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime) -> None:
        self.current = utc(start)

    def now(self) -> datetime:
        return self.current

    def set(self, when: datetime) -> None:
        self.current = utc(when)

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current


class ScaledClock:
    """`start` at Unix time `epoch`, then `speed` times faster than real time (standing still at `until`)."""

    def __init__(self, start: datetime, epoch: float, speed: float, until: datetime | None = None) -> None:
        self.start, self.epoch, self.speed, self.until = start, epoch, speed, until

    def now(self) -> datetime:
        now = self.start + timedelta(seconds=(time.time() - self.epoch) * self.speed)
        return min(now, self.until) if self.until else now

    def spec(self) -> str:
        end = f"@{self.until.isoformat()}" if self.until else ""
        return f"{self.start.isoformat()}@{self.epoch}@{self.speed}{end}"


@overload
def utc(value: datetime) -> datetime: ...
@overload
def utc(value: None) -> None: ...
def utc(value: datetime | None) -> datetime | None:
    """A time with its zone: a naive one is taken as UTC (SQLite hands every stored time back naive)."""
    return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)


def clock_from_spec(spec: str) -> Clock:
    """`""` gives the system clock; `START@EPOCH@SPEED[@UNTIL]` a scaled one (ValueError if malformed)."""
    if not spec.strip():
        return SystemClock()
    try:
        start, epoch, speed, *until = spec.split("@")
        when = utc(datetime.fromisoformat(start))
        end = utc(datetime.fromisoformat(until[0])) if until else None
        return ScaledClock(when, float(epoch), float(speed), end)
    except ValueError:
        raise ValueError(f"CXBOT_CLOCK must look like 2026-01-05T00:00:00+00:00@1764000000@1000, not {spec!r}") from None
