"""Helpers for the ATS adapters that read a job list, then each posting's detail (workable, smartrecruiters,
workday): the endpoint base, a detail fetch that outlives a withdrawn posting, place strings.
No interpretation of values.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from scraper.config import SourceConfig
from scraper.errors import HTTPStatusError, ParseError
from scraper.fetching import Fetcher, Page
from scraper.sources._api import load_json, text, unique

logger = logging.getLogger(__name__)

JSON_HEADERS = {"Accept": "application/json"}
# A posting listed a moment ago and closed since: its detail answers 404 (or 410), which is not a failed run.
GONE_STATUSES = frozenset({404, 410})


def api_base(config: SourceConfig) -> str:
    """`url` without its trailing slash: the host (or mirror prefix) the kind's endpoint paths are put on."""
    return config.url.rstrip("/")


def fetch_optional(fetcher: Fetcher, url: str, source: str) -> Page | None:
    """GET `url`; None when it answers 404/410 (withdrawn since it was listed). Other failures raise."""
    try:
        return fetcher.get(url, headers=JSON_HEADERS)
    except HTTPStatusError as exc:
        if exc.status_code not in GONE_STATUSES:
            raise
        logger.info("%s: %s answered %d; skipped", source, url, exc.status_code)
        return None


def decoded(page: Page) -> Any:
    """The page as JSON for `fetch` to steer paging; None when it is not JSON (`parse` reports that)."""
    try:
        return load_json(page)
    except ParseError:
        return None


def place(fields: Mapping[str, Any], keys: Iterable[str]) -> str | None:
    """The place a location object names, its parts joined as printed: "Athens, Attica, Greece"."""
    return ", ".join(unique(text(fields, key) for key in keys)) or None
