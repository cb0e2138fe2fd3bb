"""The pipeline's records: RawPosting (as a source found it) -> NormalizedPosting (one comparable shape).

NormalizedPosting is also the one definition of the posting record: each field's metadata (`stored`)
says its column, whether it counts in the content hash, which history field tracks it and where the API
shows it; models/posting.py derives rows, schemas and change tracking from it. No parsing, no I/O here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Boolean, Float, String, Text
from sqlalchemy.types import TypeEngine

from models.enums import ChangeField, EmploymentType, Period, PeriodBasis, RemoteMode, SalaryOrigin, Seniority
from models.types import JsonValue, UTCDateTime

STORED = "jobfeed.stored"
# A fingerprint that starts so is a board key: a posting naming no company, keyed by its board (the host of its
# URL), title, location, salary and posting date (scraper/normalization/posting.py `board_fingerprint`). Any
# other fingerprint of a posting without a company links nothing: title and location alone would join employers.
BOARD_FINGERPRINT_PREFIX = "b:"


@dataclass(frozen=True, slots=True)
class Stored:
    """How one field of the posting record is stored and served (the metadata of `stored`)."""

    # the column's type; None for a composite (Location, Salary: its own fields are the columns) and for
    # the key (source, external_id), whose columns the table declares with their constraints
    type: TypeEngine[Any] | None
    column: str | None = None  # the column's name when it is not the field's
    key: bool = False
    hashed: bool = True  # a change of it rewrites the row (it counts in `content_hash`)
    tracked: ChangeField | None = None  # its changes are recorded in posting_changes under this field
    compared: bool = True  # False: kept in the tracked value, but a change of it alone is none
    api: Literal["record", "detail"] | None = "record"  # in every record, only in the detail, or not served
    api_first: bool = False  # served first in its object (raw text before its parse)
    description: str | None = None  # the API schema's description


def stored(
    type_: TypeEngine[Any] | None = None,
    *,
    column: str | None = None,
    key: bool = False,
    hashed: bool = True,
    tracked: ChangeField | None = None,
    compared: bool = True,
    api: Literal["record", "detail"] | None = "record",
    api_first: bool = False,
    description: str | None = None,
) -> dict[str, Stored]:
    """The `metadata` of a record field: `field(metadata=stored(Text(), tracked=ChangeField.TITLE))`."""
    return {STORED: Stored(type_, column, key, hashed, tracked, compared, api, api_first, description)}


@dataclass(frozen=True, slots=True)
class Salary:
    """A salary as stated: bounds in `currency` per `period`; `raw` is the text it came from.

    `min`/`max` keep the stated order (a reversed range is flagged, not swapped); either may be
    None ("up to $X", "from EUR X"). The annual USD bounds are filled by `annualize` when known.
    """

    min: float | None = field(metadata=stored(Float(), column="salary_min", tracked=ChangeField.SALARY))
    max: float | None = field(metadata=stored(Float(), column="salary_max", tracked=ChangeField.SALARY))
    currency: str | None = field(
        metadata=stored(String(3), column="salary_currency", tracked=ChangeField.SALARY, description="ISO 4217")
    )
    period: Period | None = field(metadata=stored(String(10), column="salary_period", tracked=ChangeField.SALARY))
    period_basis: PeriodBasis = field(metadata=stored(String(10), column="salary_period_basis"))
    # "$60k - $120k" rewritten as "$60,000 - $120,000" is the same salary: the history compares what it means
    raw: str = field(
        metadata=stored(
            Text(),
            column="salary_raw",
            tracked=ChangeField.SALARY,
            compared=False,
            api_first=True,
            description="the salary text as the source printed it",
        )
    )
    annual_usd_min: float | None = field(default=None, metadata=stored(Float()))
    annual_usd_max: float | None = field(default=None, metadata=stored(Float()))
    # set by normalization: a structured value the source states, or read in its salary text or description
    origin: SalaryOrigin | None = field(
        default=None,
        metadata=stored(
            String(10),
            column="salary_origin",
            description="structured: a salary value the source states; text: read in its salary text or description",
        ),
    )


@dataclass(frozen=True, slots=True)
class Location:
    raw: str | None = field(metadata=stored(Text(), column="location_raw", tracked=ChangeField.LOCATION))
    remote: RemoteMode | None = field(default=None, metadata=stored(String(10), tracked=ChangeField.LOCATION))
    countries: tuple[str, ...] = field(
        default=(),
        metadata=stored(JsonValue, tracked=ChangeField.LOCATION, description="ISO 3166-1 alpha-2 codes"),
    )
    regions: tuple[str, ...] = field(default=(), metadata=stored(JsonValue, tracked=ChangeField.LOCATION))
    cities: tuple[str, ...] = field(default=(), metadata=stored(JsonValue, tracked=ChangeField.LOCATION))


@dataclass(frozen=True, slots=True)
class Flag:
    """One finding of validation: a stable code and a sentence a person understands."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class RawPosting:
    """A posting as a source found it: strings as printed, plus structured values an API states.

    Sources fill only what they see; they never interpret salary, location, category or
    seniority (scraper/normalization does). `payload` keeps the original card/object for audit.
    """

    source: str
    external_id: str | None
    url: str | None
    title: str | None
    company: str | None = None
    locations: tuple[str, ...] = ()  # every location string found, the main one first
    remote: str | None = None  # a remote/workplace marker as found ("R", "Hybrid", "true")
    employment_type: str | None = None  # as printed, may name several ("Full Time Freelance Contract")
    seniority: str | None = None  # a stated level ("Senior-level / Expert"); None when the source has none
    salary_text: str | None = None  # free-text salary as printed
    salary_format: str | None = None  # the shape of salary_data: "greenhouse", "lever", "ashby", "amounts", ...
    salary_data: Any = None  # a structured salary exactly as the API states it (JSON as found)
    tags: tuple[str, ...] = ()
    featured: bool | None = None
    posted_at: str | None = None  # as found: ISO 8601, epoch s/ms, RFC 822, "6d ago"
    valid_through: str | None = None  # when the source says the posting expires, as found
    description_html: str | None = None
    apply_url: str | None = None
    category_hint: str | None = None  # a board's own category label, if any
    fetched_at: datetime | None = None  # when the page was fetched (for relative dates)
    payload: Any = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NormalizedPosting:
    """A posting in the comparable shape of the posting record (DESIGN.md section 5), before storage.

    The fields are in the order the API serves them. Adding one: docs/adding-a-posting-field.md.
    """

    source: str = field(metadata=stored(key=True))
    external_id: str = field(metadata=stored(key=True))
    url: str = field(metadata=stored(Text()))
    title: str = field(metadata=stored(Text(), tracked=ChangeField.TITLE))
    title_raw: str = field(metadata=stored(Text()))
    featured: bool | None = field(metadata=stored(Boolean()))
    company: str | None = field(metadata=stored(Text(), tracked=ChangeField.COMPANY))
    category: str = field(metadata=stored(String(60)))
    location: Location = field(metadata=stored())
    employment_types: tuple[EmploymentType, ...] = field(
        metadata=stored(JsonValue, tracked=ChangeField.EMPLOYMENT_TYPES)
    )
    seniority: Seniority | None = field(metadata=stored(String(20)))
    tags: tuple[str, ...] = field(metadata=stored(JsonValue))
    salary: Salary | None = field(metadata=stored())
    flags: tuple[Flag, ...] = field(default=(), metadata=stored(JsonValue))
    # hashed by its date only: "3 days ago" resolved against each run's clock is no change
    posted_at: datetime | None = field(metadata=stored(UTCDateTime()))
    description_html: str | None = field(
        metadata=stored(
            Text(),
            api="detail",
            description="the description, sanitized (no scripts, handlers or js: links)",
        )
    )
    apply_url: str | None = field(metadata=stored(Text(), api="detail"))
    # the cross-source dedup key: company, title and location; a board key (BOARD_FINGERPRINT_PREFIX) without a company
    fingerprint: str = field(metadata=stored(String(64), api=None))
    payload: Any = field(default=None, compare=False, metadata=stored(JsonValue, hashed=False, api=None))
