"""Workday career sites (the CXS API of *.myworkdayjobs.com): the job list (POST, offset pages of 20), then each
job's detail -> RawPosting. Extracts strings as found; Workday states pay only in the description. No interpretation.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import quote, urlsplit

from models.records import RawPosting
from scraper.config import SourceConfig
from scraper.errors import ParseError
from scraper.fetching import Fetcher, Page
from scraper.sources._api import (
    absolute_url,
    as_text,
    describe,
    item_error,
    load_json,
    mapping,
    require_jobs,
    text,
    text_list,
    unique,
)
from scraper.sources._company import company_name
from scraper.sources._listing import JSON_HEADERS, api_base, decoded, fetch_optional
from scraper.sources_file.schema import WorkdayOptions

logger = logging.getLogger(__name__)

PAGE_SIZE = 20  # the CXS API refuses more
DEFAULT_MAX_PAGES = 25


class WorkdaySource:
    """A Workday career site: `board = "acme/External"` (tenant/site, as in `acme.wd5.myworkdayjobs.com/External`)
    with `url = "https://acme.wd5.myworkdayjobs.com"` (or a mirror).

    Options: `board`, `company` (else the hiring organisation the detail names, else the tenant made readable),
    `max_pages` (25 pages of 20). A job whose detail is not posted (`posted: false`, or no `jobPostingInfo`)
    never appears.

    Paging: `total` is reliable on the first page only (later pages say 0), so the first page's total is kept;
    an empty page ends the list too. `fetch` reads the list pages first, then each job's detail; `parse` yields a
    posting per detail page and only unreadable cards from the list pages.
    """

    kind: ClassVar[str] = "workday"

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

    def detail_url(self, external_path: str) -> str:
        return self.cxs + "/" + external_path.lstrip("/")

    def fetch(self, fetcher: Fetcher) -> Iterator[Page]:
        paths: list[str] = []
        offset, total = 0, None
        for number in range(self.max_pages):
            body = {"appliedFacets": {}, "limit": PAGE_SIZE, "offset": offset, "searchText": ""}
            page = fetcher.post(self.list_url, json=body, headers=JSON_HEADERS)
            document = decoded(page)
            postings = document.get("jobPostings") if isinstance(document, dict) else None
            if number > 0 and not postings:
                break  # the list ended (or shrank) meanwhile
            yield page
            if not isinstance(postings, list) or not isinstance(document, dict):
                break
            if number == 0 and isinstance(document.get("total"), int):
                total = document["total"]  # later pages say 0
            paths += [path for card in postings if (path := _external_path(card))]
            offset += len(postings)
            if not postings or (total is not None and offset >= total):
                break
        else:
            logger.warning("%s: stopped after max_pages = %d; later jobs were not read", self.config.name, number + 1)
        for path in unique(paths):
            if detail := fetch_optional(fetcher, self.detail_url(path), self.config.name):
                yield detail

    def parse(self, page: Page) -> Iterator[RawPosting | ParseError]:
        if urlsplit(page.url).path.rstrip("/") == self.list_path:
            yield from self._parse_list(page)
        else:
            yield from self._parse_detail(page)

    def _parse_list(self, page: Page) -> Iterator[ParseError]:
        document = load_json(page)
        postings = document.get("jobPostings") if isinstance(document, dict) else None
        if not isinstance(postings, list):
            raise ParseError(
                f"{page.url}: expected a Workday job list {{'jobPostings': [...]}}, got {describe(document)}",
                url=page.url,
            )
        require_jobs(page, postings, self.allow_empty)  # fetch never hands over an empty later page
        for index, card in enumerate(postings):
            if _external_path(card) is None:
                yield item_error(page, index, card, ParseError("a job without an externalPath (or not an object)"))

    def _parse_detail(self, page: Page) -> Iterator[RawPosting | ParseError]:
        document = load_json(page)
        if not isinstance(document, dict) or not document:
            raise ParseError(f"{page.url}: expected a Workday job detail, got {describe(document)}", url=page.url)
        info = document.get("jobPostingInfo")
        if not isinstance(info, dict) or info.get("posted") is False:
            return  # unposted (or withdrawn): not a public posting
        try:
            yield self._posting(info, document, page)
        except ParseError as exc:
            yield item_error(page, 0, info, exc)

    def _posting(self, info: dict[str, Any], document: dict[str, Any], page: Page) -> RawPosting:
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
