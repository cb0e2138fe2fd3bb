"""Lever postings API (FORMATS.md section 3): skip/limit pages of a bare JSON array, every posting -> RawPosting.

Extracts strings and `salaryRange` as found (normalization/stated/lever.py reads it). No interpretation.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

from models.records import RawPosting
from scraper.config import SourceConfig
from scraper.errors import ParseError
from scraper.fetching import Fetcher, Page
from scraper.sources._api import (
    absolute_url,
    board_endpoint,
    describe,
    each_posting,
    html_from_plain,
    load_json,
    mapping,
    require_jobs,
    text,
    text_list,
    unique,
    with_query,
)
from scraper.sources._company import company_name
from scraper.sources_file.schema import LeverOptions

logger = logging.getLogger(__name__)

ENDPOINT_PATH = "/v0/postings/{board}"
ENDPOINT_QUERY = {"mode": "json"}  # without it Lever may answer HTML; it wins over the Accept header


class LeverSource:
    """A Lever site: `board = "acme"` with `url = "https://api.lever.co"` (or the EU host `https://api.eu.lever.co`),
    or the full endpoint in `url`.

    Options: `board`, `company` (Lever names no company: else the board slug made readable), `page_size` (100),
    `max_pages` (20), `allow_empty` (a site with no postings is an error unless true).

    Pagination: Lever gives no total, so pages of `page_size` are read until one comes back short. It also
    stops on a page that brings no new id (a server that ignores `skip` would otherwise repeat forever) and
    on a 304 (an unchanged page's size is unknown; the default page size fits nearly every site in one page).
    A posting that moves between pages during a crawl can appear twice; the pipeline keys on `external_id`.
    """

    kind: ClassVar[str] = "lever"

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        options = LeverOptions.of(config)
        self.url = board_endpoint(config.url, options.board, ENDPOINT_PATH, ENDPOINT_QUERY)
        self.company = company_name(config, endpoint_path=ENDPOINT_PATH)
        self.page_size = options.page_size
        self.max_pages = options.max_pages
        self.allow_empty = options.allow_empty

    def page_url(self, number: int) -> str:
        params = {"mode": "json", "skip": str(number * self.page_size), "limit": str(self.page_size)}
        return with_query(self.url, params, keep=("mode",))

    def fetch(self, fetcher: Fetcher) -> Iterator[Page]:
        seen: set[str] = set()
        for number in range(self.max_pages):
            page = fetcher.get(self.page_url(number), headers={"Accept": "application/json"})
            yield page
            if page.not_modified:
                return
            try:
                postings = load_json(page)
            except ParseError:
                return  # parse() reports it
            if not isinstance(postings, list) or len(postings) < self.page_size:
                return
            ids = {str(p["id"]) for p in postings if isinstance(p, dict) and isinstance(p.get("id"), str | int)}
            if not ids - seen:
                logger.warning("%s: page %d repeats earlier postings; stopping", self.config.name, number + 1)
                return
            seen |= ids
        logger.warning(
            "%s: stopped after max_pages = %d; later postings were not read", self.config.name, self.max_pages
        )

    def parse(self, page: Page) -> Iterator[RawPosting | ParseError]:
        if page.not_modified:  # unchanged since the last run: nothing to re-read
            return
        document = load_json(page)
        if not isinstance(document, list):
            error = (
                f" ({document['error']})"
                if isinstance(document, dict) and isinstance(document.get("error"), str)
                else ""
            )
            raise ParseError(f"{page.url}: expected a Lever JSON array, got {describe(document)}{error}", url=page.url)
        if _is_first_page(page.url):
            require_jobs(page, document, self.allow_empty)
        yield from each_posting(page, document, self._posting, what="a posting")

    def _posting(self, posting: dict[str, Any], page: Page) -> RawPosting:
        categories = mapping(posting.get("categories"))
        return RawPosting(
            source=self.config.name,
            external_id=text(posting, "id"),
            url=absolute_url(text(posting, "hostedUrl"), page.url),
            title=text(posting, "text"),
            company=self.company,
            # `location` is the main one; `allLocations` repeats it among the others (strings, or {"text": ...}).
            locations=unique(
                [text(categories, "location"), *text_list(categories.get("allLocations"), "allLocations", key="text")]
            ),
            remote=text(posting, "workplaceType"),
            employment_type=text(categories, "commitment"),
            seniority=text(categories, "level"),
            salary_text=text(posting, "salaryDescriptionPlain"),
            salary_format="lever",
            salary_data=posting.get("salaryRange"),
            posted_at=text(posting, "createdAt"),  # epoch milliseconds
            description_html=_description(posting),
            apply_url=absolute_url(text(posting, "applyUrl"), page.url),
            category_hint=text(categories, "team") or text(categories, "department"),
            fetched_at=page.fetched_at,
            payload=posting,
        )


def _is_first_page(url: str) -> bool:
    return parse_qs(urlsplit(url).query).get("skip", ["0"])[0] in ("", "0")


def _description(posting: dict[str, Any]) -> str | None:
    """The posting as Lever's hosted page shows it: description, then each list under its heading, then `additional`.

    `lists[].content` is bare `<li>` fragments, so each gets its `<ul>`.
    """
    parts = [text(posting, "description") or html_from_plain(text(posting, "descriptionPlain"))]
    lists: list[Any] = posting["lists"] if isinstance(posting.get("lists"), list) else []
    for entry in lists:
        if isinstance(entry, dict) and (content := text(entry, "content")):
            heading = text(entry, "text")
            parts.append((f"<h3>{html.escape(heading)}</h3>" if heading else "") + f"<ul>{content}</ul>")
    parts.append(text(posting, "additional"))
    return "".join(part for part in parts if part) or None
