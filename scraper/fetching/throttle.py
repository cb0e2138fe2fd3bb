"""Per-host politeness: a minimum interval between request starts and a bound on requests in flight.

Thread-safe, so fetchers of several source runs can share one; it waits, it never fetches.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(slots=True)
class _HostState:
    next_start: float = float("-inf")
    in_flight: int = 0  # holders of a slot, including those still sleeping until their start time


class HostThrottle:
    """Grants each request to a host a start time; `slot(host, interval)` waits for it.

    A slot is reserved under the lock (start = max(now, previous start + interval)) and slept
    for outside it, so waiters are served in arrival order and no thread sleeps holding the lock.
    The interval is per call because fetchers sharing a throttle may follow different robots.txt
    `Crawl-delay`s and policies; the in-flight bound is the throttle's own.
    """

    def __init__(
        self,
        max_in_flight: int = 2,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if max_in_flight < 1:
            raise ValueError("max_in_flight must be at least 1")
        self.max_in_flight = max_in_flight
        self._clock = clock
        self._sleep = sleep
        self._hosts: dict[str, _HostState] = {}
        self._changed = threading.Condition()

    @contextmanager
    def slot(self, host: str, interval_seconds: float) -> Iterator[float]:
        """Hold one of the host's slots for the body of the `with`; yields the seconds waited."""
        key = host.lower()
        with self._changed:
            state = self._hosts.setdefault(key, _HostState())
            while state.in_flight >= self.max_in_flight:
                self._changed.wait()
            now = self._clock()
            start = max(now, state.next_start)
            state.next_start = start + max(0.0, interval_seconds)
            state.in_flight += 1
        try:
            waited = start - now
            if waited > 0:
                self._sleep(waited)
            yield max(0.0, waited)
        finally:
            with self._changed:
                state.in_flight -= 1
                self._changed.notify_all()
