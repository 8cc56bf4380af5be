"""Observer hooks: a part says what it just did, and whoever cares (operations' metrics) listens.

A part owns an `Observers[Event]` and calls `notify(event)`; listeners register with `add(callback)`.
Nobody wraps or replaces the part's methods, so reading the part shows everything that runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

Event = TypeVar("Event")


class Observers(Generic[Event]):
    """The callbacks told about each event of one kind. A failing callback is logged, never raised."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[[Event], None]] = []

    def add(self, callback: Callable[[Event], None]) -> None:
        """Call `callback(event)` for every event from now on (adding it again has no effect)."""
        if callback not in self._callbacks:
            self._callbacks.append(callback)

    def notify(self, event: Event) -> None:
        for callback in self._callbacks:
            try:
                callback(event)
            except Exception:
                log.exception("observer failed", extra={"observer": getattr(callback, "__qualname__", "?")})
