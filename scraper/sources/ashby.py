"""Ashby public job-posting API (FORMATS.md section 4): one request per board, every listed job -> RawPosting.

Extracts strings and `compensation` as found (normalization/stated/ashby.py reads it). No interpretation.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import urlsplit

from models.records import RawPosting
from scraper.config import SourceConfig
from scraper.errors import ParseError
from scraper.fetching import Fetcher, Page
from scraper.sources._api import (
    absolute_url,
    board_endpoint,
    each_posting,
    html_from_plain,
    json_board,
    mapping,
    require_jobs,
    text,
    text_list,
    unique,
)
from scraper.sources._company import company_name
from scraper.sources_file.schema import AshbyOptions

# The board name keeps its exact case (it is case-sensitive); compensation is only sent when asked for.
ENDPOINT_PATH = "/posting-api/job-board/{board}"
ENDPOINT_QUERY = {"includeCompensation": "true"}


class AshbySource:
    """An Ashby board: `board = "Acme"` with `url = "https://api.ashbyhq.com"`, or the full endpoint in `url`.

    Options: `board`, `company` (Ashby names no company: else the board slug made readable), `allow_empty`
    (a board with no jobs is an error unless true). No pagination: one response holds the board.
    Jobs with `isListed: false` are skipped.
    """

    kind: ClassVar[str] = "ashby"

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        options = AshbyOptions.of(config)
        self.url = board_endpoint(config.url, options.board, ENDPOINT_PATH, ENDPOINT_QUERY)
        self.company = company_name(config, endpoint_path=ENDPOINT_PATH)
        self.allow_empty = options.allow_empty

    def fetch(self, fetcher: Fetcher) -> Iterator[Page]:
        yield fetcher.get(self.url, headers={"Accept": "application/json"}, conditional=True)

    def parse(self, page: Page) -> Iterator[RawPosting | ParseError]:
        if page.not_modified:  # unchanged since the last run: nothing to re-read
            return
        jobs = json_board(page, "jobs", "an Ashby board")
        require_jobs(page, jobs, self.allow_empty)
        # isListed false: a draft or an unlisted role, not a public posting
        yield from each_posting(
            page, jobs, self._posting, what="a job", shown=lambda job: job.get("isListed") is not False
        )

    def _posting(self, job: dict[str, Any], page: Page) -> RawPosting:
        job_url = absolute_url(text(job, "jobUrl"), page.url)
        compensation = job.get("compensation")
        return RawPosting(
            source=self.config.name,
            external_id=text(job, "id") or _url_tail(job_url),
            url=job_url,
            title=text(job, "title"),
            company=self.company,
            locations=unique(
                [text(job, "location"), *text_list(job.get("secondaryLocations"), "secondaryLocations", key="location")]
            ),
            # `workplaceType` first: Ashby sends isRemote=true with workplaceType "Hybrid" (FORMATS.md section 0).
            remote=text(job, "workplaceType") or text(job, "isRemote"),
            employment_type=text(job, "employmentType"),
            # The summary ("₹20L – ₹30L") is read only when no Salary component is stated (normalization decides).
            salary_text=_compensation_summary(compensation),
            salary_format="ashby",
            salary_data=compensation,
            posted_at=text(job, "publishedAt"),  # the last publication; it moves on republish
            description_html=text(job, "descriptionHtml") or html_from_plain(text(job, "descriptionPlain")),
            apply_url=absolute_url(text(job, "applyUrl"), page.url),
            category_hint=text(job, "team") or text(job, "department"),
            fetched_at=page.fetched_at,
            payload=job,
        )


def _listed(job: dict[str, Any]) -> bool:
    """False for a draft or an unlisted role (`isListed: false`): not a public posting."""
    return job.get("isListed") is not False


def _compensation_summary(compensation: Any) -> str | None:
    fields = mapping(compensation)
    return text(fields, "compensationTierSummary") or text(fields, "scrapeableCompensationSalarySummary")


def _url_tail(url: str | None) -> str | None:
    if url is None:
        return None
    return urlsplit(url).path.rstrip("/").rpartition("/")[2] or None
