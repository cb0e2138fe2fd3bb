"""SmartRecruiters Posting API: offset/limit pages of the company's postings, then each posting's detail -> RawPosting.

Extracts strings as found; the Posting API states salaries only in the job-ad text. No interpretation.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import parse_qs, quote, urlsplit

from models.records import RawPosting
from scraper.config import SourceConfig
from scraper.errors import ParseError
from scraper.fetching import Fetcher, Page
from scraper.sources._api import (
    absolute_url,
    describe,
    item_error,
    load_json,
    mapping,
    require_jobs,
    text,
    unique,
    with_query,
)
from scraper.sources._company import company_name
from scraper.sources._listing import JSON_HEADERS, api_base, decoded, fetch_optional, place
from scraper.sources_file.schema import AtsOptions

logger = logging.getLogger(__name__)

PAGE_SIZE = 100  # the API's maximum
DEFAULT_MAX_PAGES = 10
PLACE_KEYS = ("city", "region", "country")
# The job ad as the posting page shows it, in this order.
PUBLIC_SITE = "https://jobs.smartrecruiters.com"
SECTIONS = ("companyDescription", "jobDescription", "qualifications", "additionalInformation")


class SmartRecruitersSource:
    """A SmartRecruiters company: `board = "Acme"` (its company identifier, case as in its careers URL) with
    `url = "https://api.smartrecruiters.com"` (or a mirror).

    Options: `board`, `company` (else the company name the API states, else the identifier made readable),
    `max_pages` (10 pages of 100). A posting whose detail says `active: false`, or a `visibility` other than
    PUBLIC, never appears. api.smartrecruiters.com's robots.txt admits LinkedInBot only: reading it at all
    takes `obey_robots = false`, a policy decision for whoever adds the source (FORMATS.md section 5b).

    `fetch` reads the list pages first (by `offset` until `totalFound`), then each listed posting's detail;
    `parse` yields a posting per detail page and only unreadable cards from the list pages.
    """

    kind: ClassVar[str] = "smartrecruiters"

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        options = AtsOptions.of(config)
        self.board = options.board
        self.list_url = f"{api_base(config)}/v1/companies/{quote(self.board, safe='')}/postings"
        self.list_path = urlsplit(self.list_url).path
        self.company = options.company
        self.max_pages = options.max_pages or DEFAULT_MAX_PAGES
        self.allow_empty = options.allow_empty

    def page_url(self, offset: int) -> str:
        return with_query(self.list_url, {"offset": str(offset), "limit": str(PAGE_SIZE)})

    def detail_url(self, posting_id: str) -> str:
        return f"{self.list_url}/{quote(posting_id, safe='')}"

    def fetch(self, fetcher: Fetcher) -> Iterator[Page]:
        ids: list[str] = []
        offset, total = 0, None
        for number in range(self.max_pages):
            page = fetcher.get(self.page_url(offset), headers=JSON_HEADERS)
            document = decoded(page)
            content = document.get("content") if isinstance(document, dict) else None
            if number > 0 and not content:
                break  # the list ended (or shrank) meanwhile
            yield page
            if not isinstance(content, list) or not isinstance(document, dict):
                break
            ids += [posting_id for item in content if (posting_id := _posting_id(item))]
            if total is None and isinstance(document.get("totalFound"), int):
                total = document["totalFound"]
            offset += len(content)
            if not content or (total is not None and offset >= total):
                break
        else:
            logger.warning(
                "%s: stopped after max_pages = %d; later postings were not read", self.config.name, number + 1
            )
        for posting_id in unique(ids):
            if detail := fetch_optional(fetcher, self.detail_url(posting_id), self.config.name):
                yield detail

    def parse(self, page: Page) -> Iterator[RawPosting | ParseError]:
        if urlsplit(page.url).path.rstrip("/") == self.list_path:
            yield from self._parse_list(page)
        else:
            yield from self._parse_detail(page)

    def _parse_list(self, page: Page) -> Iterator[ParseError]:
        document = load_json(page)
        content = document.get("content") if isinstance(document, dict) else None
        if not isinstance(content, list):
            raise ParseError(
                f"{page.url}: expected a SmartRecruiters list {{'content': [...]}}, got {describe(document)}",
                url=page.url,
            )
        if parse_qs(urlsplit(page.url).query).get("offset", ["0"])[0] in ("", "0"):
            require_jobs(page, content, self.allow_empty)  # an unknown company identifier answers an empty list
        for index, item in enumerate(content):
            if _posting_id(item) is None:
                yield item_error(page, index, item, ParseError("a posting without an id (or not an object)"))

    def _parse_detail(self, page: Page) -> Iterator[RawPosting | ParseError]:
        posting = load_json(page)
        if not isinstance(posting, dict) or not posting:
            raise ParseError(f"{page.url}: expected a SmartRecruiters posting, got {describe(posting)}", url=page.url)
        visibility = posting.get("visibility")
        if posting.get("active") is False or (isinstance(visibility, str) and visibility.upper() != "PUBLIC"):
            return  # closed since it was listed, or not for the public
        try:
            yield self._posting(posting, page)
        except ParseError as exc:
            yield item_error(page, 0, posting, exc)

    def _posting(self, posting: dict[str, Any], page: Page) -> RawPosting:
        location = mapping(posting.get("location"))
        return RawPosting(
            source=self.config.name,
            external_id=text(posting, "id"),
            url=absolute_url(text(posting, "postingUrl") or self._public_page(posting), page.url),
            title=text(posting, "name"),
            company=self.company or company_name(self.config, text(mapping(posting.get("company")), "name")),
            locations=unique([text(location, "fullLocation") or place(location, PLACE_KEYS)]),
            # `hybrid` (newer payloads) says more than `remote: false` beside it.
            remote="hybrid" if location.get("hybrid") is True else text(location, "remote"),
            employment_type=text(mapping(posting.get("typeOfEmployment")), "label"),
            seniority=text(mapping(posting.get("experienceLevel")), "label"),
            posted_at=text(posting, "releasedDate"),
            description_html=_description(mapping(mapping(posting.get("jobAd")).get("sections"))),
            apply_url=absolute_url(text(posting, "applyUrl"), page.url),
            category_hint=text(mapping(posting.get("function")), "label")
            or text(mapping(posting.get("department")), "label"),
            fetched_at=page.fetched_at,
            payload=posting,
        )

    def _public_page(self, posting: dict[str, Any]) -> str | None:
        """The posting's public page when the detail omits `postingUrl`: jobs.smartrecruiters.com/{identifier}/{id}."""
        posting_id = text(posting, "id")
        identifier = text(mapping(posting.get("company")), "identifier") or self.board
        return f"{PUBLIC_SITE}/{quote(identifier, safe='')}/{quote(posting_id, safe='')}" if posting_id else None


def _posting_id(item: Any) -> str | None:
    if not isinstance(item, dict):
        return None
    try:
        return text(item, "id")
    except ParseError:
        return None


def _description(sections: Any) -> str | None:
    """The job ad's sections in page order, each under its own title."""
    parts: list[str] = []
    for key in SECTIONS:
        section = mapping(sections.get(key))
        if body := text(section, "text"):
            title = text(section, "title")
            parts.append((f"<h3>{html.escape(title)}</h3>" if title else "") + body)
    return "".join(parts) or None
