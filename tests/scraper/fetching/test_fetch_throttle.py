"""Per-host politeness: minimum interval between request starts, at most N in flight, shared across threads."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from itertools import pairwise
from typing import Any

import httpx
import respx

from scraper.fetching import Fetcher, FetchPolicy, HostThrottle


def test_interval_applies_per_host(clock: Any) -> None:
    throttle = HostThrottle(clock=clock, sleep=clock.sleep)
    waits = []
    for host in ["a.example", "a.example", "b.example", "A.EXAMPLE"]:
        with throttle.slot(host, 2.0) as waited:
            waits.append(waited)

    assert waits == [0.0, 2.0, 0.0, 2.0]
    assert clock.sleeps == [2.0, 2.0]


def test_interval_counts_from_the_previous_start(clock: Any) -> None:
    throttle = HostThrottle(clock=clock, sleep=clock.sleep)
    with throttle.slot("a.example", 3.0):
        clock.now += 1.0  # the request itself took a second
    with throttle.slot("a.example", 3.0) as waited:
        pass

    assert waited == 2.0


def test_a_request_that_went_out_late_keeps_the_next_one_an_interval_away(clock: Any) -> None:
    # The second request's thread wakes 0.3 s after its reserved start (a busy machine); the third, reserved an
    # interval after the second's reserved start, still goes out a whole interval after the second really did.
    overslept = []

    def sleep(seconds: float) -> None:
        clock.sleep(seconds + (0.3 if not overslept else 0.0))
        overslept.append(seconds)

    throttle = HostThrottle(clock=clock, sleep=sleep)
    started = []
    for _ in range(3):
        with throttle.slot("a.example", 1.0):
            started.append(clock.now)
    assert [round(b - a, 3) for a, b in pairwise(started)] == [1.3, 1.0]


def test_min_delay_between_fetches(clock: Any) -> None:
    started: list[float] = []
    with respx.mock:
        respx.get(url__startswith="https://a.example/").mock(side_effect=record_start(started, clock))
        fetcher = Fetcher(
            FetchPolicy(obey_robots=False, min_delay_seconds=1.5, allow_private_network=True),
            clock=clock,
            sleep=clock.sleep,
        )
        for n in range(3):
            fetcher.get(f"https://a.example/{n}")

    assert [later - earlier for earlier, later in pairwise(started)] == [1.5, 1.5]


def _max_concurrency(max_in_flight: int, threads: int) -> int:
    throttle = HostThrottle(max_in_flight)
    active = peak = 0
    lock = threading.Lock()

    def work() -> None:
        nonlocal active, peak
        with throttle.slot("a.example", 0.0):
            with lock:
                active += 1
                peak = max(peak, active)
            time.sleep(0.02)  # hold the slot so that others pile up behind it
            with lock:
                active -= 1

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return peak


def test_at_most_n_in_flight_per_host_across_threads() -> None:
    assert _max_concurrency(max_in_flight=2, threads=8) <= 2
    assert _max_concurrency(max_in_flight=1, threads=4) == 1


def test_shared_throttle_bounds_fetchers_in_several_threads() -> None:
    throttle = HostThrottle(max_in_flight=1)
    active = peak = 0
    lock = threading.Lock()

    def answer(request: httpx.Request) -> httpx.Response:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.01)
        with lock:
            active -= 1
        return httpx.Response(200)

    def run(fetcher: Fetcher) -> None:
        for n in range(3):
            fetcher.get(f"https://a.example/{n}")

    with respx.mock:
        respx.get(url__startswith="https://a.example/").mock(side_effect=answer)
        policy = FetchPolicy(obey_robots=False, min_delay_seconds=0.0, allow_private_network=True)
        fetchers = [Fetcher(policy, throttle=throttle) for _ in range(3)]
        workers = [threading.Thread(target=run, args=(fetcher,)) for fetcher in fetchers]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()

    assert peak == 1
    assert sum(fetcher.stats.requests for fetcher in fetchers) == 9


def record_start(started: list[float], clock: Any) -> Callable[[httpx.Request], httpx.Response]:
    def answer(request: httpx.Request) -> httpx.Response:
        started.append(clock())
        return httpx.Response(200)

    return answer
