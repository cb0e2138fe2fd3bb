"""Workday career sites (the CXS API of *.myworkdayjobs.com): the job list (POST, offset pages of 20), then each
job's detail -> RawPosting. Extracts strings as found; Workday states pay only in the description. No interpretation.
"""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import quote, urlsplit

from models.records import RawPosting
from scraper.config import SourceConfig
from scraper.errors import ParseError
from scraper.fetching import Fetcher, Page
from scraper.sources._api import (
    absolute_url,
    as_text,
    mapping,
    text,
    text_list,
    unique,
)
from scraper.sources._company import company_name
from scraper.sources._listing import JSON_HEADERS, ListDetailSource, api_base, next_offset
from scraper.sources_file.schema import WorkdayOptions

PAGE_SIZE = 20  # the CXS API refuses more
DEFAULT_MAX_PAGES = 25


class WorkdaySource(ListDetailSource):
    """A Workday career site: `board = "acme/External"` (tenant/site, as in `acme.wd5.myworkdayjobs.com/External`)
    with `url = "https://acme.wd5.myworkdayjobs.com"` (or a mirror).

    Options: `board`, `company` (else the hiring organisation the detail names, else the tenant made readable),
    `max_pages` (25 pages of 20). A job whose detail is not posted (`posted: false`, or no `jobPostingInfo`)
    never appears.

    Paging: `total` is reliable on the first page only (later pages say 0), so the first page's total is kept;
    an empty page ends the list too. `fetch` reads the list pages first, then each job's detail; `parse` yields a
    posting per detail page and only unreadable cards from the list pages (_listing.ListDetailSource).
    """

    kind: ClassVar[str] = "workday"
    list_name: ClassVar[str] = "a Workday job list"
    items_key: ClassVar[str] = "jobPostings"
    detail_name: ClassVar[str] = "a Workday job detail"
    keyless: ClassVar[str] = "a job without an externalPath (or not an object)"
    first_cursor: ClassVar[Any] = (0, None)  # (offset, the first page's total)

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        options = WorkdayOptions.of(config)
        board = options.board
        tenant, _, site = board.partition("/")  # the schema checked the "tenant/site" shape
        self.base = api_base(config)
        self.site = site.strip()
        self.cxs = f"{self.base}/wday/cxs/{quote(tenant.strip(), safe='')}/{quote(self.site, safe='')}"
        self.list_url = f"{self.cxs}/jobs"
        self.list_path = urlsplit(self.list_url).path
        self.company = options.company
        self.max_pages = options.max_pages or DEFAULT_MAX_PAGES
        self.allow_empty = options.allow_empty

    def detail_url(self, key: str) -> str:
        return self.cxs + "/" + key.lstrip("/")

    def list_page(self, fetcher: Fetcher, cursor: Any) -> Page:
        body = {"appliedFacets": {}, "limit": PAGE_SIZE, "offset": cursor[0], "searchText": ""}
        return fetcher.post(self.list_url, json=body, headers=JSON_HEADERS)

    def next_cursor(self, cursor: Any, document: dict[str, Any], cards: list[Any]) -> Any:
        offset, total = cursor
        if offset == 0 and isinstance(document.get("total"), int):
            total = document["total"]  # later pages say 0
        return next_offset(offset, total, cards)

    def card_key(self, card: Any) -> str | None:
        return _external_path(card)

    def is_detail(self, page: Page) -> bool:
        return urlsplit(page.url).path.rstrip("/") != self.list_path

    def public(self, document: dict[str, Any]) -> dict[str, Any] | None:
        info = document.get("jobPostingInfo")
        return None if not isinstance(info, dict) or info.get("posted") is False else info  # unposted or withdrawn

    def posting(self, item: dict[str, Any], document: dict[str, Any], page: Page) -> RawPosting:
        info = item  # jobPostingInfo (`public`)
        stated = text(mapping(document.get("hiringOrganization")), "name")
        # The public page of a job is the site's path plus the API path after /wday/cxs/{tenant}/{site}.
        public = f"{self.base}/{quote(self.site, safe='')}{urlsplit(page.url).path[len(urlsplit(self.cxs).path) :]}"
        return RawPosting(
            source=self.config.name,
            external_id=text(info, "jobReqId") or text(info, "id"),
            url=absolute_url(text(info, "externalUrl") or public, page.url),
            title=text(info, "title"),
            company=self.company or company_name(self.config, stated),
            locations=unique(
                [
                    text(info, "location"),
                    *text_list(info.get("additionalLocations"), "additionalLocations"),
                    text(mapping(info.get("jobRequisitionLocation")), "descriptor"),
                ]
            ),
            remote=text(info, "remoteType"),
            employment_type=text(info, "timeType"),
            posted_at=text(info, "startDate") or text(info, "postedOn"),  # postedOn is relative: "Posted 3 Days Ago"
            valid_through=text(info, "endDate"),
            description_html=text(info, "jobDescription"),
            fetched_at=page.fetched_at,
            payload=document,
        )


def _external_path(card: Any) -> str | None:
    if not isinstance(card, dict):
        return None
    path = card.get("externalPath")
    try:
        value = as_text(path, "externalPath")
    except ParseError:
        return None
    return value if value and value.startswith("/") else None
