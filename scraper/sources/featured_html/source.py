"""The featured-html source: its config, paging through `?page=N`, and which layout reads a page.

Extracts strings as printed (FORMATS.md section 1); `fetch` pages via the Fetcher; `parse` is pure.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import ClassVar

import httpx

from models.records import RawPosting
from scraper.config import SourceConfig
from scraper.errors import ParseError
from scraper.fetching import Fetcher, Page
from scraper.sources._markup import HtmlParser
from scraper.sources.featured_html._common import LISTING_STRAINER, _Context, _soup
from scraper.sources.featured_html.custom import _custom_cards
from scraper.sources.featured_html.detail import _detail_postings
from scraper.sources.featured_html.listing import _listing_cards
from scraper.sources.featured_html.widget import _widget_cards
from scraper.sources_file.schema import FeaturedHtmlOptions


class FeaturedHtmlSource:
    """aijobs.net-style boards: listing cards, older layouts, detail pages and the "Featured Job" widget."""

    kind: ClassVar[str] = "featured-html"

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        options = FeaturedHtmlOptions.of(config)
        self.max_pages = options.max_pages
        self.page_param = options.page_param
        self.selectors = options.selectors

    def fetch(self, fetcher: Fetcher) -> Iterator[Page]:
        """The listing pages, newest first, until a page has no new cards or `max_pages` is reached."""
        seen: set[str] = set()
        for number in range(1, self.max_pages + 1):
            url = self.config.url if number == 1 else page_url(self.config.url, self.page_param, number)
            page = fetcher.get(url, conditional=number == 1)
            if page.not_modified:
                # The newest page is unchanged, so there is nothing newer behind it either.
                yield page
                return
            # Parsing here as well as in the pipeline doubles the CPU per page, which is small beside
            # the politeness delay; it is what tells "past the last page" or "?page ignored" apart.
            keys = self._card_keys(page)
            if number > 1 and not keys - seen:
                return
            yield page
            if not keys:
                return
            seen |= keys

    def parse(self, page: Page) -> Iterator[RawPosting | ParseError]:
        return parse_featured_html(page, self.config.name, self.selectors)

    def _card_keys(self, page: Page) -> set[str]:
        try:
            return {
                item.external_id or item.url or ""
                for item in self.parse(page)
                if isinstance(item, RawPosting) and (item.external_id or item.url)
            }
        except ParseError:
            return set()


def page_url(url: str, param: str, number: int) -> str:
    """`url` with its page parameter set: page_url("https://aijobs.net/", "page", 2) -> "https://aijobs.net/?page=2"."""
    return str(httpx.URL(url).copy_set_param(param, str(number)))


def parse_featured_html(
    page: Page,
    source: str,
    selectors: Mapping[str, str] | None = None,
    *,
    parser: HtmlParser = "lxml",
    strain: bool = True,
) -> Iterator[RawPosting | ParseError]:
    """Every posting on a featured-html page; raises ParseError if the page carries none of the known layouts.

    `parser`/`strain` exist for bench/parse.py, which times the same extraction on other BeautifulSoup setups.
    """
    context = _Context(page=page, source=source)
    if selectors and "card_selector" in selectors:
        soup = _soup(page, parser)
        items = list(_custom_cards(soup, selectors, context))
        if not items:
            raise ParseError(f"no element matches card_selector {selectors['card_selector']!r}", url=page.url)
        yield from items
        return
    soup = _soup(page, parser, LISTING_STRAINER if strain else None)
    items = list(_listing_cards(soup, context))
    if not items:
        full = _soup(page, parser) if strain else soup
        items = list(_detail_postings(full, context)) + list(_widget_cards(full, context))
    if not items:
        raise ParseError("no job cards, job detail or featured-job widget on the page", url=page.url)
    yield from items
