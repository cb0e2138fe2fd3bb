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
    describe,
    item_error,
    load_json,
    mapping,
    require_jobs,
    text,
    unique,
)
from scraper.sources._company import company_name
from scraper.sources._listing import JSON_HEADERS, api_base, decoded, fetch_optional, place
from scraper.sources_file.schema import AtsOptions

logger = logging.getLogger(__name__)

DEFAULT_MAX_PAGES = 20  # list pages (Workable sends about 10 jobs a page)
PLACE_KEYS = ("city", "region", "country")
# The body the careers page itself sends: no filters.
QUERY: dict[str, Any] = {"query": "", "location": [], "department": [], "worktype": [], "remote": []}


class WorkableSource:
    """A Workable account: `board = "acme"` with `url = "https://apply.workable.com"` (or a mirror).

    Options: `board` (the account slug), `company` (else the account's name, else the slug made readable),
    `max_pages` (20 list pages). Jobs marked `isInternal` are never fetched nor yielded.

    `fetch` reads the list pages first, the account after the first one, then each listed job's detail;
    `parse` yields a posting per detail page and only unreadable cards from the list pages. The account page
    gives the company name to the details parsed after it (the one piece of state a parse keeps).
    """

    kind: ClassVar[str] = "workable"

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

    def detail_url(self, shortcode: str) -> str:
        return self.detail_prefix + quote(shortcode, safe="")

    def fetch(self, fetcher: Fetcher) -> Iterator[Page]:
        shortcodes: list[str] = []
        token: str | None = None
        for number in range(self.max_pages):
            body = QUERY if token is None else {**QUERY, "token": token}
            page = fetcher.post(self.list_url, json=body, headers=JSON_HEADERS)
            document = decoded(page)
            results = document.get("results") if isinstance(document, dict) else None
            if number > 0 and not results:
                break  # a later page that came back empty: the list ended (or shrank) meanwhile
            yield page
            if not isinstance(results, list):
                break
            if number == 0 and (account := fetch_optional(fetcher, self.account_url, self.config.name)):
                yield account
            shortcodes += [code for job in results if (code := _public_shortcode(job))]
            token = document.get("nextPage") if isinstance(document, dict) else None
            if not isinstance(token, str) or not token:
                break
        else:
            logger.warning("%s: stopped after max_pages = %d; later jobs were not read", self.config.name, number + 1)
        for shortcode in unique(shortcodes):
            if detail := fetch_optional(fetcher, self.detail_url(shortcode), self.config.name):
                yield detail

    def parse(self, page: Page) -> Iterator[RawPosting | ParseError]:
        path = urlsplit(page.url).path
        if path == self._paths["account"]:
            self._read_account(page)
        elif path.startswith(self._paths["detail"]):
            yield from self._parse_detail(page)
        else:
            yield from self._parse_list(page)

    def _read_account(self, page: Page) -> None:
        """The account's display name ("Acme Robotics"), kept for the postings parsed after it."""
        try:
            account = load_json(page)
        except ParseError as exc:
            logger.warning("%s: account page unreadable (%s); the company is named otherwise", self.config.name, exc)
            return
        name = account.get("name") if isinstance(account, dict) else None
        self.account_name = name.strip() or None if isinstance(name, str) else None

    def _parse_list(self, page: Page) -> Iterator[ParseError]:
        document = load_json(page)
        results = document.get("results") if isinstance(document, dict) else None
        if not isinstance(results, list):
            raise ParseError(
                f"{page.url}: expected a Workable job list {{'results': [...]}}, got {describe(document)}",
                url=page.url,
            )
        require_jobs(page, results, self.allow_empty)  # fetch never hands over an empty later page
        for index, job in enumerate(results):
            if isinstance(job, dict) and job.get("isInternal") is True:
                continue  # for employees only; its detail is not fetched
            if _public_shortcode(job) is None:
                yield item_error(page, index, job, ParseError("a job without a shortcode (or not an object)"))

    def _parse_detail(self, page: Page) -> Iterator[RawPosting | ParseError]:
        job = load_json(page)
        if not isinstance(job, dict) or not job:
            raise ParseError(f"{page.url}: expected a Workable job object, got {describe(job)}", url=page.url)
        if job.get("isInternal") is True:
            return
        try:
            yield self._posting(job, page)
        except ParseError as exc:
            yield item_error(page, 0, job, exc)

    def _posting(self, job: dict[str, Any], page: Page) -> RawPosting:
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
