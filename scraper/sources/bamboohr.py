"""BambooHR careers site: `GET {url}/careers/list` lists the openings, `GET {url}/careers/{id}/detail` describes
one; every open opening -> RawPosting, read from its detail page.

Extracts strings as found; `compensation` is free text (kept as `salary_text`). Where the shape comes from:
tests/fixtures/sources/bamboohr/README.md.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from models.records import RawPosting
from scraper.config import SourceConfig
from scraper.errors import HTTPStatusError, ParseError
from scraper.fetching import Fetcher, Page
from scraper.sources._api import (
    absolute_url,
    board_endpoint,
    describe,
    item_error,
    load_json,
    mapping,
    text,
    unique,
)
from scraper.sources._company import company_name
from scraper.sources_file.schema import AtsOptions

logger = logging.getLogger(__name__)

LIST_PATH = "/careers/list"
DEFAULT_MAX_PAGES = 500  # detail pages read per run, one per opening
ACCEPT = {"Accept": "application/json"}
GONE = frozenset({404, 410})


class BambooHrSource:
    """A BambooHR careers site: `board = "acme"` with `url = "https://acme.bamboohr.com"` (or a mirror); a `url`
    with a path is the complete list endpoint, and details are read beside it (`.../careers/{id}/detail`).

    Options: `board` (required), `company` (BambooHR names no company: else the board slug made readable),
    `max_pages` (500: the detail pages read per run). An opening whose detail says it is not "Open" is left
    out; one whose detail is gone (404) since the list was read is skipped. `isRemote` is the workplace
    marker as found; `locationType` codes are not documented (public consumers disagree on them), so they
    stay in the payload uninterpreted.
    """

    kind: ClassVar[str] = "bamboohr"

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        options = AtsOptions.of(config)
        self.board = options.board
        self.url = board_endpoint(config.url, options.board, LIST_PATH, {})
        self.max_pages = options.max_pages or DEFAULT_MAX_PAGES

    def opening_url(self, ident: str, *, detail: bool = False) -> str:
        """An opening's page beside the list endpoint: `.../careers/{id}`, or its JSON `.../careers/{id}/detail`."""
        parts = urlsplit(self.url)
        base = parts.path.rstrip("/").removesuffix("/list")
        path = f"{base}/{quote(ident, safe='')}" + ("/detail" if detail else "")
        return urlunsplit((parts.scheme, parts.netloc, path, "", ""))

    def fetch(self, fetcher: Fetcher) -> Iterator[Page]:
        listing = fetcher.get(self.url, headers=ACCEPT)
        yield listing
        try:
            document = load_json(listing)
        except ParseError:
            return  # parse() reports it
        idents = _opening_ids(document)
        for count, ident in enumerate(idents):
            if count >= self.max_pages:
                logger.warning(
                    "%s: stopped after max_pages = %d details; %d openings were not read",
                    self.config.name,
                    self.max_pages,
                    len(idents) - count,
                )
                return
            try:
                yield fetcher.get(self.opening_url(ident, detail=True), headers=ACCEPT)
            except HTTPStatusError as exc:
                if exc.status_code not in GONE:
                    raise
                logger.warning(
                    "%s: opening %s was listed but its detail is gone (%d); skipped",
                    self.config.name,
                    ident,
                    exc.status_code,
                )

    def parse(self, page: Page) -> Iterator[RawPosting | ParseError]:
        document = load_json(page)
        if urlsplit(page.url).path.rstrip("/").endswith("/detail"):
            yield from self._parse_detail(document, page)
            return
        openings = document.get("result") if isinstance(document, dict) else None
        if not isinstance(openings, list):
            raise ParseError(
                f"{page.url}: expected a BambooHR list {{'result': [...]}}, got {describe(document)}", url=page.url
            )
        # The postings come from the detail pages; here only an opening that cannot be followed is reported.
        for index, opening in enumerate(openings):
            if not isinstance(opening, dict) or _ident(opening) is None:
                error = ParseError("an opening without an id (its detail cannot be read)")
                yield item_error(page, index, opening, error)

    def _parse_detail(self, document: Any, page: Page) -> Iterator[RawPosting | ParseError]:
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


def _opening_ids(document: Any) -> list[str]:
    openings = document.get("result") if isinstance(document, dict) else None
    found = [_ident(o) for o in openings if isinstance(o, dict)] if isinstance(openings, list) else []
    return list(unique(found))


def _place(value: Any) -> str | None:
    """ "City, State, Country" from a BambooHR location object (`location` or `atsLocation`), parts as found."""
    parts = mapping(value)
    state = text(parts, "state") or text(parts, "province")
    country = text(parts, "country") or text(parts, "addressCountry")
    return ", ".join(unique([text(parts, "city"), state, country])) or None
