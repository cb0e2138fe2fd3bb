"""The ATS adapters that read a job list, then each posting's detail (workable, smartrecruiters, workday,
bamboohr): their shared shape (`ListDetailSource`), the endpoint base, a fetch that outlives a withdrawn
posting, place strings. No interpretation of values.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, ClassVar

from models.records import RawPosting
from scraper.config import SourceConfig
from scraper.errors import HTTPStatusError, ParseError
from scraper.fetching import Fetcher, Page
from scraper.sources._api import describe, item_error, json_board, load_json, require_jobs, text, unique

logger = logging.getLogger(__name__)

JSON_HEADERS = {"Accept": "application/json"}
# A posting listed a moment ago and closed since: its detail answers 404 (or 410), which is not a failed run.
GONE_STATUSES = frozenset({404, 410})


def api_base(config: SourceConfig) -> str:
    """`url` without its trailing slash: the host (or mirror prefix) the kind's endpoint paths are put on."""
    return config.url.rstrip("/")


def fetch_optional(fetcher: Fetcher, url: str, source: str) -> Page | None:
    """GET `url`; None when it answers 404/410 (withdrawn since it was listed). Other failures raise."""
    try:
        return fetcher.get(url, headers=JSON_HEADERS)
    except HTTPStatusError as exc:
        if exc.status_code not in GONE_STATUSES:
            raise
        logger.info("%s: %s answered %d; skipped", source, url, exc.status_code)
        return None


def decoded(page: Page) -> Any:
    """The page as JSON for `fetch` to steer paging; None when it is not JSON (`parse` reports that)."""
    try:
        return load_json(page)
    except ParseError:
        return None


def next_offset(offset: int, total: int | None, cards: list[Any]) -> tuple[int, int | None] | None:
    """The (offset, total) cursor after a page of `cards` read at `offset`; None once the list is read."""
    offset += len(cards)
    return None if not cards or (total is not None and offset >= total) else (offset, total)


def place(fields: Mapping[str, Any], keys: Iterable[str]) -> str | None:
    """The place a location object names, its parts joined as printed: "Athens, Attica, Greece"."""
    return ", ".join(unique(text(fields, key) for key in keys)) or None


class ListDetailSource:
    """The shape of an adapter that pages a list, then fetches each listed posting's detail (workable,
    smartrecruiters, workday, bamboohr).

    What is shared: `fetch` hands over the list pages, then one detail page per listed key, in list order and
    once each (a detail gone since it was listed, 404/410, is skipped); `parse` tells a detail page from a
    list page by its URL path, yields a posting per detail page and, from a list page, only the cards that
    cannot be followed. What stays each adapter's own: its paging (`listed_pages`, or the `paged` driver
    steered by `list_page` and `next_cursor`), its URLs, what makes a card's key, and its posting.
    """

    config: SourceConfig
    max_pages: int
    allow_empty: bool = False
    max_details: int | None = None  # detail pages read per run; None: every listed one
    # For messages: "a Workday job list", the list's key ("jobPostings"), "a Workday job detail", what the
    # list's cards are ("jobs"), and the error for a card that cannot be followed.
    list_name: ClassVar[str]
    items_key: ClassVar[str]
    detail_name: ClassVar[str]
    cards_noun: ClassVar[str] = "jobs"
    keyless: ClassVar[str]
    first_cursor: ClassVar[Any] = None  # where `paged` starts

    @property
    def log(self) -> logging.Logger:
        return logging.getLogger(type(self).__module__)  # the adapter's own logger, as if it logged itself

    # --- what each adapter says -----------------------------------------------------------------------------

    def card_key(self, card: Any) -> str | None:
        """What the detail URL of a listed card is built from; None for a card that cannot be followed."""
        raise NotImplementedError

    def detail_url(self, key: str) -> str:
        raise NotImplementedError

    def is_detail(self, page: Page) -> bool:
        raise NotImplementedError

    def public(self, document: dict[str, Any]) -> dict[str, Any] | None:
        """The object of a detail document a posting is read from; None when it is not a public posting."""
        return document

    def posting(self, item: dict[str, Any], document: dict[str, Any], page: Page) -> RawPosting:
        raise NotImplementedError

    def listed(self, card: Any) -> bool:
        """False for a card the board lists but never shows (Workable's internal jobs): no error, no detail."""
        return True

    def check_listed(self, page: Page, cards: list[Any]) -> None:
        require_jobs(page, cards, self.allow_empty)  # fetch never hands over an empty later page

    # --- fetch ----------------------------------------------------------------------------------------------

    def fetch(self, fetcher: Fetcher) -> Iterator[Page]:
        keys: list[str] = []
        for page, cards in self.listed_pages(fetcher):
            yield page
            keys += [key for card in cards or () if self.listed(card) and (key := self.card_key(card))]
        yield from self.fetch_details(fetcher, unique(keys))

    def listed_pages(self, fetcher: Fetcher) -> Iterator[tuple[Page, list[Any] | None]]:
        """Every page of the list stage with the cards it lists (None: not a list, which `parse` reports)."""
        return self.paged(fetcher)

    def list_page(self, fetcher: Fetcher, cursor: Any) -> Page:
        """The list page at `cursor` (an offset, a `nextPage` token...); `paged` starts at `first_cursor`."""
        raise NotImplementedError

    def next_cursor(self, cursor: Any, document: dict[str, Any], cards: list[Any]) -> Any:
        """The cursor of the page after this one, or None when this one is the last."""
        raise NotImplementedError

    def paged(self, fetcher: Fetcher) -> Iterator[tuple[Page, list[Any] | None]]:
        """The list pages from `first_cursor` on, up to `max_pages`. A later page that comes back empty is not
        handed over: the list ended (or shrank) while it was read. A page that is not a list ends the paging."""
        cursor = self.first_cursor
        for number in range(self.max_pages):
            page = self.list_page(fetcher, cursor)
            document = decoded(page)
            cards = document.get(self.items_key) if isinstance(document, dict) else None
            if number > 0 and not cards:
                return
            if not isinstance(cards, list) or not isinstance(document, dict):
                yield page, None
                return
            yield page, cards
            cursor = self.next_cursor(cursor, document, cards)
            if cursor is None:
                return
        self.log.warning(
            "%s: stopped after max_pages = %d; later %s were not read",
            self.config.name,
            self.max_pages,
            self.cards_noun,
        )

    def fetch_details(self, fetcher: Fetcher, keys: Sequence[str]) -> Iterator[Page]:
        for count, key in enumerate(keys):
            if self.max_details is not None and count >= self.max_details:
                self.log.warning(
                    "%s: stopped after max_pages = %d details; %d %s were not read",
                    self.config.name,
                    self.max_details,
                    len(keys) - count,
                    self.cards_noun,
                )
                return
            try:
                yield fetcher.get(self.detail_url(key), headers=JSON_HEADERS)
            except HTTPStatusError as exc:
                if exc.status_code not in GONE_STATUSES:
                    raise
                self.gone(key, exc.status_code)

    def gone(self, key: str, status: int) -> None:
        """A listed posting whose detail answered 404/410: withdrawn since, skipped."""
        self.log.info("%s: %s answered %d; skipped", self.config.name, self.detail_url(key), status)

    # --- parse ----------------------------------------------------------------------------------------------

    def parse(self, page: Page) -> Iterator[RawPosting | ParseError]:
        if self.is_detail(page):
            yield from self.parse_detail(page)
        else:
            yield from self.parse_list(page)

    def parse_list(self, page: Page) -> Iterator[RawPosting | ParseError]:
        cards = json_board(page, self.items_key, self.list_name)
        self.check_listed(page, cards)
        for index, card in enumerate(cards):
            if self.listed(card) and self.card_key(card) is None:
                yield item_error(page, index, card, ParseError(self.keyless))

    def parse_detail(self, page: Page) -> Iterator[RawPosting | ParseError]:
        document = load_json(page)
        if not isinstance(document, dict) or not document:
            raise ParseError(f"{page.url}: expected {self.detail_name}, got {describe(document)}", url=page.url)
        item = self.public(document)
        if item is None:
            return
        try:
            yield self.posting(item, document, page)
        except ParseError as exc:
            yield item_error(page, 0, item, exc)
