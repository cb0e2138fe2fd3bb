"""The fetcher every source test's fetch paths use: no robots, no delay, loopback allowed (respx or a local server)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from scraper.fetching import Fetcher
from tests.scraper.sources._kit import loopback_fetcher


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with loopback_fetcher() as client:
        yield client
