"""The pipeline's records: RawPosting (as a source found it) -> NormalizedPosting (one comparable shape).

Plain frozen dataclasses; no parsing here (that is scraper/normalization) and no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from models.enums import EmploymentType, Period, PeriodBasis, RemoteMode, Seniority


@dataclass(frozen=True, slots=True)
class Salary:
    """A salary as stated: bounds in `currency` per `period`; `raw` is the text it came from.

    `min`/`max` keep the stated order (a reversed range is flagged, not swapped); either may be
    None ("up to $X", "from EUR X"). The annual USD bounds are filled by `annualize` when known.
    """

    min: float | None
    max: float | None
    currency: str | None
    period: Period | None
    period_basis: PeriodBasis
    raw: str
    annual_usd_min: float | None = None
    annual_usd_max: float | None = None


@dataclass(frozen=True, slots=True)
class Location:
    raw: str | None
    remote: RemoteMode | None = None
    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()


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


@dataclass(frozen=True, slots=True)
class NormalizedPosting:
    """A posting in the comparable shape of the posting record (DESIGN.md section 5), before storage."""

    source: str
    external_id: str
    url: str
    title: str
    title_raw: str
    company: str | None
    category: str
    location: Location
    employment_types: tuple[EmploymentType, ...]
    seniority: Seniority | None
    tags: tuple[str, ...]
    salary: Salary | None
    featured: bool | None
    posted_at: datetime | None
    description_html: str | None
    apply_url: str | None
    fingerprint: str
    flags: tuple[Flag, ...] = ()
    payload: Any = field(default=None, compare=False)
