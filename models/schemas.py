"""Pydantic v2 schemas of the HTTP API and of the posting record (DESIGN.md sections 5 and 7).

Shapes only: one `PostingOut` shared by the API, the JSON Feed's `_jobfeed` extension and
`jobfeed scrape --dry-run`, built from the posting definition (models/records.py). No queries, no rendering.
"""

from __future__ import annotations

import re
import typing
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, create_model, field_validator

from models.enums import EmploymentType, Period, PeriodBasis, RemoteMode, SalaryOrigin, Seniority
from models.posting import RECORD_FIELDS, optional_part, record_values, stored_values
from models.records import Flag, Location, NormalizedPosting, Salary, Stored

MAX_PAGE_LIMIT = 200


# Rules on input text are `pattern`s: stated in the OpenAPI schema and enforced by the same regex.
# PostgreSQL text cannot hold NUL: refused as bad input rather than failing in the database.
NO_NUL_PATTERN = r"^[^\x00]*$"
# A keyset cursor (api/cursor.py): first_seen in microseconds since 1970, a dot, the posting id.
CURSOR_PATTERN = r"^-?[0-9]{1,18}\.[0-9]{1,19}$"
# A webhook receiver: http(s), a host name or IPv4 address, an optional port, then anything printable.
WEBHOOK_URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9.-]+(:[0-9]{1,5})?([/?#][!-~]*)?$"
# What each pattern asks for, in the words of a 422 (api/errors.py).
PATTERN_MEANINGS = {
    NO_NUL_PATTERN: "must not contain NUL characters",
    CURSOR_PATTERN: "is not a cursor this API issued: pass next_cursor from a previous page",
    WEBHOOK_URL_PATTERN: "must be an http or https URL with a host name or IPv4 address",
}

InputStr = Annotated[str, Field(pattern=NO_NUL_PATTERN)]

_FULL_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_RFC3339_DATE = re.compile(_FULL_DATE)
_RFC3339_DATE_OR_TIME = re.compile(
    _FULL_DATE + r"([Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2}))?"
)


def _rfc3339_text(shape: re.Pattern[str], expected: str) -> BeforeValidator:
    """Only RFC 3339 text (the schema's `date` / `date-time` formats) reaches pydantic, which on its own would
    also read a number as Unix time (`posted_since=0.5` as 1970-01-01T00:00:00.5Z) or a date-time as a date."""

    def check(value: object) -> object:
        if isinstance(value, date) or (isinstance(value, str) and shape.fullmatch(value)):
            return value
        raise ValueError(f"must be {expected}")

    return BeforeValidator(check)


# A date (midnight UTC) or a date-time with an offset, as `posted_since` and `since` take.
SinceParam = Annotated[
    AwareDatetime | date,
    _rfc3339_text(
        _RFC3339_DATE_OR_TIME, "an RFC 3339 date (2026-11-01) or date-time with offset (2026-11-01T09:00:00Z)"
    ),
]
DayParam = Annotated[date, _rfc3339_text(_RFC3339_DATE, "an RFC 3339 date (2026-11-01)")]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FlagOut(_Out):
    code: str = Field(description="stable finding code; salary findings start with `salary_`")
    message: str


class _PostingRecord(_Out):
    """The posting record (DESIGN.md section 5): unknown is null, raw values kept beside their parse."""

    @classmethod
    def from_normalized(
        cls,
        posting: NormalizedPosting,
        *,
        id: int | None = None,
        sources: list[str] | None = None,
        first_seen: datetime | None = None,
        last_seen: datetime | None = None,
        closed_at: datetime | None = None,
    ) -> Self:
        """The record of a pipeline posting (for `--dry-run`: no id, not yet seen)."""
        values = {"source": posting.source, "external_id": posting.external_id, **stored_values(posting)}
        return cls.model_validate(
            {
                **record_values(values),
                "id": id,
                "sources": sources if sources is not None else [posting.source],
                "first_seen": first_seen,
                "last_seen": last_seen,
                "closed_at": closed_at,
            }
        )


# The API's types of the record's field types.
_OUT_TYPES: dict[Any, Any] = {datetime: AwareDatetime, Flag: FlagOut}


def _out_type(annotation: Any, *, in_composite: bool = False) -> Any:
    """The API type of a record field's type: tuples are lists, composites their own objects; in a
    composite every value but a list may be null (a row holds columns, any of which may be null)."""
    kind, optional = optional_part(annotation)
    if typing.get_origin(kind) is tuple:
        return list[_out_type(typing.get_args(kind)[0])]  # type: ignore[misc]
    kind = _OUT_TYPES.get(kind, kind)
    return kind | None if optional or in_composite else kind


def _field(annotation: Any, spec: Stored, *, in_composite: bool = False) -> Any:
    out = _out_type(annotation, in_composite=in_composite)
    return (out, Field(description=spec.description) if spec.description else ...)


for _record_field in RECORD_FIELDS:
    if _record_field.composite:
        _kind, _ = optional_part(_record_field.annotation)
        _OUT_TYPES[_kind] = create_model(
            f"{_kind.__name__}Out",
            __base__=_Out,
            **{c.field: _field(c.annotation, c.spec, in_composite=True) for c in _record_field.columns},
        )


def _fields(api: str) -> dict[str, Any]:
    return {f.name: _field(f.annotation, f.spec) for f in RECORD_FIELDS if f.spec.api == api}


_SEEN = "null in a dry run"
if TYPE_CHECKING:
    # For the type checker only: the models built below from the posting definition (models/records.py).

    class LocationOut(_Out):
        raw: str | None
        remote: RemoteMode | None
        countries: list[str]
        regions: list[str]
        cities: list[str]

    class SalaryOut(_Out):
        raw: str | None
        min: float | None
        max: float | None
        currency: str | None
        period: Period | None
        period_basis: PeriodBasis | None
        annual_usd_min: float | None
        annual_usd_max: float | None
        origin: SalaryOrigin | None

    class PostingOut(_PostingRecord):
        id: int | None
        source: str
        sources: list[str]
        external_id: str
        url: str
        title: str
        title_raw: str
        featured: bool | None
        company: str | None
        category: str
        location: LocationOut
        employment_types: list[EmploymentType]
        seniority: Seniority | None
        tags: list[str]
        salary: SalaryOut | None
        flags: list[FlagOut]
        posted_at: AwareDatetime | None
        first_seen: AwareDatetime | None
        last_seen: AwareDatetime | None
        closed_at: AwareDatetime | None

    class PostingDetailOut(PostingOut):
        description_html: str | None
        apply_url: str | None

else:
    LocationOut = _OUT_TYPES[Location]
    SalaryOut = _OUT_TYPES[Salary]
    _record = _fields("record")
    PostingOut = create_model(
        "PostingOut",
        __base__=_PostingRecord,
        __doc__=_PostingRecord.__doc__,
        id=(int | None, Field(description=_SEEN)),
        source=_record.pop("source"),
        sources=(list[str], Field(description="every source that lists this job (cross-source dedup)")),
        **_record,
        first_seen=(AwareDatetime | None, Field(description=_SEEN)),
        last_seen=(AwareDatetime | None, Field(description=_SEEN)),
        closed_at=(AwareDatetime | None, ...),
    )
    PostingDetailOut = create_model("PostingDetailOut", __base__=PostingOut, **_fields("detail"))


class PostingPage(_Out):
    items: list[PostingOut]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last page")


class SearchFilters(BaseModel):
    """The filters of `/api/v1/jobs` but its cursor: what a saved search stores."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    category: InputStr | None = Field(None, max_length=60, description="a category slug (see /api/v1/categories)")
    q: InputStr | None = Field(None, min_length=1, max_length=200, description="words all found in title or company")
    company: InputStr | None = Field(None, min_length=1, max_length=300, description="exact company name")
    tag: InputStr | None = Field(None, min_length=1, max_length=100, description="a tag, case-insensitive")
    featured: bool | None = None
    remote: RemoteMode | None = None
    country: str | None = Field(None, pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2 code")
    seniority: Seniority | None = None
    employment_type: EmploymentType | None = None
    min_salary_usd: float | None = Field(
        None,
        ge=0,
        le=1e9,
        allow_inf_nan=False,
        description="annual USD; the top of the range must reach it; flagged salaries never match",
    )
    posted_since: SinceParam | None = Field(
        None,
        description="posted on or after (first seen when the source states no date): an RFC 3339 date or date-time",
    )
    source: InputStr | None = Field(None, min_length=1, max_length=100, description="a source name listing the job")
    include_flagged: bool = Field(
        True,
        description="false leaves out postings whose salary carries a finding (notes like company_missing do not)",
    )
    include_closed: bool = False
    limit: int = Field(50, ge=1, le=MAX_PAGE_LIMIT, description=f"at most {MAX_PAGE_LIMIT}")


class PostingFilters(SearchFilters):
    """Query filters of `/api/v1/jobs`, the category job lists and the feeds."""

    cursor: str | None = Field(None, pattern=CURSOR_PATTERN, description="next_cursor of the previous page")


class FeedFilters(PostingFilters):
    """Feed query filters: as `/jobs`, but unknown parameters (`utm_source`, a reader's cache buster) are ignored,
    since feed URLs travel through readers and newsletters that append them."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class OutlierFilters(PostingFilters):
    """`/api/v1/outliers`: the posting filters and a flag code."""

    code: InputStr | None = Field(None, min_length=1, max_length=60, description="only postings with this flag code")


class CategorySalaryOut(_Out):
    count: int
    p50: float | None


class CategoryOut(_Out):
    slug: str
    name: str
    open_jobs: int
    salary: CategorySalaryOut


class HistogramBucketOut(_Out):
    lo: float = Field(description="annual USD, inclusive")
    hi: float = Field(description="annual USD, exclusive")
    count: int


class SalaryStatsOut(_Out):
    """Statistics of one value per posting (annual USD midpoint); quantiles null under 5 postings."""

    category: str
    currency: Literal["USD"] = "USD"
    period: Literal["year"] = "year"
    count: int
    excluded_flagged: int = Field(description="postings left out because their salary is flagged")
    min: float | None
    p10: float | None
    p25: float | None
    p50: float | None
    p75: float | None
    p90: float | None
    max: float | None
    histogram: list[HistogramBucketOut]


class SalaryGroupStatsOut(SalaryStatsOut):
    """One group of a category's breakdown (`group_by`); `group` null for postings that do not say."""

    group_by: Literal["seniority", "country", "remote"]
    group: str | None = Field(description="the seniority, ISO 3166-1 alpha-2 country or remote mode of the group")


class HistoryPointOut(_Out):
    start: date = Field(description="first day of the bucket (weeks start on Monday)")
    count: int = Field(description="salaried postings open at some time during the bucket")
    p25: float | None
    p50: float | None
    p75: float | None


class LastRunOut(_Out):
    status: str = Field(
        description="running, succeeded, partial, failed, abandoned, cancelled, or deferred (the host asked us to wait)"
    )
    started_at: AwareDatetime
    finished_at: AwareDatetime | None
    counts: dict[str, Any]
    error: str | None = Field(description="a short public message; the details are in the service's log")
    suspect: bool = Field(
        default=False,
        description="the run succeeded but listed far fewer postings than usual, so it closed nothing; "
        "a size that repeats for several runs becomes the new normal",
    )
    deferred_until: AwareDatetime | None = Field(
        default=None, description="status deferred: the source is not fetched again before this time"
    )


class SourceOut(_Out):
    name: str
    kind: str
    url: str
    every: str = Field(description="interval as in the sources file: 15m, 2h, 1d")
    enabled: bool
    run_requested_at: AwareDatetime | None
    last_run: LastRunOut | None


class RunRequestOut(_Out):
    source: str
    requested_at: AwareDatetime


class HealthOut(_Out):
    status: Literal["ok", "unavailable"]
    database: str


class ErrorDetailOut(_Out):
    location: str = Field(description="where the bad input is, e.g. query.limit")
    message: str


class ErrorOut(_Out):
    """Every error response: a stable code and a sentence saying what to change."""

    error: str = Field(description="stable code: not_found, invalid_request, unauthorized, forbidden, conflict, ...")
    message: str
    details: list[ErrorDetailOut] = []
    valid_values: list[str] | None = None


_JSON_KINDS: dict[object, tuple[str, tuple[type, ...]]] = {
    bool: ("boolean", (bool,)),
    int: ("integer", (int,)),
    float: ("number", (float, int)),
}
# The boolean and number filters, by name: their JSON type and the Python types of its values.
_JSON_SCALARS = {
    name: _JSON_KINDS[scalar]
    for name, f in SearchFilters.model_fields.items()
    for scalar in typing.get_args(f.annotation) or (f.annotation,)
    if scalar in _JSON_KINDS
}


class SearchIn(BaseModel):
    """`POST /api/v1/searches`: a name, any /api/v1/jobs filters, and an optional webhook."""

    model_config = ConfigDict(extra="forbid")

    name: InputStr = Field(min_length=1, max_length=200)
    filters: SearchFilters = Field(default_factory=SearchFilters, description="any /api/v1/jobs filter but cursor")
    webhook_url: str | None = Field(
        None,
        max_length=2000,
        pattern=WEBHOOK_URL_PATTERN,
        description="http(s) URL told of each new match; a private address only where the server allows it (403)",
    )

    @field_validator("filters", mode="before")
    @classmethod
    def _json_scalars(cls, value: object) -> object:
        """A JSON body's boolean and number filters are JSON booleans and numbers, as the schema says: pydantic
        would also read 0 as false and "50" as 50 (which a query string needs, a JSON body does not)."""
        if isinstance(value, dict):
            for name, (kind, types) in _JSON_SCALARS.items():
                given = value.get(name)
                # JSON Schema's integer includes 189.0: a number with no fraction
                whole = kind == "integer" and type(given) is float and given.is_integer()
                if given is not None and type(given) not in types and not whole:
                    raise ValueError(f"{name} must be a JSON {kind}, not {given!r:.40}")
        return value


class SearchFeedsOut(_Out):
    rss: str
    atom: str
    json_feed: str = Field(alias="json", serialization_alias="json")


class SearchOut(_Out):
    id: int
    name: str
    filters: dict[str, Any]
    feeds: SearchFeedsOut
    webhook_url: str | None
    created_at: AwareDatetime


class SearchCreatedOut(SearchOut):
    webhook_secret: str | None = Field(description="whsec_ + base64; shown only in this response")


class DeliveryOut(_Out):
    webhook_id: str
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    postings: int = Field(description="how many postings the message announces")
    last_attempt_at: AwareDatetime | None
    last_error: str | None
