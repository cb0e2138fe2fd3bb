"""Workable careers-page API: the job list (POST, paged by `nextPage`), the account, each job's detail -> RawPosting.

Extracts strings as found; Workable states salaries only in the description text. No interpretation.
"""

from __future__ import annotations

import html
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
    load_json,
    mapping,
    text,
    unique,
)
from scraper.sources._company import company_name
from scraper.sources._listing import JSON_HEADERS, ListDetailSource, api_base, fetch_optional, place
from scraper.sources_file.schema import AtsOptions

logger = logging.getLogger(__name__)

DEFAULT_MAX_PAGES = 20  # list pages (Workable sends about 10 jobs a page)
PLACE_KEYS = ("city", "region", "country")
# The body the careers page itself sends: no filters.
QUERY: dict[str, Any] = {"query": "", "location": [], "department": [], "worktype": [], "remote": []}


class WorkableSource(ListDetailSource):
    """A Workable account: `board = "acme"` with `url = "https://apply.workable.com"` (or a mirror).

    Options: `board` (the account slug), `company` (else the account's name, else the slug made readable),
    `max_pages` (20 list pages). Jobs marked `isInternal` are never fetched nor yielded.

    `fetch` reads the list pages first, the account after the first one, then each listed job's detail;
    `parse` yields a posting per detail page and only unreadable cards from the list pages
    (_listing.ListDetailSource). The account page gives the company name to the details parsed after it (the one
    piece of state a parse keeps).
    """

    kind: ClassVar[str] = "workable"
    list_name: ClassVar[str] = "a Workable job list"
    items_key: ClassVar[str] = "results"
    detail_name: ClassVar[str] = "a Workable job object"
    keyless: ClassVar[str] = "a job without a shortcode (or not an object)"
    first_cursor: ClassVar[Any] = ""  # no `nextPage` token yet

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        options = AtsOptions.of(config)
        self.board = options.board
        base, board = api_base(config), quote(self.board, safe="")
        self.list_url = f"{base}/api/v3/accounts/{board}/jobs"
        self.account_url = f"{base}/api/v1/accounts/{board}"
        self.detail_prefix = f"{base}/api/v2/accounts/{board}/jobs/"
        self.site_url = f"{base}/{board}/"  # the careers page; a job is at j/{shortcode}/
        self.max_pages = options.max_pages or DEFAULT_MAX_PAGES
        self.allow_empty = options.allow_empty
        self.company = options.company
        self.account_name: str | None = None
        self._paths = {
            "list": urlsplit(self.list_url).path,
            "account": urlsplit(self.account_url).path,
            "detail": urlsplit(self.detail_prefix).path,
        }

    def detail_url(self, key: str) -> str:
        return self.detail_prefix + quote(key, safe="")

    def listed_pages(self, fetcher: Fetcher) -> Iterator[tuple[Page, list[Any] | None]]:
        """The list pages, with the account page after the first one that lists jobs."""
        for number, (page, cards) in enumerate(self.paged(fetcher)):
            yield page, cards
            if number > 0 or cards is None:
                continue
            if account := fetch_optional(fetcher, self.account_url, self.config.name):
                yield account, None

    def list_page(self, fetcher: Fetcher, cursor: Any) -> Page:
        body = {**QUERY, "token": cursor} if cursor else QUERY
        return fetcher.post(self.list_url, json=body, headers=JSON_HEADERS)

    def next_cursor(self, cursor: Any, document: dict[str, Any], cards: list[Any]) -> Any:
        token = document.get("nextPage")
        return token if isinstance(token, str) and token else None

    def card_key(self, card: Any) -> str | None:
        return _public_shortcode(card)

    def listed(self, card: Any) -> bool:
        return not (isinstance(card, dict) and card.get("isInternal") is True)  # for employees only: no detail

    def is_detail(self, page: Page) -> bool:
        return urlsplit(page.url).path.startswith(self._paths["detail"])

    def parse(self, page: Page) -> Iterator[RawPosting | ParseError]:
        if urlsplit(page.url).path == self._paths["account"]:
            self._read_account(page)
            return
        yield from super().parse(page)

    def _read_account(self, page: Page) -> None:
        """The account's display name ("Acme Robotics"), kept for the postings parsed after it."""
        try:
            account = load_json(page)
        except ParseError as exc:
            logger.warning("%s: account page unreadable (%s); the company is named otherwise", self.config.name, exc)
            return
        name = account.get("name") if isinstance(account, dict) else None
        self.account_name = name.strip() or None if isinstance(name, str) else None

    def public(self, document: dict[str, Any]) -> dict[str, Any] | None:
        return None if document.get("isInternal") is True else document

    def posting(self, item: dict[str, Any], document: dict[str, Any], page: Page) -> RawPosting:
        job = item
        shortcode = text(job, "shortcode")
        job_url = text(job, "url") or text(job, "shortlink") or (f"j/{shortcode}/" if shortcode else None)
        locations: list[Any] = job["locations"] if isinstance(job.get("locations"), list) else []
        return RawPosting(
            source=self.config.name,
            external_id=shortcode or text(job, "id"),
            url=absolute_url(job_url, self.site_url),
            title=text(job, "title"),
            company=self.company or company_name(self.config, self.account_name),
            locations=unique(
                [
                    place(mapping(job.get("location")), PLACE_KEYS),
                    *(place(entry, PLACE_KEYS) for entry in locations if _shown(entry)),
                ]
            ),
            # `workplace` ("on_site", "hybrid", "remote") is the careers page's own field; `remote` is older.
            remote=text(job, "workplace") or text(job, "remote"),
            employment_type=text(job, "type"),
            posted_at=text(job, "published"),
            description_html=_description(job),
            category_hint=_first(job.get("department")),
            fetched_at=page.fetched_at,
            payload=job,
        )


def _public_shortcode(job: Any) -> str | None:
    if not isinstance(job, dict) or job.get("isInternal") is True:
        return None
    try:
        return text(job, "shortcode")
    except ParseError:
        return None


def _shown(entry: Any) -> bool:
    """A location object the careers page shows (Workable keeps `hidden` ones for filtering only)."""
    return isinstance(entry, dict) and entry.get("hidden") is not True


def _first(value: Any) -> str | None:
    """The first department: Workable sends a list of names (older accounts a single string)."""
    values: list[Any] = value if isinstance(value, list) else [value]
    return next((name for entry in values if (name := as_text(entry, "department"))), None)


def _description(job: dict[str, Any]) -> str | None:
    """The job as its careers page shows it: description, then Requirements and Benefits under their headings."""
    parts = [text(job, "description")]
    for key, heading in (("requirements", "Requirements"), ("benefits", "Benefits")):
        if section := text(job, key):
            parts.append(f"<h3>{html.escape(heading)}</h3>{section}")
    return "".join(part for part in parts if part) or None
