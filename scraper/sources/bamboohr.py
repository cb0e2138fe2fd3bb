"""BambooHR careers site: `GET {url}/careers/list` lists the openings, `GET {url}/careers/{id}/detail` describes
one; every open opening -> RawPosting, read from its detail page.

Extracts strings as found; `compensation` is free text (kept as `salary_text`). Where the shape comes from:
tests/fixtures/sources/bamboohr/README.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from models.records import RawPosting
from scraper.config import SourceConfig
from scraper.errors import ParseError
from scraper.fetching import Fetcher, Page
from scraper.sources._api import (
    absolute_url,
    board_endpoint,
    describe,
    load_json,
    mapping,
    text,
    unique,
)
from scraper.sources._company import company_name
from scraper.sources._listing import JSON_HEADERS, ListDetailSource, decoded
from scraper.sources_file.schema import AtsOptions

LIST_PATH = "/careers/list"
DEFAULT_MAX_PAGES = 500  # detail pages read per run, one per opening


class BambooHrSource(ListDetailSource):
    """A BambooHR careers site: `board = "acme"` with `url = "https://acme.bamboohr.com"` (or a mirror); a `url`
    with a path is the complete list endpoint, and details are read beside it (`.../careers/{id}/detail`).

    Options: `board` (required), `company` (BambooHR names no company: else the board slug made readable),
    `max_pages` (500: the detail pages read per run). An opening whose detail says it is not "Open" is left
    out; one whose detail is gone (404) since the list was read is skipped. `isRemote` is the workplace
    marker as found; `locationType` codes are not documented (public consumers disagree on them), so they
    stay in the payload uninterpreted. `fetch` and `parse` are _listing.ListDetailSource's: one list page, then
    each opening's detail.
    """

    kind: ClassVar[str] = "bamboohr"
    list_name: ClassVar[str] = "a BambooHR list"
    items_key: ClassVar[str] = "result"
    cards_noun: ClassVar[str] = "openings"
    keyless: ClassVar[str] = "an opening without an id (its detail cannot be read)"

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        options = AtsOptions.of(config)
        self.board = options.board
        self.url = board_endpoint(config.url, options.board, LIST_PATH, {})
        self.max_pages = options.max_pages or DEFAULT_MAX_PAGES
        self.max_details = self.max_pages

    def opening_url(self, ident: str, *, detail: bool = False) -> str:
        """An opening's page beside the list endpoint: `.../careers/{id}`, or its JSON `.../careers/{id}/detail`."""
        parts = urlsplit(self.url)
        base = parts.path.rstrip("/").removesuffix("/list")
        path = f"{base}/{quote(ident, safe='')}" + ("/detail" if detail else "")
        return urlunsplit((parts.scheme, parts.netloc, path, "", ""))

    def detail_url(self, key: str) -> str:
        return self.opening_url(key, detail=True)

    def listed_pages(self, fetcher: Fetcher) -> Iterator[tuple[Page, list[Any] | None]]:
        """The one list page: BambooHR lists every opening at once."""
        listing = fetcher.get(self.url, headers=JSON_HEADERS)
        document = decoded(listing)
        openings = document.get(self.items_key) if isinstance(document, dict) else None
        yield listing, openings if isinstance(openings, list) else None

    def card_key(self, card: Any) -> str | None:
        return _ident(card) if isinstance(card, dict) else None

    def gone(self, key: str, status: int) -> None:
        self.log.warning(
            "%s: opening %s was listed but its detail is gone (%d); skipped", self.config.name, key, status
        )

    def check_listed(self, page: Page, cards: list[Any]) -> None:
        pass  # the postings come from the detail pages; a list page reports only openings that cannot be followed

    def is_detail(self, page: Page) -> bool:
        return urlsplit(page.url).path.rstrip("/").endswith("/detail")

    def parse_detail(self, page: Page) -> Iterator[RawPosting | ParseError]:
        """A detail page's opening; unlike the other list/detail kinds, a detail of the wrong shape is one skipped
        opening (yielded), not a refused page."""
        document = load_json(page)
        opening = mapping(mapping(document).get("result")).get("jobOpening")
        ident = unquote(urlsplit(page.url).path.rstrip("/").removesuffix("/detail").rpartition("/")[2])
        if not isinstance(opening, dict):
            what = f"expected a BambooHR opening {{'result': {{'jobOpening': {{...}}}}}}, got {describe(document)}"
            yield ParseError(f"{page.url}: opening {ident!r}: {what}", url=page.url)
            return
        status = opening.get("jobOpeningStatus")
        if isinstance(status, str) and status.strip().lower() != "open":
            return  # closed, on hold or a draft: not a public posting
        try:
            yield self._posting(opening, ident, page)
        except ParseError as exc:
            yield ParseError(f"{page.url}: opening {ident!r}: {exc}", url=page.url)

    def _posting(self, opening: dict[str, Any], ident: str, page: Page) -> RawPosting:
        remote = opening.get("isRemote")
        compensation = opening.get("compensation")
        return RawPosting(
            source=self.config.name,
            external_id=ident,
            url=absolute_url(text(opening, "jobOpeningShareUrl"), page.url) or self.opening_url(ident),
            title=text(opening, "jobOpeningName"),
            company=company_name(self.config),
            locations=unique([_place(opening.get("location")), _place(opening.get("atsLocation"))]),
            remote=text(opening, "isRemote") if isinstance(remote, bool) else None,
            employment_type=text(opening, "employmentStatusLabel"),
            seniority=text(opening, "minimumExperience"),
            salary_text=(compensation.strip() or None) if isinstance(compensation, str) else None,
            posted_at=text(opening, "datePosted"),
            description_html=text(opening, "description"),
            category_hint=text(opening, "departmentLabel"),
            fetched_at=page.fetched_at,
            payload=opening,
        )


def _ident(opening: dict[str, Any]) -> str | None:
    value = opening.get("id")
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return str(value).strip() or None


def _place(value: Any) -> str | None:
    """ "City, State, Country" from a BambooHR location object (`location` or `atsLocation`), parts as found."""
    parts = mapping(value)
    state = text(parts, "state") or text(parts, "province")
    country = text(parts, "country") or text(parts, "addressCountry")
    return ", ".join(unique([text(parts, "city"), state, country])) or None
