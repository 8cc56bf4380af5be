"""Recent answers reused: the same question asked again, or by many people at once, is answered once.

An answer depends on the question (whitespace collapsed, as the service reads it), the thread it was
asked in, the collections the asker may see and the index it was read from, so those make the key:
an ingest that changes the index makes every older entry a miss. Concurrent identical asks share one
computation (single flight): the first caller computes, the others wait for its answer or its error.
Nothing that failed is kept.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.ask.answer import Answer
from bot.core.model import Exchange

Key = tuple[str | None, frozenset[str] | None, str, tuple[tuple[str, str], ...]]

SIZE = 512
TTL_SECONDS = 600.0


@dataclass
class _Flight:
    done: threading.Event = field(default_factory=threading.Event)
    answer: Answer | None = None
    error: BaseException | None = None


class AnswerCache:
    """Answers by key for `ttl` seconds (at most `size` of them, least recently used dropped first).

    `answer(...)` blocks (call it from a worker thread); `version()` names the index the answers come from.
    """

    def __init__(self, answer: Callable[[str, tuple[Exchange, ...], frozenset[str] | None], Answer],
                 version: Callable[[], str | None], size: int = SIZE, ttl: float = TTL_SECONDS) -> None:
        self._compute = answer
        self._version = version
        self.size = size
        self.ttl = ttl
        self._done: OrderedDict[Key, tuple[float, Answer]] = OrderedDict()
        self._flights: dict[Key, _Flight] = {}
        self._lock = threading.Lock()
        self.computed = 0
        self.reused = 0

    def key(self, question: str, history: tuple[Exchange, ...], allowed: frozenset[str] | None) -> Key:
        said = tuple((" ".join(h.asked.split()), " ".join(h.answered.split())) for h in history)
        return (self._version(), allowed, " ".join(question.split()), said)

    def answer(self, question: str, history: tuple[Exchange, ...] = (), allowed: frozenset[str] | None = None) -> Answer:
        key = self.key(question, history, allowed)
        with self._lock:
            hit = self._done.get(key)
            if hit is not None and time.monotonic() - hit[0] < self.ttl:
                self._done.move_to_end(key)
                self.reused += 1
                return hit[1]
            flight = self._flights.get(key)
            leader = flight is None
            if flight is None:
                flight = self._flights[key] = _Flight()
        if not leader:
            return self._follow(flight)
        try:
            answer = flight.answer = self._compute(question, history, allowed)
        except BaseException as exc:
            flight.error = exc
            raise
        finally:
            with self._lock:
                del self._flights[key]
                if flight.answer is not None:
                    self.computed += 1
                    self._done[key] = (time.monotonic(), flight.answer)
                    while len(self._done) > self.size:
                        self._done.popitem(last=False)
            flight.done.set()
        return answer

    def _follow(self, flight: _Flight) -> Answer:
        flight.done.wait()
        if flight.error is not None:
            raise flight.error
        assert flight.answer is not None
        with self._lock:
            self.reused += 1
        return flight.answer
