"""Greenhouse job-board API (FORMATS.md section 2): one request per board, every job -> RawPosting.

Extracts strings and the salary objects as found (normalization/stated/greenhouse.py reads them). No interpretation.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping
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
    require_jobs,
    text,
    unique,
)
from scraper.sources._company import company_name
from scraper.sources_file.schema import GreenhouseOptions

# `content` adds the description, departments and offices; `pay_transparency` adds `pay_input_ranges`.
ENDPOINT_PATH = "/v1/boards/{board}/jobs"
ENDPOINT_QUERY = {"content": "true", "pay_transparency": "true"}

EMPLOYMENT_TYPE_FIELDS = frozenset({"employment type", "employment_type", "job type", "type of employment"})
SENIORITY_FIELDS = frozenset({"job level", "seniority", "seniority level", "level", "career level"})
# Custom metadata boards use for the workplace ("Location Type": Remote / On-Site / Hybrid (Travel-Required)).
WORKPLACE_FIELDS = frozenset(
    {
        "location type",
        "workplace type",
        "workplace",
        "work location type",
        "remote",
        "remote status",
        "work arrangement",
        "work model",
        "work type",
        "remote type",
        "in-office or remote",
    }
)

# The pay range Greenhouse renders into `content` (observed on live boards; FORMATS.md section 2).
_PAY_RANGE = re.compile(r"<div[^>]*\bclass=\"[^\"]*\bpay-range\b[^\"]*\"[^>]*>(.*?)</div>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


class GreenhouseSource:
    """A Greenhouse board: `board = "acme"` with `url = "https://boards-api.greenhouse.io"`, or the full
    endpoint in `url`.

    Options: `board` (the board token), `company` (used when a job has no `company_name`; else the board slug made
    readable),
    `allow_empty` (a board with no jobs is an error unless true). No pagination: one response holds the board.
    """

    kind: ClassVar[str] = "greenhouse"

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        options = GreenhouseOptions.of(config)
        self.url = board_endpoint(config.url, options.board, ENDPOINT_PATH, ENDPOINT_QUERY)
        self.company = company_name(config, endpoint_path=ENDPOINT_PATH)
        self.allow_empty = options.allow_empty

    def fetch(self, fetcher: Fetcher) -> Iterator[Page]:
        yield fetcher.get(self.url, headers={"Accept": "application/json"}, conditional=True)

    def parse(self, page: Page) -> Iterator[RawPosting | ParseError]:
        if page.not_modified:  # unchanged since the last run: nothing to re-read
            return
        jobs = json_board(page, "jobs", "a Greenhouse board")
        require_jobs(page, jobs, self.allow_empty)
        yield from each_posting(page, jobs, self._posting, what="a job")

    def _posting(self, job: dict[str, Any], page: Page) -> RawPosting:
        content = text(job, "content")
        description = html.unescape(content) if content else None  # entity-escaped once by Greenhouse
        metadata: list[Any] = job["metadata"] if isinstance(job.get("metadata"), list) else []
        return RawPosting(
            source=self.config.name,
            external_id=text(job, "id"),
            url=absolute_url(text(job, "absolute_url"), page.url),
            title=text(job, "title"),
            company=text(job, "company_name") or self.company,
            locations=unique([_location(job.get("location")), *_office_locations(job.get("offices"))]),
            remote=_metadata_text(metadata, WORKPLACE_FIELDS),
            employment_type=_metadata_text(metadata, EMPLOYMENT_TYPE_FIELDS),
            seniority=_metadata_text(metadata, SENIORITY_FIELDS),
            salary_text=_pay_range_text(description),
            salary_format="greenhouse",
            salary_data=_salary_data(job),
            posted_at=text(job, "first_published"),  # `updated_at` moves on every edit: not a posting date
            description_html=description,
            category_hint=_first_name(job.get("departments")),
            fetched_at=page.fetched_at,
            payload=job,
        )


def _salary_data(job: dict[str, Any]) -> dict[str, Any] | None:
    """The job's `pay_input_ranges` and `metadata` (where currency fields live) as found; None when it has neither."""
    found = {key: job[key] for key in ("pay_input_ranges", "metadata") if job.get(key)}
    return found or None


def _location(value: Any) -> str | None:
    return text(value, "name") if isinstance(value, dict) else as_text(value, "location")


def _office_locations(offices: Any) -> list[str | None]:
    """Each office's `location` text, or its `name` when the location is null."""
    if not isinstance(offices, list):
        return []
    return [text(office, "location") or text(office, "name") for office in offices if isinstance(office, dict)]


def _first_name(entries: Any) -> str | None:
    for entry in entries if isinstance(entries, list) else ():
        if isinstance(entry, dict) and (name := text(entry, "name")):
            return name
    return None


def _metadata_text(metadata: list[Any], names: frozenset[str]) -> str | None:
    """The value of the first metadata field with one of `names`; a multi-select joins its choices with ", "."""
    for entry in metadata:
        if not isinstance(entry, Mapping) or (as_text(entry.get("name"), "name") or "").lower() not in names:
            continue
        value = entry.get("value")
        if isinstance(value, list):
            return ", ".join(item for item in (as_text(v, "value") for v in value) if item) or None
        if isinstance(value, dict):
            return None
        return as_text(value, "value")
    return None


def _pay_range_text(description: str | None) -> str | None:
    """The text of the `<div class="pay-range">` Greenhouse renders into the description: "$38 — $45.50 USD"."""
    if description is None or (match := _PAY_RANGE.search(description)) is None:
        return None
    return " ".join(html.unescape(_TAG.sub(" ", match.group(1))).split()) or None
