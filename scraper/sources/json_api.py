"""JSON list endpoints (FORMATS.md sections 6a, 6b) read through a field mapping: one request, each item -> RawPosting.

Built-in presets for RemoteOK and Remotive; any other list API is described in the source's options.
Extracts values as found; plain salary numbers go to normalization as format "amounts" (stated/amounts.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from models.enums import Period
from models.records import RawPosting
from scraper.config import SourceConfig
from scraper.errors import ParseError
from scraper.fetching import Fetcher, Page
from scraper.sources._api import (
    absolute_url,
    as_text,
    describe,
    each_posting,
    load_json,
    require_jobs,
    text_list,
    unique,
)
from scraper.sources_file.schema import JSON_TEXT_FIELDS, JsonApiOptions

TEXT_FIELDS = JSON_TEXT_FIELDS

# Remote-only boards: every item is remote, and the location field is an eligibility region (FORMATS.md 0.6).
PRESETS: dict[str, dict[str, Any]] = {
    "remoteok": {
        # A bare array whose element 0 is the legal notice {last_updated, legal}.
        "skip_first": True,
        "remote": "true",
        # salary_min/salary_max are USD per year by the API's documentation; 0 means not given.
        "salary_currency": "USD",
        "salary_period": "year",
        "fields": {
            "external_id": "id",
            "url": "url",
            "title": "position",
            "company": "company",
            "locations": "location",
            "tags": "tags",
            "posted_at": ["epoch", "date"],  # epoch seconds, else the ISO date
            "description_html": "description",
            "apply_url": "apply_url",
            "salary_min": "salary_min",
            "salary_max": "salary_max",
        },
    },
    "remotive": {
        "items": "jobs",
        "remote": "true",
        "fields": {
            "external_id": "id",
            "url": "url",
            "title": "title",
            "company": "company_name",
            "locations": "candidate_required_location",
            "tags": "tags",
            "employment_type": "job_type",
            "salary_text": "salary",  # free text ("$40,000 - $50,000"), parsed by normalization
            "posted_at": "publication_date",  # ISO with no timezone (UTC)
            "description_html": "description",
            "category_hint": "category",
        },
    },
}


class JsonApiSource:
    """A JSON endpoint listing jobs, described by options (a preset's options are overridden key by key):

    preset = "remoteok" | "remotive"   built-in mappings for the bundled sources
    items = "jobs"                     dotted path to the job list; absent: the document itself is the list
    skip_first = true                  element 0 is a notice, not a job (skipped when it has no title)
    fields = {title = "position", posted_at = ["epoch", "date"], ...}
                                       RawPosting field -> dotted path in an item, or a list of paths: a text
                                       field takes the first that holds a value, `locations` and `tags` gather
                                       them all. `title` is required. Also `salary_min`/`salary_max`.
    salary_currency = "USD", salary_period = "year"
                                       what the API documents for salary_min/max (else currency/period None)
    company = "...", remote = "true"   values for items that have none of their own
    allow_empty = true                 accept an empty list (otherwise an error: usually an outage)
    """

    kind: ClassVar[str] = "json-api"

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        options = JsonApiOptions.of(config)
        preset: dict[str, Any] = PRESETS[options.preset] if options.preset else {"fields": {}}

        def pick(key: str, default: Any = None) -> Any:
            value = getattr(options, key)
            return preset.get(key, default) if value is None else value

        items = pick("items")
        self.items_path = _path(items) if items else ()
        self.skip_first: bool = pick("skip_first", False)
        self.allow_empty: bool = pick("allow_empty", False)
        self.company: str | None = pick("company")
        self.remote: str | None = pick("remote")
        self.salary_currency: str | None = pick("salary_currency")
        period = pick("salary_period")
        self.salary_period = Period(period) if period is not None else None
        fields: dict[str, Any] = {**preset["fields"], **(options.fields or {})}
        self.fields = {name: tuple(_path(spec) for spec in _specs(paths)) for name, paths in fields.items()}

    def fetch(self, fetcher: Fetcher) -> Iterator[Page]:
        yield fetcher.get(self.config.url, headers={"Accept": "application/json"}, conditional=True)

    def parse(self, page: Page) -> Iterator[RawPosting | ParseError]:
        if page.not_modified:  # unchanged since the last run: nothing to re-read
            return
        document = load_json(page)
        items = _resolve(document, self.items_path)
        if not isinstance(items, list):
            where = "at " + ".".join(self.items_path) if self.items_path else "as the document"
            raise ParseError(f"{page.url}: expected a list of jobs {where}, got {describe(document)}", url=page.url)
        start = 1 if self.skip_first and items and not self._has_title(items[0]) else 0
        require_jobs(page, items[start:], self.allow_empty)
        yield from each_posting(page, items, self._posting, what="an item", start=start)

    def _posting(self, item: dict[str, Any], page: Page) -> RawPosting:
        found = {name: as_text(self._value(item, name), name) for name in TEXT_FIELDS}
        salary_data = None
        if "salary_min" in self.fields or "salary_max" in self.fields:
            # The two numbers as found, with what the configuration says they are (the API's documentation).
            salary_data = {
                "min": self._value(item, "salary_min"),
                "max": self._value(item, "salary_max"),
                "currency": self.salary_currency,
                "period": self.salary_period.value if self.salary_period is not None else None,
            }
        return RawPosting(
            source=self.config.name,
            external_id=found["external_id"],
            url=absolute_url(found["url"], page.url),
            title=found["title"],
            company=found["company"] or self.company,
            locations=self._texts(item, "locations"),
            remote=found["remote"] or self.remote,
            employment_type=found["employment_type"],
            seniority=found["seniority"],
            salary_text=found["salary_text"],
            salary_format="amounts" if salary_data is not None else None,
            salary_data=salary_data,
            tags=self._texts(item, "tags"),
            posted_at=found["posted_at"],
            description_html=found["description_html"],
            apply_url=absolute_url(found["apply_url"], page.url),
            category_hint=found["category_hint"],
            fetched_at=page.fetched_at,
            payload=item,
        )

    def _value(self, item: Mapping[str, Any], name: str) -> Any:
        """The first of the field's paths that holds something (not null, not blank)."""
        for path in self.fields.get(name, ()):
            value = _resolve(item, path)
            if value is not None and not (isinstance(value, str) and not value.strip()):
                return value
        return None

    def _texts(self, item: Mapping[str, Any], name: str) -> tuple[str, ...]:
        """A list field gathers every path's values in order (a primary location, then the others)."""
        return unique(text for path in self.fields.get(name, ()) for text in text_list(_resolve(item, path), name))

    def _has_title(self, item: Any) -> bool:
        return isinstance(item, dict) and self._value(item, "title") is not None


def _specs(paths: str | list[str]) -> list[str]:
    return [paths] if isinstance(paths, str) else paths


def _path(spec: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in spec.split("."))


def _resolve(value: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value
