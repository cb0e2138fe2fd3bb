"""What every source adapter looks like: `fetch` does I/O through the Fetcher, `parse` is pure."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar, Protocol

from models.records import RawPosting
from scraper.config import SourceConfig
from scraper.errors import ParseError
from scraper.fetching import Fetcher, Page


class Source(Protocol):
    """A source adapter, built from its SourceConfig.

    fetch(fetcher): the pages of one run, in order; I/O only through `fetcher`. A failure raises FetchError.
    parse(page): pure. Yields a RawPosting per card; a card that cannot be read is *yielded* as a
    ParseError (counted and skipped); a page that is not what the source expects at all (an HTML
    maintenance page where JSON was expected, `[]` or `{}` where a board lists jobs) *raises* ParseError.
    """

    kind: ClassVar[str]
    config: SourceConfig

    def fetch(self, fetcher: Fetcher) -> Iterator[Page]: ...

    def parse(self, page: Page) -> Iterator[RawPosting | ParseError]: ...
