"""Recruitee careers-site API: `GET {url}/api/offers/`, one request per board, every public offer -> RawPosting.

Extracts strings as found; the `salary` object goes to normalization as `salary_format = "recruitee"`.
Where the shape comes from: tests/fixtures/sources/recruitee/README.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from models.records import RawPosting
from scraper.config import SourceConfig
from scraper.errors import ParseError
from scraper.fetching import Fetcher, Page
from scraper.sources._api import (
    absolute_url,
    as_text,
    board_endpoint,
    each_posting,
    json_board,
    mapping,
    text,
    unique,
)
from scraper.sources._company import company_name
from scraper.sources_file.schema import AtsOptions

ENDPOINT_PATH = "/api/offers/"
# The workplace flags, most specific first: an offer marked both remote and hybrid is hybrid.
WORKPLACE_FLAGS = ("hybrid", "remote", "on_site")


class RecruiteeSource:
    """A Recruitee board: `board = "acme"` with `url = "https://acme.recruitee.com"` (or a custom careers domain,
    or a mirror); a `url` with a path is the complete endpoint.

    Options: `board` (required), `company` (else the offer's `company_name`, else the board slug made readable),
    `max_pages` (accepted; there is no pagination). Offers whose `status` is not "published" are left out.
    A well-formed `{"offers": []}` is a board with no openings (the run's size check guards a sudden drop);
    `{}`, `[]` or an HTML page is an error.
    """

    kind: ClassVar[str] = "recruitee"

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        options = AtsOptions.of(config)
        self.board = options.board
        self.url = board_endpoint(config.url, options.board, ENDPOINT_PATH, {})

    def fetch(self, fetcher: Fetcher) -> Iterator[Page]:
        yield fetcher.get(self.url, headers={"Accept": "application/json"}, conditional=True)

    def parse(self, page: Page) -> Iterator[RawPosting | ParseError]:
        if page.not_modified:  # unchanged since the last run: nothing to re-read
            return
        offers = json_board(page, "offers", "a Recruitee board")
        yield from each_posting(page, offers, self._posting, what="an offer", shown=_published)

    def _posting(self, offer: dict[str, Any], page: Page) -> RawPosting:
        salary = offer.get("salary")
        return RawPosting(
            source=self.config.name,
            external_id=text(offer, "id") or text(offer, "slug"),
            url=absolute_url(text(offer, "careers_url"), page.url),
            title=text(offer, "title"),
            company=company_name(self.config, text(offer, "company_name")),
            locations=unique([text(offer, "location"), *_locations(offer)]),
            remote=next((flag for flag in WORKPLACE_FLAGS if offer.get(flag) is True), None),
            employment_type=text(offer, "employment_type_code"),
            seniority=text(offer, "experience_code"),
            salary_format="recruitee" if isinstance(salary, dict) else None,
            salary_data=salary if isinstance(salary, dict) else None,
            posted_at=text(offer, "published_at") or text(offer, "created_at"),
            description_html="".join(part for part in (text(offer, "description"), text(offer, "requirements")) if part)
            or None,
            apply_url=absolute_url(text(offer, "careers_apply_url"), page.url),
            category_hint=_department(offer.get("department")),
            fetched_at=page.fetched_at,
            payload=offer,
        )


def _published(offer: dict[str, Any]) -> bool:
    """False for a draft, closed or internal offer: not a public posting."""
    status = offer.get("status")
    return not isinstance(status, str) or status == "published"


def _place(fields: Any) -> str | None:
    """ "City, State, Country" from an object's parts as found; its `full_address` when it has none of them."""
    parts = mapping(fields)
    joined = ", ".join(
        part
        for part in unique(
            [text(parts, "city"), text(parts, "state_name") or text(parts, "state"), text(parts, "country")]
        )
    )
    return joined or text(parts, "full_address")


def _locations(offer: dict[str, Any]) -> list[str | None]:
    """Every entry of `locations[]`, else the offer's own city/state/country."""
    entries: list[Any] = offer["locations"] if isinstance(offer.get("locations"), list) else []
    found = [_place(entry) for entry in entries if isinstance(entry, dict)]
    return found or [_place(offer)]


def _department(value: Any) -> str | None:
    """`department` is a name, or an object `{"id", "name"}` on some boards."""
    return text(value, "name") if isinstance(value, dict) else as_text(value, "department")
