"""Exports for analysts: every posting matching the /jobs filters as NDJSON or CSV, and salary statistics as CSV.

Streams by keyset pages, each read in a short session of its own: memory stays that of one page however
many postings match. The record is the API's (DESIGN.md section 5); CSV flattens it, one column per field.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import orjson
from sqlalchemy.orm import Session

from api.queries.postings import in_schema_order, page_records
from models.schemas import PostingFilters, SalaryGroupStatsOut, SalaryStatsOut

EXPORT_PAGE_SIZE = 1000

POSTING_CSV_COLUMNS = (
    "id",
    "source",
    "sources",
    "external_id",
    "url",
    "title",
    "title_raw",
    "featured",
    "company",
    "category",
    "location_raw",
    "remote",
    "countries",
    "regions",
    "cities",
    "employment_types",
    "seniority",
    "tags",
    "salary_raw",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "salary_period_basis",
    "annual_usd_min",
    "annual_usd_max",
    "flags",
    "posted_at",
    "first_seen",
    "last_seen",
    "closed_at",
)
SALARY_CSV_COLUMNS = (
    "category",
    "group_by",
    "group",
    "currency",
    "period",
    "count",
    "excluded_flagged",
    "min",
    "p10",
    "p25",
    "p50",
    "p75",
    "p90",
    "max",
)
# Lists become one cell, values joined by this (no tag, country or flag code contains it).
LIST_SEPARATOR = ";"


def export_pages(
    sessions: Callable[[], Session], filters: PostingFilters, *, page_size: int = EXPORT_PAGE_SIZE
) -> Iterator[list[dict[str, Any]]]:
    """The records matching `filters`, newest first, one keyset page at a time (`limit` is ignored)."""
    cursor = filters.cursor
    while True:
        with sessions() as session:
            records, cursor = page_records(session, filters.model_copy(update={"limit": page_size, "cursor": cursor}))
        if records:
            yield records
        if cursor is None:
            return


_LINE = orjson.OPT_UTC_Z | orjson.OPT_APPEND_NEWLINE


def ndjson_chunks(pages: Iterator[list[dict[str, Any]]]) -> Iterator[bytes]:
    for records in pages:
        yield b"".join(orjson.dumps(in_schema_order(record), option=_LINE) for record in records)


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat().replace("+00:00", "Z")
    return value


def csv_row(record: dict[str, Any]) -> list[Any]:
    location, salary = record["location"], record["salary"] or {}
    flat = {
        **record,
        "location_raw": location["raw"],
        "remote": location["remote"],
        "countries": location["countries"],
        "regions": location["regions"],
        "cities": location["cities"],
        "flags": [flag["code"] for flag in record["flags"]],
        **{f"salary_{key}": salary.get(key) for key in ("raw", "min", "max", "currency", "period", "period_basis")},
        "annual_usd_min": salary.get("annual_usd_min"),
        "annual_usd_max": salary.get("annual_usd_max"),
    }
    return [_cell(flat[column]) for column in POSTING_CSV_COLUMNS]


def _csv_text(rows: Sequence[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode()


def csv_chunks(pages: Iterator[list[dict[str, Any]]]) -> Iterator[bytes]:
    yield _csv_text([POSTING_CSV_COLUMNS])
    for records in pages:
        yield _csv_text([csv_row(record) for record in records])


def salaries_csv(stats: Sequence[SalaryStatsOut]) -> bytes:
    """One row per statistic (histograms stay in the JSON); `group_by`/`group` empty without a breakdown."""
    rows: list[Sequence[Any]] = [SALARY_CSV_COLUMNS]
    for s in stats:
        fields = s.model_dump(mode="json")
        if not isinstance(s, SalaryGroupStatsOut):
            fields |= {"group_by": None, "group": None}
        rows.append([_cell(fields[column]) for column in SALARY_CSV_COLUMNS])
    return _csv_text(rows)
