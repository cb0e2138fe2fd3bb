"""SmartRecruiters Posting API: offset/limit pages of the company's postings, then each posting's detail -> RawPosting.

Extracts strings as found; the Posting API states salaries only in the job-ad text. No interpretation.
"""

from __future__ import annotations

import html
from typing import Any, ClassVar
from urllib.parse import parse_qs, quote, urlsplit

from models.records import RawPosting
from scraper.config import SourceConfig
from scraper.errors import ParseError
from scraper.fetching import Fetcher, Page
from scraper.sources._api import (
    absolute_url,
    mapping,
    require_jobs,
    text,
    unique,
    with_query,
)
from scraper.sources._company import company_name
from scraper.sources._listing import JSON_HEADERS, ListDetailSource, api_base, next_offset, place
from scraper.sources_file.schema import AtsOptions

PAGE_SIZE = 100  # the API's maximum
DEFAULT_MAX_PAGES = 10
PLACE_KEYS = ("city", "region", "country")
# The job ad as the posting page shows it, in this order.
PUBLIC_SITE = "https://jobs.smartrecruiters.com"
SECTIONS = ("companyDescription", "jobDescription", "qualifications", "additionalInformation")


class SmartRecruitersSource(ListDetailSource):
    """A SmartRecruiters company: `board = "Acme"` (its company identifier, case as in its careers URL) with
    `url = "https://api.smartrecruiters.com"` (or a mirror).

    Options: `board`, `company` (else the company name the API states, else the identifier made readable),
    `max_pages` (10 pages of 100). A posting whose detail says `active: false`, or a `visibility` other than
    PUBLIC, never appears. api.smartrecruiters.com's robots.txt admits LinkedInBot only: reading it at all
    takes `obey_robots = false`, a policy decision for whoever adds the source (FORMATS.md section 5b).

    `fetch` reads the list pages first (by `offset` until `totalFound`), then each listed posting's detail;
    `parse` yields a posting per detail page and only unreadable cards from the list pages (_listing.ListDetailSource).
    """

    kind: ClassVar[str] = "smartrecruiters"
    list_name: ClassVar[str] = "a SmartRecruiters list"
    items_key: ClassVar[str] = "content"
    detail_name: ClassVar[str] = "a SmartRecruiters posting"
    cards_noun: ClassVar[str] = "postings"
    keyless: ClassVar[str] = "a posting without an id (or not an object)"
    first_cursor: ClassVar[Any] = (0, None)  # (offset, totalFound)

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

    def detail_url(self, key: str) -> str:
        return f"{self.list_url}/{quote(key, safe='')}"

    def list_page(self, fetcher: Fetcher, cursor: Any) -> Page:
        return fetcher.get(self.page_url(cursor[0]), headers=JSON_HEADERS)

    def next_cursor(self, cursor: Any, document: dict[str, Any], cards: list[Any]) -> Any:
        offset, total = cursor
        if total is None and isinstance(document.get("totalFound"), int):
            total = document["totalFound"]
        return next_offset(offset, total, cards)

    def card_key(self, card: Any) -> str | None:
        return _posting_id(card)

    def is_detail(self, page: Page) -> bool:
        return urlsplit(page.url).path.rstrip("/") != self.list_path

    def check_listed(self, page: Page, cards: list[Any]) -> None:
        if parse_qs(urlsplit(page.url).query).get("offset", ["0"])[0] in ("", "0"):
            require_jobs(page, cards, self.allow_empty)  # an unknown company identifier answers an empty list

    def public(self, document: dict[str, Any]) -> dict[str, Any] | None:
        visibility = document.get("visibility")
        if document.get("active") is False or (isinstance(visibility, str) and visibility.upper() != "PUBLIC"):
            return None  # closed since it was listed, or not for the public
        return document

    def posting(self, item: dict[str, Any], document: dict[str, Any], page: Page) -> RawPosting:
        posting = item
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
