"""Shared seams for fetcher tests: a fake clock that records sleeps, a fake resolver, a respx router."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import respx

from scraper.fetching import Fetcher, FetchPolicy

PUBLIC_IP = "93.184.216.34"
FAKE_DNS = {
    "intranet.example": ["10.0.0.5"],
    "metadata.example": ["169.254.169.254"],
    "mixed.example": [PUBLIC_IP, "127.0.0.1"],
}
NOW = datetime(2026, 11, 29, 10, 0, 0, tzinfo=UTC)


class FakeClock:
    """A monotonic clock that only moves when something sleeps; every sleep is recorded."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class TopOfRange(random.Random):
    """Jitter that always picks the top of its range, so the backoff schedule is exact."""

    def uniform(self, a: float, b: float) -> float:
        return b


def fake_resolver(host: str, port: int) -> list[str]:
    return FAKE_DNS.get(host, [PUBLIC_IP])


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    # assert_all_mocked (the default) makes every unmocked request fail.
    with respx.mock(assert_all_called=False) as mock:
        yield mock


@pytest.fixture
def make_fetcher(clock: FakeClock) -> Callable[..., Fetcher]:
    """Fetcher on the fake clock; robots off and no per-host delay unless a test asks for them."""

    def build(**overrides: Any) -> Fetcher:
        extra = {
            key: overrides.pop(key)
            for key in ("validators", "throttle", "rng", "resolver", "robots")
            if key in overrides
        }
        settings: dict[str, Any] = {"obey_robots": False, "min_delay_seconds": 0.0, **overrides}
        return Fetcher(
            FetchPolicy(**settings),
            clock=clock,
            sleep=clock.sleep,
            rng=extra.pop("rng", TopOfRange()),
            resolver=extra.pop("resolver", fake_resolver),
            now=lambda: NOW,
            **extra,
        )

    return build
