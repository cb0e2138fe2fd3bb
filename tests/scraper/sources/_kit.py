"""What the per-kind source tests share: a kind's source built from its options, pages of its fixtures in the
real wire format, respx answers of them, the comparison without the audit payload, and the property every
adapter holds (parse raises nothing but ParseError).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Generic, TypeVar

from models.records import RawPosting
from scraper.config import SourceConfig
from scraper.errors import ParseError
from scraper.fetching import Fetcher, FetchPolicy, Page
from scraper.sources.base import Source

FIXTURES = Path(__file__).parents[2] / "fixtures" / "sources"
JSON = "application/json"

S = TypeVar("S", bound=Source)


@dataclass(frozen=True)
class Kit(Generic[S]):
    """One kind's test setup: `Kit(WorkdaySource, "halcyon", "workday", FETCHED_AT, HOST, {"board": ...})`."""

    cls: type[S]
    name: str  # the source's name in its configuration
    folder: str  # tests/fixtures/sources/<folder>
    fetched_at: datetime
    url: str  # the configured url a test gets unless it gives one
    options: Mapping[str, Any] = field(default_factory=dict)  # options a test gets unless it overrides them
    page_url: str | None = None  # the URL a fixture page is served at unless a test gives one
    content_type: str = JSON

    @property
    def fixtures(self) -> Path:
        return FIXTURES / self.folder

    def source(self, url: str | None = None, *, name: str | None = None, **options: Any) -> S:
        config = SourceConfig(
            name=name or self.name,
            kind=self.cls.kind,
            url=self.url if url is None else url,
            every_seconds=3600,
            options={**self.options, **options},
        )
        return self.cls(config)  # type: ignore[call-arg]  # every adapter is built from its SourceConfig

    def page(self, fixture: str, url: str | None = None, *, content_type: str | None = None) -> Page:
        """The fixture file as the page fetched from `url` (else `page_url`)."""
        return self.raw_page((self.fixtures / fixture).read_bytes(), url, content_type=content_type)

    def json_page(self, document: Any, url: str | None = None) -> Page:
        return self.raw_page(json.dumps(document).encode(), url, content_type=JSON)

    def raw_page(self, content: bytes, url: str | None = None, *, content_type: str | None = None) -> Page:
        where = url if url is not None else self.page_url
        assert where is not None, "a page needs a URL: give one or set the kit's page_url"
        headers = {"content-type": content_type or self.content_type}
        return Page(url=where, status=200, headers=headers, content=content, fetched_at=self.fetched_at)

    def respond(self, fixture: str) -> dict[str, Any]:
        """respx `.respond(200, **kit.respond(name))` keyword arguments serving a fixture file."""
        return {"content": (self.fixtures / fixture).read_bytes(), "headers": {"content-type": self.content_type}}


def strip(result: RawPosting | ParseError) -> RawPosting | ParseError:
    """A posting without the audit payload and the fetch time (tests check those on their own)."""
    return dataclasses.replace(result, payload=None, fetched_at=None) if isinstance(result, RawPosting) else result


def parses_to_postings_or_errors(source: Source, page: Page) -> None:
    """The property of every parser: it raises nothing but ParseError, and yields only RawPosting or ParseError."""
    try:
        results = list(source.parse(page))
    except ParseError:
        return
    assert all(isinstance(result, RawPosting | ParseError) for result in results)


def loopback_fetcher() -> Fetcher:
    """A fetcher for respx or a local server: no robots, no delay, loopback allowed."""
    return Fetcher(FetchPolicy(obey_robots=False, min_delay_seconds=0, allow_private_network=True))


def assert_golden(
    results: list[RawPosting | ParseError],
    expected: Sequence[Any],
    items: Sequence[Any],
    *,
    url: str,
    fetched_at: datetime,
    compare: Callable[[RawPosting | ParseError], Any] = strip,
) -> None:
    """A golden parse of one page: each result is its expected posting (through `compare`: the posting without its
    payload and fetch time) carrying the item it was read from as its payload and the page's fetch time, or, where
    a string is expected, the ParseError `"{url}: {string}"` of a skipped card."""
    assert len(results) == len(expected)
    for result, want, item in zip(results, expected, items, strict=True):
        if isinstance(want, str):
            assert isinstance(result, ParseError)
            assert (str(result), result.url) == (f"{url}: {want}", url)
        else:
            assert compare(result) == want
            assert isinstance(result, RawPosting)
            assert result.payload == item
            assert result.fetched_at == fetched_at
